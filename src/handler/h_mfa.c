/* h_mfa — MFA.ENROLL and MFA.CONFIRM (PROTOCOL.md §4): an admin's TOTP
 * enrolment. Both stay open in a session restricted by
 * MFA_ENROLL_REQUIRED (see authn.c); a successful MFA.CONFIRM lifts that
 * restriction and gives the session a new token.
 *
 * An enrolled account re-enrols only with its password and a current
 * code: a stolen session cookie alone must not be able to replace the
 * second factor (issue 8 defect 2). */
#include <stdlib.h>
#include <string.h>
#include "actlog.h"
#include "ctx.h"
#include "devicecookie.h"
#include "handlers.h"
#include "lockout.h"
#include "mfa.h"
#include "notice.h"
#include "password.h"
#include "session.h"

#define REENROL_MSG "already enrolled: give your password and a current code"

static const char sql_account[] =
	"SELECT password_hash, mfa_enabled FROM users WHERE id = ?";

/* 0 when the caller may enrol: not enrolled yet, or the right password
 * and a current code; FORBIDDEN otherwise. A wrong password counts
 * towards the lockout like a failed sign-in. */
static int enroll_allowed(struct ctx *ctx, const struct call *call,
			  struct err *err)
{
	const struct argval *pw = call_arg(call, "password");
	const struct argval *otp = call_arg(call, "otp");
	struct dbparam p[] = { P_INT(ctx->user_id) };
	struct dbres r;
	int ok;

	if (db_query(ctx->db, sql_account, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1 || strcmp(dbres_get(&r, 0, 1), "1") != 0)
		return 0;
	if (!pw->present || !otp->present)
		return err_set(err, E_FORBIDDEN, REENROL_MSG);
	if (!password_verify(dbres_get(&r, 0, 0), pw->s, pw->len)) {
		if (lockout_record_failure(ctx, ctx->user_id,
					   NULL, err) != 0)
			return -1;
		return err_set(err, E_FORBIDDEN, REENROL_MSG);
	}
	ok = mfa_check_login(ctx, ctx->user_id, otp->s, otp->len, err);
	if (ok < 0)
		return -1;
	return ok ? 0 : err_set(err, E_FORBIDDEN, REENROL_MSG);
}

HANDLER(h_mfa_enroll)
{
	char b32[TOTP_B32_MAX];
	char *uri;

	if (enroll_allowed(ctx, call, err) != 0 || mfa_enroll(ctx, b32, err) != 0)
		return -1;
	/* The label names the account in the authenticator app. */
	uri = arena_printf(ctx->arena, "otpauth://totp/" MFA_ISSUER ":%s@%s"
			   "?secret=%s&issuer=" MFA_ISSUER "&algorithm=SHA1"
			   "&digits=%d&period=%d", ctx->user_name,
			   ctx->facility_code, b32, TOTP_DIGITS, TOTP_STEP_S);
	if (!uri)
		return err_set(err, E_INTERNAL, "out of memory");
	json_object_set_new(data, "secret", json_string(b32));
	json_object_set_new(data, "otpauth_uri", json_string(uri));
	return 0;
}

HANDLER(h_mfa_confirm)
{
	const struct argval *otp = call_arg(call, "otp");

	if (mfa_confirm(ctx, otp->s, otp->len, err) != 0 ||
	    session_rotate(ctx, err) != 0 ||
	    /* Sign-in is complete: the browser is a known device now. */
	    devicecookie_issue(ctx, ctx->facility_code, ctx->user_name, err) != 0 ||
	    actlog_write(ctx, "auth", "mfa.enable", ctx->user_name, NULL, err) != 0 ||
	    notice_send(ctx, ctx->user_id, NOTICE_MFA, err) != 0)
		return -1;
	json_object_set_new(data, "mfa_enrolled", json_true());
	return 0;
}
