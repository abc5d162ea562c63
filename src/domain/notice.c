/* notice — see notice.h. */
#include <stdlib.h>
#include <string.h>
#include "notice.h"
#include "outbox.h"
#include "recovery.h"
#include "timefmt.h"

static const char sql_user[] =
	"SELECT u.name, f.code, f.id, u.email_sealed FROM users u"
	" JOIN facilities f ON f.id = u.facility_id WHERE u.id = ?";

struct notice_text {
	const char *kind, *subject, *what;
};

static const struct notice_text texts[] = {
	[NOTICE_PASSWORD] = { "notice_password", "Infosys: your password changed",
		"The password of your account was changed." },
	[NOTICE_PASSWORD_ADMIN] = { "notice_password",
		"Infosys: your password was reset",
		"An administrator of your facility set a temporary password for"
		" your account; you will choose a new one at the next sign-in." },
	[NOTICE_EMAIL] = { "notice_email",
		"Infosys: your recovery address changed",
		"The recovery e-mail address of your account was changed." },
	[NOTICE_MFA] = { "notice_mfa", "Infosys: two-factor sign-in changed",
		"Two-factor sign-in (an authenticator app) was set up for your"
		" account." },
	[NOTICE_MFA_RESET] = { "notice_mfa",
		"Infosys: two-factor sign-in was reset",
		"An administrator of your facility cleared the two-factor sign-in"
		" of your account; you will set it up again at the next sign-in." },
	[NOTICE_LOCK] = { "notice_lock", "Infosys: your account is locked",
		"Your account was locked after too many failed sign-ins. An"
		" administrator of your facility can unlock it, or you can reset"
		" your password." },
};

static int notice_queue(struct ctx *ctx, const struct dbres *r,
			const char *addr, enum notice_kind kind,
			struct err *err)
{
	const struct notice_text *t = &texts[kind];
	char ts[TS_LEN + 1];
	char *body;

	ts_format(ctx->now, ts);
	body = arena_printf(ctx->arena,
		"Account %s of facility %s, %s (UTC):\n\n%s\n\n"
		"If this was you, nothing needs doing. If it was not, tell an"
		" administrator of your facility at once.\n",
		dbres_get(r, 0, 0), dbres_get(r, 0, 1), ts, t->what);
	if (!body)
		return err_set(err, E_INTERNAL, "out of memory");
	return outbox_enqueue(ctx, strtoll(dbres_get(r, 0, 2), NULL, 10),
			      t->kind, addr, t->subject, body, err);
}

static int notice_user(struct ctx *ctx, long long user_id, struct dbres *r,
		       struct err *err)
{
	struct dbparam p[] = { P_INT(user_id) };

	if (db_query(ctx->db, sql_user, p, 1, ctx->arena, r, err) != 0)
		return -1;
	return r->nrows == 1;
}

int notice_send(struct ctx *ctx, long long user_id, enum notice_kind kind,
		struct err *err)
{
	struct dbres r;
	const char *addr;
	int found = notice_user(ctx, user_id, &r, err);

	if (found <= 0 || !dbres_get(&r, 0, 3))
		return found < 0 ? -1 : 0;
	addr = recovery_email_open(ctx, user_id, dbres_get(&r, 0, 3), err);
	if (!addr)
		return -1;
	return notice_queue(ctx, &r, addr, kind, err);
}

int notice_send_to(struct ctx *ctx, long long user_id, const char *addr,
		   enum notice_kind kind, struct err *err)
{
	struct dbres r;
	int found = notice_user(ctx, user_id, &r, err);

	if (found <= 0)
		return found;
	return notice_queue(ctx, &r, addr, kind, err);
}
