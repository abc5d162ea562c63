/* throttle — see throttle.h. */
#include <stdlib.h>
#include <string.h>
#include "throttle.h"

static const char sql_failures[] =
	"SELECT COUNT(*), UNIX_TIMESTAMP(MAX(ts)) FROM login_log"
	" WHERE address = ? AND ts > FROM_UNIXTIME(?) AND result = 'failure'"
	" AND channel IN ('web', 'app')"
	" AND reason NOT IN ('throttled', 'otp_missing')";

int throttle_check(struct ctx *ctx, struct err *err)
{
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	struct dbparam p[] = {
		P_STRN(addr, strnlen(addr, 45)),
		P_INT(ctx->now - THROTTLE_WINDOW_S),
	};
	struct dbres r;
	long long n, last;

	if (db_query(ctx->db, sql_failures, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	n = r.nrows ? strtoll(dbres_get(&r, 0, 0), NULL, 10) : 0;
	if (n < THROTTLE_MAX)
		return 0;
	last = dbres_get(&r, 0, 1) ? strtoll(dbres_get(&r, 0, 1), NULL, 10) : ctx->now;
	ctx->retry_after = (int)(last + THROTTLE_WINDOW_S - ctx->now);
	if (ctx->retry_after < 1)
		ctx->retry_after = 1;
	return err_set(err, E_THROTTLED,
		       "too many failed sign-ins from this address; try again later");
}
