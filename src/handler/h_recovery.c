/* h_recovery — self-service recovery on /api/auth (PROTOCOL.md §4):
 * PASSWORD.RESET.REQUEST, PASSWORD.RESET, USERNAME.RECOVER.
 *
 * The two requests answer the same whether or not the facility, user or
 * address exists, and mail only through the outbox (outbox.h), so that
 * neither the answer nor an SMTP round trip's time tells who has an
 * account. A wrong reset code is a failed sign-in for the address
 * throttle and the login history. */
#include <stdlib.h>
#include <string.h>
#include "actlog.h"
#include "ctx.h"
#include "handlers.h"
#include "lockout.h"
#include "notice.h"
#include "loginlog.h"
#include "outbox.h"
#include "password.h"
#include "policy.h"
#include "pwhistory.h"
#include "recovery.h"
#include "seal.h"
#include "session.h"
#include "throttle.h"
#include "userchange.h"

#define RESET_FAILED_MSG "the reset code is wrong, used or expired"

static const char sql_find_user[] =
	"SELECT u.id, u.name, u.email_sealed, u.password_hash, f.id, f.code"
	" FROM users u JOIN facilities f ON f.id = u.facility_id"
	" WHERE f.code = ? AND u.name = ? AND f.active = 1"
	" AND u.status = 'active'";

static const char sql_names_by_email[] =
	"SELECT u.name, f.id, f.code FROM users u"
	" JOIN facilities f ON f.id = u.facility_id"
	" WHERE f.code = ? AND f.active = 1 AND u.email_hash = ?"
	" AND u.status = 'active' ORDER BY u.name";

struct rec_user {
	long long id, facility_id;
	const char *name, *email_sealed, *hash, *facility_code;
};

/* 1 found, 0 not, -1 error. */
static int rec_find(struct ctx *ctx, const struct call *call,
		    struct rec_user *u, struct err *err)
{
	struct dbparam p[] = { P_STR(call_arg(call, "facility")->s),
			       P_STR(call_arg(call, "user")->s) };
	struct dbres r;

