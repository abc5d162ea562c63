/* actlog — see actlog.h. */
#include <string.h>
#include "actlog.h"
#include "auditchain.h"

static const char sql_insert[] =
	"INSERT INTO activity_log (ts, facility_id, user_name, module, action,"
	" target, detail, address" AUDITCHAIN_COLUMNS ")"
	" VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?"
	AUDITCHAIN_VALUES_ACTIVITY_LOG ")";

int actlog_write(struct ctx *ctx, const char *module, const char *action,
		 const char *target, const char *detail, struct err *err)
{
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	struct dbparam p[] = {
		P_INT(ctx->now),
		ctx->facility_id ? P_INT(ctx->facility_id) : P_NULL,
		ctx->user_name ? P_STR(ctx->user_name) : P_NULL,
		P_STR(module), P_STR(action),
		target ? P_STR(target) : P_NULL,
		detail ? P_STR(detail) : P_NULL,
		P_STRN(addr, strnlen(addr, 45)),
		AUDITCHAIN_PARAMS,
	};
	return auditchain_insert(ctx->db, ctx->arena, AUDIT_ACTIVITY_LOG,
				 ctx->facility_id, sql_insert, p,
				 sizeof(p) / sizeof(p[0]), err);
}
