/* verbs — THE verb table: the single source of the API (see verb.h).
 * The parser binds against it, the pipeline checks the program and the
 * roles with it, the request log redacts with it, and
 * `infosysctl api-reference` prints docs/api.md from it. */
#include <string.h>
#include "handlers.h"
#include "verb.h"

#define ARGS(a) a, (int)(sizeof(a) / sizeof((a)[0]))
#define NOARGS NULL, 0

/* §4 authentication and sessions: argument specs */
static const char *const login_channels[] = { "web", "app", NULL };
static const struct argspec login_args[] = {
	{ "facility", AT_CODE, 1, 0, 0, NULL, "the facility code" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "the user name" },
	{ "password", AT_SECRET, 1, 0, 0, NULL, "the password" },
	{ "otp", AT_SECRET, 0, 0, 0, NULL,
	  "the current TOTP code, for an admin enrolled in MFA" },
	{ "channel", AT_ENUM, 0, 0, 0, login_channels,
	  "web (default) or app (the mobile wrappers)" },
};
static const struct argspec password_change_args[] = {
	{ "current", AT_SECRET, 1, 0, 0, NULL, "the current password" },
	{ "new", AT_SECRET, 1, 0, 0, NULL,
	  "the new password; must meet the facility's policy" },
};

/* Sections follow PROTOCOL.md; keep each verb's entry in its section. */
const struct verb verb_table[] = {
	/* §4 authentication and sessions (/api/auth) */
	{ "LOGIN", PROG_AUTH, ROLE_ANON, ARGS(login_args), h_login,
	  "Signs in and sets the session cookie (a new token every time); data:"
	  " `user`, `role`, `facility`, `idle_timeout_s`, `must_change_password`,"
	  " `mfa_enrolled`. Every failure is `AUTH_FAILED`; an enrolled admin"
	  " without `otp` gets `MFA_REQUIRED`; 10 consecutive failures lock the"
	  " account; more than 30 failures from one address within 15 minutes"
	  " give `THROTTLED`." },
	{ "LOGOUT", PROG_AUTH, ROLE_USER | ROLE_ADMIN, NOARGS, h_logout,
	  "Ends the session server-side and clears the cookie." },
	{ "SESSION", PROG_AUTH, ROLE_USER | ROLE_ADMIN, NOARGS, h_session,
	  "The session: `user`, `role`, `facility`, `idle_remaining_s`,"
	  " `must_change_password`, `mfa_enroll_required`." },
	{ "PASSWORD.CHANGE", PROG_AUTH, ROLE_USER | ROLE_ADMIN,
	  ARGS(password_change_args), h_password_change,
	  "Checks the current password (a wrong one counts towards the lockout),"
	  " the policy (`POLICY` naming the rule: min_length, require_digit,"
	  " require_mixed_case, require_special, user_name, common, history),"
	  " stores the new hash and ends the user's other sessions." },

	/* §5 portal (/api/portal) */

	/* §6 PC sync (/api/sync) */
	{ "PING", PROG_SYNC, ROLE_PC, NOARGS, h_ping,
	  "Proves the transport and the sync key; data: `time`, the server time." },
};

const size_t verb_count = sizeof(verb_table) / sizeof(verb_table[0]);

const struct verb *verb_find(const char *name, size_t len)
{
	for (size_t i = 0; i < verb_count; i++) {
		const char *n = verb_table[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return &verb_table[i];
	}
	return NULL;
}

const struct argval *call_arg(const struct call *c, const char *key)
{
	static const struct argval absent;

	for (int i = 0; i < c->verb->nargs; i++)
		if (strcmp(c->verb->args[i].key, key) == 0)
			return &c->v[i];
	return &absent;
}

const char *argtype_name(enum argtype t)
{
	static const char *const names[] = {
		[AT_INT] = "int", [AT_DEC] = "dec", [AT_BOOL] = "bool",
		[AT_ENUM] = "enum", [AT_CODE] = "code", [AT_NAME] = "name",
		[AT_ID] = "id", [AT_TS] = "ts", [AT_DATE] = "date",
		[AT_TEXT] = "text", [AT_SECRET] = "secret", [AT_HASH] = "hash",
		[AT_EMAIL] = "email",
	};
	if ((unsigned)t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "?";
}