	if (db_query(ctx->db, sql_find_user, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return 0;
	u->id = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	u->name = dbres_get(&r, 0, 1);
	u->email_sealed = dbres_get(&r, 0, 2);
	u->hash = dbres_get(&r, 0, 3);
	u->facility_id = strtoll(dbres_get(&r, 0, 4), NULL, 10);
	u->facility_code = dbres_get(&r, 0, 5);
	return 1;
}

static void same_answer(json_t *data)
{
	json_object_set_new(data, "accepted", json_true());
}

static int reset_mail(struct ctx *ctx, const struct rec_user *u,
		      struct err *err)
{
	char token[TOKEN_B64_LEN + 1];
	const char *addr;
	char *body;

	addr = recovery_email_open(ctx, u->id, u->email_sealed, err);
	if (!addr || recovery_token_issue(ctx, u->id, token, err) != 0)
		return -1;
	body = arena_printf(ctx->arena,
		"A password reset was asked for user %s of facility %s.\n\n"
		"Your one-time reset code: %s\n\n"
		"It works once, within %d minutes. If you did not ask for it,"
		" ignore this message; your password has not changed.\n",
		u->name, u->facility_code, token, RECOVERY_TOKEN_TTL_S / 60);
	if (!body)
		return err_set(err, E_INTERNAL, "out of memory");
	return outbox_enqueue(ctx, u->facility_id, "password_reset", addr,
			      "Infosys password reset", body, err);
}

/* Within the limits, a new code and its mail; beyond, nothing (the live
 * code stays). One transaction, so a counted request always mailed. */
static int reset_mail_limited(struct ctx *ctx, const struct rec_user *u,
			      struct err *err)
{
	int allowed;

	if (db_begin(ctx->db, err) != 0)
		return -1;
	allowed = recovery_request_allowed(ctx, u->facility_id, u->id, err);
	if (allowed < 0 || (allowed && reset_mail(ctx, u, err) != 0) ||
	    db_commit(ctx->db, err) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	return 0;
}

HANDLER(h_password_reset_request)
{
	struct rec_user u = { 0 };
	int found = rec_find(ctx, call, &u, err);

	if (found < 0)
		return -1;
	if (found && u.email_sealed && reset_mail_limited(ctx, &u, err) != 0)
		return -1;
	same_answer(data);
	return 0;
}

static int reset_apply(struct ctx *ctx, const struct rec_user *u,
		       long long token_id, const char *hash, struct err *err)
{
	if (db_begin(ctx->db, err) != 0)
		return -1;
	if (recovery_token_use(ctx, token_id, err) != 0 ||
	    pwhistory_set_password(ctx, u->id, u->hash, hash, 0, err) != 0 ||
	    lockout_clear(ctx->db, u->id, err) != 0 ||
	    session_close_user(ctx->db, u->id, 0, err) != 0 ||
	    userchange_record(ctx->db, u->id, UC_PASSWORD, err) != 0 ||
	    notice_send(ctx, u->id, NOTICE_PASSWORD, err) != 0 ||
	    actlog_write(ctx, "auth", "password.reset", u->name, NULL, err) != 0 ||
	    db_commit(ctx->db, err) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	return 0;
}

HANDLER(h_password_reset)
{
	const char *typed = call_arg(call, "user")->s;
	const struct argval *tok = call_arg(call, "token");
	const struct argval *nw = call_arg(call, "new");
	char hash[PASSWORD_HASH_MAX];
	struct rec_user u = { 0 };
	long long token_id = 0;
	int found;

	if (throttle_check(ctx, err) != 0)
		return -1;
	found = rec_find(ctx, call, &u, err);
	if (found > 0)
		found = recovery_token_find(ctx, u.id, tok->s, tok->len,
					    &token_id, err);
	if (found < 0)
		return -1;
	if (!found) {
		if (loginlog_write(ctx, u.facility_id, typed, 0, "reset_token",
				   "web", err) != 0)
			return -1;
		return err_set(err, E_AUTH_FAILED, RESET_FAILED_MSG);
	}
	ctx->facility_id = u.facility_id;
	ctx->facility_code = u.facility_code;
	ctx->user_name = u.name;
	if (policy_accept_new_password(ctx, u.facility_id, u.id, u.name,
				       u.hash, nw->s, nw->len, err) != 0)
		return -1;
	if (password_hash(nw->s, nw->len, hash) != 0)
		return err_set(err, E_INTERNAL, "out of memory");
	if (reset_apply(ctx, &u, token_id, hash, err) != 0 ||
	    loginlog_write(ctx, u.facility_id, typed, 1, "password_reset", "web",
			   err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "facility", json_string(u.facility_code));
	return 0;
}

HANDLER(h_username_recover)
{
	const struct argval *email = call_arg(call, "email");
	char hash[65];
	struct dbres r;
	char *body;

	if (recovery_email_hash(ctx, email->s, email->len, hash, err) != 0)
		return -1;
	struct dbparam p[] = { P_STR(call_arg(call, "facility")->s),
			       P_STRN(hash, 64) };
	if (db_query(ctx->db, sql_names_by_email, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	same_answer(data);
	if (r.nrows == 0)
		return 0;
	body = arena_printf(ctx->arena, "The user names of facility %s bound"
			    " to this address:\n\n", dbres_get(&r, 0, 2));
	for (size_t i = 0; body && i < r.nrows; i++)
		body = arena_printf(ctx->arena, "%s  %s\n", body,
				    dbres_get(&r, i, 0));
	if (!body)
		return err_set(err, E_INTERNAL, "out of memory");
	return outbox_enqueue(ctx, strtoll(dbres_get(&r, 0, 1), NULL, 10),
			      "username", email->s, "Infosys user names", body,
			      err);
}
