/* h_mfa — MFA.ENROLL and MFA.CONFIRM (PROTOCOL.md §4): an admin's TOTP
 * enrolment. Both stay open in a session restricted by
 * MFA_ENROLL_REQUIRED (see authn.c); a successful MFA.CONFIRM lifts that
 * restriction from the very next request. */
#include "actlog.h"
#include "ctx.h"
#include "handlers.h"
#include "mfa.h"

HANDLER(h_mfa_enroll)
{
	char b32[TOTP_B32_MAX];
	char *uri;

	(void)call;
	if (mfa_enroll(ctx, b32, err) != 0)
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

	if (mfa_confirm(ctx, otp->s, otp->len, err) != 0)
		return -1;
	if (actlog_write(ctx, "auth", "mfa.enable", ctx->user_name, NULL, err) != 0)
		return -1;
	json_object_set_new(data, "mfa_enrolled", json_true());
	return 0;
}
