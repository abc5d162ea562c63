/* verbs — THE verb table: the single source of the API (see verb.h).
 * The parser binds against it, the pipeline checks the program and the
 * roles with it, the request log redacts with it, and
 * `infosysctl api-reference` prints docs/api.md from it. */
#include <string.h>
#include "alert.h"
#include "handlers.h"
#include "verb.h"

/* Most verbs have no flags: entries leave the last field out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

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
	  "web (default) or app (the mobile wrappers; always app from an app"
	  " origin)" },
};
static const struct argspec mfa_enroll_args[] = {
	{ "password", AT_SECRET, 0, 0, 0, NULL,
	  "the account's password; required when already enrolled" },
	{ "otp", AT_SECRET, 0, 0, 0, NULL,
	  "a current code of the enrolled secret; required when already"
	  " enrolled" },
};
static const struct argspec mfa_confirm_args[] = {
	{ "otp", AT_SECRET, 1, 0, 0, NULL,
	  "the current code of the secret MFA.ENROLL gave" },
};
static const struct argspec reset_request_args[] = {
	{ "facility", AT_CODE, 1, 0, 0, NULL, "the facility code" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "the user name" },
};
static const struct argspec reset_args[] = {
	{ "facility", AT_CODE, 1, 0, 0, NULL, "the facility code" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "the user name" },
	{ "token", AT_SECRET, 1, 0, 0, NULL, "the code from the reset e-mail" },
	{ "new", AT_SECRET, 1, 0, 0, NULL,
	  "the new password; must meet the facility's policy" },
};
static const struct argspec username_recover_args[] = {
	{ "facility", AT_CODE, 1, 0, 0, NULL, "the facility code" },
	{ "email", AT_EMAIL, 1, 0, 0, NULL, "the recovery e-mail address" },
};
static const struct argspec password_change_args[] = {
	{ "current", AT_SECRET, 1, 0, 0, NULL, "the current password" },
	{ "new", AT_SECRET, 1, 0, 0, NULL,
	  "the new password; must meet the facility's policy" },
};

static const struct argspec email_change_args[] = {
	{ "password", AT_SECRET, 1, 0, 0, NULL, "the account's password" },
	{ "email", AT_EMAIL, 0, 0, 0, NULL,
	  "the new recovery address; absent to remove it" },
};

static const struct argspec session_revoke_args[] = {
	{ "id", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "one of the caller's sessions, from SESSION.LIST" },
	{ "others", AT_BOOL, 0, 0, 0, NULL,
	  "true: every session of the caller but this one" },
};

/* §5 users, policy and audit: argument specs */
static const struct argspec user_target_args[] = {
	{ "user", AT_NAME, 1, 0, 0, NULL, "a user of the caller's facility" },
};
static const struct argspec policy_set_args[] = {
	{ "idle_timeout_s", AT_INT, 0, 60, 1800, NULL,
	  "seconds without a request before a session ends" },
	{ "min_length", AT_INT, 0, 8, 64, NULL, "shortest password, in characters" },
	{ "require_digit", AT_BOOL, 0, 0, 0, NULL, "passwords need a digit" },
	{ "require_special", AT_BOOL, 0, 0, 0, NULL,
	  "passwords need a character other than a letter or digit" },
	{ "require_mixed_case", AT_BOOL, 0, 0, 0, NULL,
	  "passwords need upper- and lower-case letters" },
	{ "max_age_days", AT_INT, 0, 0, 365, NULL,
	  "days before a password must be changed; 0: never" },
	{ "history", AT_INT, 0, 0, 24, NULL,
	  "how many of the user's last passwords (the current one included)"
	  " a new one may not repeat" },
	{ "mfa_admins", AT_BOOL, 0, 0, 0, NULL, "admins must use TOTP" },
	{ "min_score", AT_INT, 0, 0, 4, NULL,
	  "least zxcvbn strength score of a new password, 0-4 (default 3)" },
};
static const struct argspec audit_logins_args[] = {
	{ "user", AT_NAME, 0, 0, 0, NULL, "only attempts with this user name" },
	{ "from", AT_TS, 0, 0, 0, NULL, "only attempts at or after this time" },
	{ "to", AT_TS, 0, 0, 0, NULL, "only attempts before this time" },
	{ "before", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "the next page: the `next` of the previous answer" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many (default 100)" },
};

/* §5 portal: argument specs */
static const char *const alarm_list_states[] = { "active", "all", NULL };
static const char *const clock_actions[] = { "in", "out", NULL };
static const char *const report_kinds[] = {
	"inventory", "temperature", "attendance", NULL };
static const char *const command_states[] = {
	"pending", "delivered", "done", "failed", "all", NULL };
static const struct argspec readings_args[] = {
	{ "device", AT_ID, 1, 0, 0, NULL, "a device of the caller's facility" },
	{ "from", AT_TS, 0, 0, 0, NULL, "only readings at or after this time" },
	{ "to", AT_TS, 0, 0, 0, NULL, "only readings at or before this time" },
	{ "limit", AT_INT, 0, 1, 5000, NULL, "at most this many (default 1000)" },
};
static const struct argspec dashboard_series_args[] = {
	{ "hours", AT_INT, 0, 1, 168, NULL, "the window's length (default 24)" },
	{ "points", AT_INT, 0, 12, 720, NULL,
	  "buckets per device (default 144: ten minutes over 24 hours)" },
	{ "to", AT_TS, 0, 0, 0, NULL,
	  "the window's end (default now): the page's clock, so that its"
	  " chart and the window agree" },
};
static const struct argspec device_history_args[] = {
	{ "device", AT_ID, 1, 0, 0, NULL, "a device of the caller's facility" },
	{ "from", AT_TS, 0, 0, 0, NULL,
	  "the period's start (default: 24 hours before `to`)" },
	{ "to", AT_TS, 0, 0, 0, NULL, "the period's end, excluded (default: now)" },
	{ "points", AT_INT, 0, 12, 1000, NULL,
	  "chart buckets over the period (default 240; none shorter than a minute)" },
};
static const struct argspec device_range_args[] = {
	{ "device", AT_ID, 1, 0, 0, NULL, "a device of the caller's facility" },
	{ "low", AT_DEC, 0, -10000, 20000, NULL, "the lowest acceptable reading" },
	{ "high", AT_DEC, 0, -10000, 20000, NULL, "the highest acceptable reading" },
};
static const struct argspec alarm_list_args[] = {
	{ "status", AT_ENUM, 0, 0, 0, alarm_list_states,
	  "active (default) or all" },
};
static const struct argspec alarm_ack_args[] = {
	{ "alarm", AT_ID, 1, 0, 0, NULL, "an alarm of the caller's facility" },
	{ "note", AT_TEXT, 0, 0, 200, NULL, "a note for the PC (no patient data)" },
};
static const struct argspec attendance_clock_args[] = {
	{ "action", AT_ENUM, 1, 0, 0, clock_actions, "in or out" },
};
static const struct argspec message_post_args[] = {
	{ "board", AT_ID, 1, 0, 0, NULL, "the PC's display board" },
	{ "text", AT_TEXT, 1, 0, 280, NULL, "the message (no patient data)" },
};
static const struct argspec report_request_args[] = {
	{ "kind", AT_ENUM, 1, 0, 0, report_kinds, "which report the PC makes" },
};
static const struct argspec command_list_args[] = {
	{ "status", AT_ENUM, 0, 0, 0, command_states, "only this state (default all)" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many (default 100)" },
};
static const struct argspec command_get_args[] = {
	{ "id", AT_INT, 1, 1, 9007199254740991LL, NULL, "the command's id" },
};
static const struct argspec audit_activity_args[] = {
	{ "user", AT_NAME, 0, 0, 0, NULL, "only actions by this user" },
	{ "from", AT_TS, 0, 0, 0, NULL, "only actions at or after this time" },
	{ "to", AT_TS, 0, 0, 0, NULL, "only actions before this time" },
	{ "before", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "the next page: the `next` of the previous answer" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many (default 100)" },
};
static const struct argspec audit_requests_args[] = {
	{ "user", AT_NAME, 0, 0, 0, NULL, "only requests by this user" },
	{ "from", AT_TS, 0, 0, 0, NULL, "only requests at or after this time" },
	{ "to", AT_TS, 0, 0, 0, NULL, "only requests before this time" },
	{ "before", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "the next page: the `next` of the previous answer" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many (default 100)" },
};
static const struct argspec audit_phi_args[] = {
	{ "from", AT_TS, 0, 0, 0, NULL, "only refusals at or after this time"
	  " (default: the last 30 days)" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many rows (default 100)" },
};
static const char *const alert_states[] = { "open", "all", NULL };
static const struct argspec alert_list_args[] = {
	{ "status", AT_ENUM, 0, 0, 0, alert_states, "open (not acknowledged, the default) or all" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many (default 100)" },
};
static const struct argspec alert_ack_args[] = {
	{ "id", AT_INT, 1, 1, 9007199254740991LL, NULL, "the alert's id" },
};
static const struct argspec alert_rule_set_args[] = {
	{ "rule", AT_ENUM, 1, 0, 0, alert_rule_names, "the rule" },
	{ "mail", AT_BOOL, 1, 0, 0, NULL, "whether its alerts mail the facility's admins" },
};
static const struct argspec sync_log_args[] = {
	{ "from", AT_TS, 0, 0, 0, NULL, "only reports at or after this time" },
	{ "to", AT_TS, 0, 0, 0, NULL, "only reports before this time" },
	{ "before", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "the next page: the `next` of the previous answer" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many (default 100)" },
};

static const char *const report_list_kinds[] = {
	"inventory", "temperature", "attendance", "other", NULL };
static const struct argspec report_list_args[] = {
	{ "kind", AT_ENUM, 0, 0, 0, report_list_kinds, "only reports of this kind" },
	{ "from", AT_TS, 0, 0, 0, NULL, "only reports generated at or after this time" },
	{ "to", AT_TS, 0, 0, 0, NULL, "only reports generated before this time" },
	{ "before", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "the next page: the `next` of the previous answer" },
	{ "limit", AT_INT, 0, 1, 200, NULL, "at most this many (default 50)" },
};
static const struct argspec report_get_args[] = {
	{ "report", AT_ID, 1, 0, 0, NULL, "a report of the caller's facility" },
	{ "offset", AT_INT, 0, 0, 10000, NULL, "rows to skip (default 0)" },
	{ "limit", AT_INT, 0, 1, 1000, NULL, "at most this many rows (default 100)" },
};

/* §6 PC sync: argument specs */
static const char *const device_kinds[] = {
	"fridge", "freezer", "room", "incubator", "other", NULL };
static const char *const device_units[] = { "C", "F", NULL };
static const char *const alarm_states[] = { "active", "cleared", NULL };
static const char *const alarm_severities[] = {
	"low", "high", "critical", NULL };
static const char *const ack_states[] = { "done", "failed", NULL };
static const char *const report_states[] = { "ok", "error", NULL };
static const char *const user_roles[] = { "user", "admin", NULL };
static const char *const user_states[] = { "active", "disabled", NULL };
static const char *const report_results[] = { "success", "failure", NULL };
static const struct argspec user_upsert_args[] = {
	{ "user", AT_NAME, 1, 0, 0, NULL, "the user name on the PC" },
	{ "role", AT_ENUM, 1, 0, 0, user_roles, "user or admin" },
	{ "hash", AT_HASH, 0, 0, 0, NULL,
	  "the password's argon2id PHC string, at least OWASP's minimum"
	  " (m=47104,t=1 / m=19456,t=2 / m=12288,t=3 / m=9216,t=4 / m=7168,t=5)"
	  " and at most m=131072, m*t=393216, p=4; left as stored when absent" },
	{ "email", AT_EMAIL, 0, 0, 0, NULL,
	  "the recovery address, stored sealed; left as stored when absent" },
	{ "status", AT_ENUM, 0, 0, 0, user_states,
	  "active or disabled; a new user is active, an existing one keeps"
	  " its status when absent" },
};
static const struct argspec user_remove_args[] = {
	{ "user", AT_NAME, 1, 0, 0, NULL, "the user name on the PC" },
};
static const struct argspec user_changes_args[] = {
	{ "since", AT_INT, 1, 0, 9007199254740991LL, NULL,
	  "the last revision the PC applied (0: from the start)" },
};
static const struct argspec login_report_args[] = {
	{ "user", AT_NAME, 1, 0, 0, NULL, "the user name typed on the PC" },
	{ "result", AT_ENUM, 1, 0, 0, report_results, "success or failure" },
	{ "ts", AT_TS, 1, 0, 0, NULL, "when the attempt happened" },
};
static const struct argspec device_upsert_args[] = {
	{ "device", AT_ID, 1, 0, 0, NULL, "the device's id on the PC" },
	{ "kind", AT_ENUM, 1, 0, 0, device_kinds, "what the device is" },
	{ "location", AT_TEXT, 1, 0, 120, NULL, "where it stands" },
	{ "unit", AT_ENUM, 0, 0, 0, device_units,
	  "the unit of its readings (C when never given)" },
	{ "low", AT_DEC, 0, -10000, 20000, NULL,
	  "the lowest acceptable reading, the PC's alarm limit" },
	{ "high", AT_DEC, 0, -10000, 20000, NULL,
	  "the highest acceptable reading, the PC's alarm limit" },
	{ "name", AT_TEXT, 0, 0, 60, NULL, "what people call it" },
};
static const struct argspec reading_push_args[] = {
	{ "device", AT_ID, 1, 0, 0, NULL, "a device sent with DEVICE.UPSERT" },
	{ "ts", AT_TS, 1, 0, 0, NULL, "when it was read" },
	{ "value", AT_DEC, 1, -10000, 20000, NULL, "the reading, -100 to 200" },
};
static const struct argspec queue_push_args[] = {
	{ "queue", AT_ID, 1, 0, 0, NULL, "the queue's id on the PC" },
	{ "ts", AT_TS, 1, 0, 0, NULL, "when this state was seen" },
	{ "length", AT_INT, 1, 0, 10000, NULL, "people waiting" },
	{ "wait_min", AT_INT, 1, 0, 1440, NULL, "expected wait in minutes" },
};
static const struct argspec alarm_push_args[] = {
	{ "alarm", AT_ID, 1, 0, 0, NULL, "the alarm's id on the PC" },
	{ "device", AT_ID, 1, 0, 0, NULL, "the device it is about" },
	{ "status", AT_ENUM, 1, 0, 0, alarm_states, "active or cleared" },
	{ "severity", AT_ENUM, 1, 0, 0, alarm_severities, "how urgent" },
	{ "ts", AT_TS, 1, 0, 0, NULL, "when it took this state" },
	{ "message", AT_TEXT, 0, 0, 200, NULL, "what the PC shows" },
};
static const struct argspec command_poll_args[] = {
	{ "max", AT_INT, 0, 1, 100, NULL, "at most this many (default 100)" },
};
static const struct argspec command_ack_args[] = {
	{ "id", AT_INT, 1, 1, 9007199254740991LL, NULL, "the command's id" },
	{ "status", AT_ENUM, 1, 0, 0, ack_states, "how it ended" },
	{ "result", AT_TEXT, 0, 0, 500, NULL, "what the PC reports" },
};
static const struct argspec dailysync_claim_args[] = {
	{ "date", AT_DATE, 1, 0, 0, NULL, "the day to sync" },
};
static const struct argspec dailysync_report_args[] = {
	{ "date", AT_DATE, 1, 0, 0, NULL, "the day claimed" },
	{ "status", AT_ENUM, 1, 0, 0, report_states, "the outcome" },
	{ "errors", AT_TEXT, 0, 0, 4000, NULL, "what went wrong" },
	{ "trace", AT_TEXT, 0, 0, 8000, NULL, "a stack trace" },
};
static const struct argspec error_report_args[] = {
	{ "message", AT_TEXT, 1, 0, 500, NULL, "the error" },
	{ "trace", AT_TEXT, 0, 0, 8000, NULL, "a stack trace" },
	{ "version", AT_ID, 0, 0, 0, NULL, "the PC client's version" },
};
static const struct argspec report_push_args[] = {
	{ "report", AT_ID, 1, 0, 0, NULL, "the report's id on the PC" },
	{ "kind", AT_ENUM, 1, 0, 0, report_list_kinds, "what it reports" },
	{ "title", AT_TEXT, 1, 0, 120, NULL, "what staff read as its name" },
	{ "ts", AT_TS, 1, 0, 0, NULL, "when the PC generated it" },
	{ "columns", AT_TEXT, 1, 0, 1000, NULL,
	  "the column headings, separated by tabs (at most 50)" },
	{ "rows", AT_INT, 1, 0, 10000, NULL, "how many rows it has" },
	{ "from", AT_TS, 0, 0, 0, NULL, "the start of the period it covers" },
	{ "to", AT_TS, 0, 0, 0, NULL, "the end of the period it covers" },
	{ "command", AT_INT, 0, 1, 9007199254740991LL, NULL,
	  "the REPORT.REQUEST command it answers" },
};
static const struct argspec report_row_args[] = {
	{ "report", AT_ID, 1, 0, 0, NULL, "a report sent with REPORT.PUSH" },
	{ "row", AT_INT, 1, 1, 10000, NULL, "its number, from 1" },
	{ "cells", AT_TEXT, 1, 0, 2000, NULL,
	  "the row's cells, separated by tabs, one per column" },
};
static const char *const release_channels[] = { "stable", "beta", NULL };
static const struct argspec update_check_args[] = {
	{ "version", AT_ID, 1, 0, 0, NULL,
	  "the PC client's version (dotted numbers; a suffix is ignored)" },
	{ "channel", AT_ENUM, 0, 0, 0, release_channels,
	  "stable (default) or beta" },
};

/* Sections follow PROTOCOL.md; keep each verb's entry in its section. */
const struct verb verb_table[] = {
	/* §4 authentication and sessions (/api/auth) */
	{ "LOGIN", PROG_AUTH, ROLE_ANON, ARGS(login_args), h_login,
	  "Signs in and sets the session cookie (a new token every time); from"
	  " an allow-listed app origin it answers the token as `token` instead"
	  " (docs/protocol.md, app channel). data:"
	  " `user`, `role`, `facility`, `idle_timeout_s`, `must_change_password`,"
	  " `mfa_enrolled`. Every failure is `AUTH_FAILED`; an enrolled admin"
	  " without `otp` gets `MFA_REQUIRED`; 10 consecutive failures lock the"
	  " account; more than 30 failures from one address within 15 minutes"
	  " give `THROTTLED`." },
	{ "LOGOUT", PROG_AUTH, ROLE_USER | ROLE_ADMIN, NOARGS, h_logout,
	  "Ends the session server-side and clears the cookie.",
	  VF_WHILE_PASSWORD_CHANGE | VF_WHILE_MFA_ENROLL },
	{ "SESSION", PROG_AUTH, ROLE_USER | ROLE_ADMIN, NOARGS, h_session,
	  "The session: `user`, `role`, `facility`, `idle_remaining_s`,"
	  " `must_change_password`, `mfa_enroll_required`.",
	  VF_WHILE_PASSWORD_CHANGE | VF_WHILE_MFA_ENROLL },
	{ "PASSWORD.RESET.REQUEST", PROG_AUTH, ROLE_ANON,
	  ARGS(reset_request_args), h_password_reset_request,
	  "Mails a one-time reset code (valid 15 minutes) to the user's"
	  " recovery address, if there is one; answers `accepted` either way."
	  " At most 3 mails per user and 20 per facility within 15 minutes:"
	  " beyond, the answer is the same, nothing is mailed and the code"
	  " already sent stays valid." },
	{ "PASSWORD.RESET", PROG_AUTH, ROLE_ANON, ARGS(reset_args),
	  h_password_reset,
	  "Sets the password with a code from `PASSWORD.RESET.REQUEST` (once),"
	  " clears a lockout and ends the user's sessions. `AUTH_FAILED` for a"
	  " wrong, used or expired code; `POLICY` as for `PASSWORD.CHANGE`." },
	{ "USERNAME.RECOVER", PROG_AUTH, ROLE_ANON, ARGS(username_recover_args),
	  h_username_recover,
	  "Mails the facility's user names bound to `email` to that address;"
	  " answers `accepted` whether or not there are any." },
	{ "MFA.ENROLL", PROG_AUTH, ROLE_ADMIN, ARGS(mfa_enroll_args),
	  h_mfa_enroll,
	  "Admins: a new TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s) as"
	  " `secret` (base32) and `otpauth_uri`; it takes effect with"
	  " `MFA.CONFIRM`. An account already enrolled must give `password`"
	  " and a current `otp` (a wrong password counts towards the lockout);"
	  " without both, or with a wrong one, `FORBIDDEN`.",
	  VF_WHILE_MFA_ENROLL },
	{ "MFA.CONFIRM", PROG_AUTH, ROLE_ADMIN, ARGS(mfa_confirm_args),
	  h_mfa_confirm,
	  "Turns TOTP on with the secret of the last `MFA.ENROLL` when `otp` is"
	  " its current code (one step either side; each code works once);"
	  " the session becomes a full one with a new token (a new cookie)."
	  " `AUTH_FAILED` for a wrong code,"
	  " `CONFLICT` without an enrolment.", VF_WHILE_MFA_ENROLL },
	{ "PASSWORD.CHANGE", PROG_AUTH, ROLE_USER | ROLE_ADMIN,
	  ARGS(password_change_args), h_password_change,
	  "Checks the current password (a wrong one counts towards the lockout),"
	  " the policy (`POLICY` naming the rule: min_length, require_digit,"
	  " require_mixed_case, require_special, user_name, common, strength,"
	  " history),"
	  " stores the new hash and ends the user's other sessions; a session"
	  " that had to change its password gets a new token (a new cookie).",
	  VF_WHILE_PASSWORD_CHANGE },
	{ "EMAIL.CHANGE", PROG_AUTH, ROLE_USER | ROLE_ADMIN,
	  ARGS(email_change_args), h_email_change,
	  "Sets (or without `email` removes) the caller's own recovery"
	  " address; `password` is checked as for `PASSWORD.CHANGE` (a wrong"
	  " one is `AUTH_FAILED` and counts towards the lockout). The address"
	  " replaced and the new one are both told by mail; logged without"
	  " the address." },
	{ "SESSION.LIST", PROG_AUTH, ROLE_USER | ROLE_ADMIN, NOARGS,
	  h_session_list,
	  "The caller's live sessions, newest first: `sessions`, each `id`,"
	  " `current` (this one), `channel`, `device` (from the user agent:"
	  " windows, mac, linux, iphone, ipad, android-phone, …), `address`,"
	  " `started`, `last_seen`. Never a token. `recovery_email`: the"
	  " caller's recovery address as a hint (its first character and its"
	  " domain, \"m…@example.org\"), or null." },
	{ "SESSION.REVOKE", PROG_AUTH, ROLE_USER | ROLE_ADMIN,
	  ARGS(session_revoke_args), h_session_revoke,
	  "Ends one of the caller's sessions (`id`; the current one also clears"
	  " the cookie) or, with `others=true`, all but the current one; give"
	  " exactly one of the two (`BAD_ARGUMENT` otherwise). `NOT_FOUND` for"
	  " an id that is not one of the caller's sessions; logged." },

	/* §5 portal (/api/portal) */
	/* §5 users, policy and audit: h_users.c */
	{ "USER.LIST", PROG_PORTAL, ROLE_ADMIN, NOARGS, h_user_list,
	  "The facility's users, newest first: `user`, `role`, `status`"
	  " (active, disabled or locked), `failed_logins`, `locked`,"
	  " `last_login`, `mfa`, `must_change_password`." },
	{ "USER.UNLOCK", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_unlock, "Clears the user's lockout and failure count; logged." },
	{ "USER.RESET", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_reset,
	  "Sets a random temporary password, answered once as `password`; the"
	  " user must change it at the next sign-in. Also clears a lockout and"
	  " ends the user's sessions; logged." },
	{ "USER.DISABLE", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_disable,
	  "Disables sign-in and ends the user's sessions at once; logged."
	  " `CONFLICT` for the caller's own account." },
	{ "USER.ENABLE", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_enable,
	  "Allows sign-in again (a lockout stays until USER.UNLOCK); the PCs"
	  " read it back as an `enable` change; logged." },
	{ "USER.SESSIONS", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_sessions,
	  "The user's live sessions: `user`, `sessions` as in `SESSION.LIST`." },
	{ "USER.REVOKE", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_revoke, "Ends all of the user's sessions at once; logged." },
	{ "USER.MFA.RESET", PROG_PORTAL, ROLE_ADMIN, ARGS(user_target_args),
	  h_user_mfa_reset,
	  "Clears the user's TOTP enrolment and ends their sessions; they enrol"
	  " again at the next sign-in. The user is mailed a notice; logged."
	  " `CONFLICT` for the caller's own account." },
	{ "POLICY.GET", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, NOARGS, h_policy_get,
	  "The facility's security policy (every key of `POLICY.SET`)." },
	{ "POLICY.SET", PROG_PORTAL, ROLE_ADMIN, ARGS(policy_set_args),
	  h_policy_set,
	  "Changes the named settings, keeps the others; answers the whole"
	  " policy. Logged in the activity log with the values set." },
	{ "AUDIT.LOGINS", PROG_PORTAL, ROLE_ADMIN, ARGS(audit_logins_args),
	  h_audit_logins,
	  "The facility's sign-in attempts, newest first: `ts`, `user` (as"
	  " typed), `result`, `reason`, `channel`, `device`, `address`; and"
	  " `next` (pass it as `before` for the next page; null on the last)." },

	/* §5 portal: h_portal.c, h_commands.c, h_audit.c */
	{ "DASHBOARD", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, NOARGS, h_dashboard,
	  "Everything the dashboard shows at once: `queues`, active `alarms`,"
	  " `devices` with their latest reading, the open (pending or"
	  " delivered) `commands`, each as in the verbs below, and `pcs`: the"
	  " facility's PCs, each `pc`, `last_seen` (its last sync request) and"
	  " `quiet_s` (seconds since, by the server's clock), last heard from"
	  " first." },
	{ "DASHBOARD.SERIES", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(dashboard_series_args), h_dashboard_series,
	  "Every device's readings of the last `hours`, down-sampled by the"
	  " database for charts: `from`, `to`, `bucket_s`, and `series` (one per"
	  " device: `device`, `unit`, `readings` (how many in the window) and"
	  " `points`, newest first, one per bucket that has readings: `ts` (the"
	  " bucket's start), `min`, `max`, `n`). One request for the whole"
	  " dashboard, whatever the number of devices." },
	{ "DEVICE.LIST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, NOARGS, h_device_list,
	  "`devices`, newest first: `device`, `name` (or null), `kind`,"
	  " `location`, `unit`, `range` (`min`, `max`, either null when open,"
	  " and `source`: `admin` for an override, `pc` for the PC's alarm"
	  " range; null when the device has none), `pc_range` (`min`, `max`"
	  " as the PC sent them, or null) and `latest` (`ts`, `value`,"
	  " `out_of_range` by `range`, or null)." },
	{ "READINGS", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, ARGS(readings_args),
	  h_readings,
	  "One device's readings, newest first: `device`, `name`, `unit`,"
	  " `range` (as in DEVICE.LIST), `readings` (`ts`, `value`). NOT_FOUND"
	  " for another facility's device." },
	{ "DEVICE.HISTORY", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(device_history_args), h_device_history,
	  "One device over a period of at most 93 days, reduced by the database"
	  " for its page: `device`, `name`, `kind`, `location`, `unit`, `range`"
	  " (as in DEVICE.LIST), `from`, `to`, `bucket_s`; `stats` (`readings`,"
	  " `min`, `max`, `mean`, `first`, `last`, `out_of_range`: readings"
	  " outside `range`); `points`, newest first, one per bucket with"
	  " readings (`ts`, `min`, `max`, `n`); `excursions`, newest first, at"
	  " most 200: runs of consecutive readings outside the range in force"
	  " now, each `start`, `last_out`, `end` (the first reading back in"
	  " range; null while it lasts to the period's end, `ongoing` true),"
	  " `duration_s` (to `end`, else to `last_out`), `direction` (above or"
	  " below), `peak` (the value farthest outside), `readings`; and"
	  " `excursions_total`, `out_of_range_s` (their summed durations)."
	  " BAD_ARGUMENT when `from` is not before `to` or the period is longer;"
	  " NOT_FOUND for another facility's device." },
	{ "DEVICE.RANGE", PROG_PORTAL, ROLE_ADMIN, ARGS(device_range_args),
	  h_device_range,
	  "(admin) Overrides the acceptable range the portal flags a device's"
	  " readings by (either side may be left open; low below high); with"
	  " neither `low` nor `high`, removes the override and the PC's range"
	  " applies again. A later DEVICE.UPSERT does not undo it. data:"
	  " `device`, `range` (as in DEVICE.LIST); logged." },
	{ "QUEUE.LIST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, NOARGS, h_queue_list,
	  "`queues`, most recently updated first: `queue`, `length`, `wait_min`, `ts`." },
	{ "ALARM.LIST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, ARGS(alarm_list_args),
	  h_alarm_list,
	  "`alarms`, newest first: `alarm`, `device`, `status`, `severity`, `ts`,"
	  " `message`, `ack` (`user`, `ts`, `command`, `status` of the last"
	  " acknowledgement of the current state, or null)." },
	{ "ALARM.ACK", PROG_PORTAL, ROLE_USER | ROLE_ADMIN, ARGS(alarm_ack_args),
	  h_alarm_ack,
	  "Queues `ALARM.ACK alarm=… user=… note=…` for the PC; data: `command`"
	  " (its id) and `line`. NOT_FOUND for another facility's alarm; logged." },
	{ "ATTENDANCE.CLOCK", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(attendance_clock_args), h_attendance_clock,
	  "Queues `ATTENDANCE.CLOCK action=… user=… ts=…` for the PC's attendance"
	  " tracker; data: `command`, `line`; logged." },
	{ "MESSAGE.POST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(message_post_args), h_message_post,
	  "Queues `MESSAGE.POST board=… user=… text=…` for a display board on the"
	  " PC; data: `command`, `line`; logged." },
	{ "REPORT.REQUEST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(report_request_args), h_report_request,
	  "Queues `REPORT.REQUEST kind=… user=…` for the PC; data: `command`,"
	  " `line`; logged." },
	{ "REPORT.LIST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(report_list_args), h_report_list,
	  "The reports the facility's PCs uploaded, newest first: `reports`,"
	  " each `report`, `kind`, `title`, `ts` (generated), `from`, `to` (the"
	  " period it covers, or null), `rows`, `received` (rows arrived),"
	  " `complete`, `pc`, `requested_by` (the user whose REPORT.REQUEST it"
	  " answers, or null), `uploaded`, `columns`; and `next`: pass it as"
	  " `before` for the next page, null on the last." },
	{ "REPORT.GET", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(report_get_args), h_report_get,
	  "One report as in REPORT.LIST, with `offset` and `cells`: its rows"
	  " from `offset` + 1 in order (an exception to newest first: a table"
	  " reads top down), each an array of cells, one per column. NOT_FOUND"
	  " for another facility's report." },
	{ "COMMAND.LIST", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(command_list_args), h_command_list,
	  "The facility's `commands`, newest first: `id`, `line`, `user`,"
	  " `status`, `ts`, `delivered`, `settled`, `result`." },
	{ "COMMAND.GET", PROG_PORTAL, ROLE_USER | ROLE_ADMIN,
	  ARGS(command_get_args), h_command_get,
	  "One command, as in COMMAND.LIST. NOT_FOUND for another facility's." },
	{ "AUDIT.ACTIVITY", PROG_PORTAL, ROLE_ADMIN, ARGS(audit_activity_args),
	  h_audit_activity,
	  "The facility's activity log, newest first: `events`, each `ts`,"
	  " `user`, `module`, `action`, `target`, `detail`, `address`; `next` as"
	  " in AUDIT.LOGINS; logged." },
	{ "AUDIT.REQUESTS", PROG_PORTAL, ROLE_ADMIN, ARGS(audit_requests_args),
	  h_audit_requests,
	  "The facility's request log, newest first: `requests`, each `ts`,"
	  " `request`, `endpoint`, `verb`, `params` (secrets, hashes and e-mail"
	  " addresses redacted; of a refused request only its keys), `user`,"
	  " `pc`, `address`, `status`, `code`, `duration_us`, `rule` (a PHI"
	  " refusal's category); `next` as in AUDIT.LOGINS; logged." },
	{ "AUDIT.PHI", PROG_PORTAL, ROLE_ADMIN, ARGS(audit_phi_args),
	  h_audit_phi,
	  "How often patient data was refused, never what: `refusals`, one per"
	  " day, PC or user and rule, newest day first, each `date`, `pc`,"
	  " `user`, `rule` (name, ssn, phone, email, record_number, date, age,"
	  " address, url), `count`; logged." },
	/* alerts (issue 12): h_alerts.c */
	{ "ALERT.LIST", PROG_PORTAL, ROLE_ADMIN, ARGS(alert_list_args),
	  h_alert_list,
	  "The facility's security alerts, newest first: `alerts`, each `id`,"
	  " `rule`, `subject`, `detail`, `ts` (opened), `last_ts`, `count`"
	  " (occurrences within its hour), `mailed` (mails queued),"
	  " `acknowledged`, `acknowledged_by`, `acknowledged_ts`. The same rule"
	  " and subject open at most one alert an hour." },
	{ "ALERT.ACK", PROG_PORTAL, ROLE_ADMIN, ARGS(alert_ack_args),
	  h_alert_ack,
	  "Acknowledges an alert (again: no change); NOT_FOUND for another"
	  " facility's. Logged." },
	{ "ALERT.RULES", PROG_PORTAL, ROLE_ADMIN, NOARGS, h_alert_rules,
	  "The alert rules: `rules`, each `rule`, `description`, `mail`"
	  " (whether its alerts mail the facility's admins)." },
	{ "ALERT.RULE.SET", PROG_PORTAL, ROLE_ADMIN, ARGS(alert_rule_set_args),
	  h_alert_rule_set,
	  "Turns the admins' mail of one rule on or off (the alert still shows"
	  " in ALERT.LIST and the operator's copy is still sent); answers as"
	  " ALERT.RULES. Logged." },
	{ "SYNC.LOG", PROG_PORTAL, ROLE_ADMIN, ARGS(sync_log_args), h_sync_log,
	  "Daily-sync and error reports from the PCs, newest first: `syncs`,"
	  " each `ts`, `pc`, `kind`, `date`, `status`, `message`, `trace`,"
	  " `version`; and `pcs`: each PC's `pc`, `last_seen` and `requests`"
	  " (sync requests since `from`, or in the last 24 hours); `next` as in"
	  " AUDIT.LOGINS; logged." },

	/* §6 PC sync (/api/sync) */
	{ "PING", PROG_SYNC, ROLE_PC, NOARGS, h_ping,
	  "Proves the transport and the sync key; data: `time`, the server time." },
	{ "USER.UPSERT", PROG_SYNC, ROLE_PC, ARGS(user_upsert_args),
	  h_user_upsert,
	  "Creates or updates a user of the facility from the PC; the hash is"
	  " stored as is, `status` disabled ends the user's sessions. The same"
	  " line again changes nothing. Not echoed by USER.CHANGES. data:"
	  " `user`, `created`, `status`, `locked`. BAD_ARGUMENT for a hash outside"
	  " the cost bounds." },
	{ "USER.REMOVE", PROG_SYNC, ROLE_PC, ARGS(user_remove_args),
	  h_user_remove,
	  "Deletes the user; their sessions end in the same transaction. data:"
	  " `user`, `removed` (false for a user that does not exist, e.g. a"
	  " retried removal: never NOT_FOUND, so a retried batch succeeds)." },
	{ "USER.CHANGES", PROG_SYNC, ROLE_PC, ARGS(user_changes_args),
	  h_user_changes,
	  "Server-side account changes after revision `since`, OLDEST first"
	  " (the order a PC applies them in; an exception to the newest-first"
	  " rule of lists), at most 500: `changes`, each `rev`, `user`, `kind`"
	  " (password, lock, unlock, disable, enable), `ts`, and the account's state"
	  " after it: `status`, `locked`, and for password `hash` and"
	  " `must_change_password`. `revision`: the last revision returned, or"
	  " the facility's newest when none (lower than `since` means the PC's"
	  " number is not from this server: start again from 0); `more`: more"
	  " wait, ask again with since=revision. Revisions count 1, 2, 3 per"
	  " facility without gaps. Changes pushed by the PC are not included." },
	{ "LOGIN.REPORT", PROG_SYNC, ROLE_PC, ARGS(login_report_args),
	  h_login_report,
	  "A sign-in attempt on the PC: a failure counts towards the lockout"
	  " shared with web and app (10 lock the account everywhere); a success"
	  " resets the count of an unlocked account and never unlocks a locked"
	  " one. Logged in the login history with channel `pc` at `ts`. data:"
	  " `user`, `known` (false for a name the server does not have: logged,"
	  " not an error), `locked`." },
	{ "DEVICE.UPSERT", PROG_SYNC, ROLE_PC, ARGS(device_upsert_args),
	  h_device_upsert,
	  "Creates or updates a monitored device; data: `device`. `low` and"
	  " `high` (either may be left open; low below high) are the range the"
	  " PC alarms on, and the portal flags readings by it unless an admin"
	  " overrode it (DEVICE.RANGE). An absent `unit`, `name` or range keeps"
	  " the stored one; sending `low` or `high` restates the whole range." },
	{ "READING.PUSH", PROG_SYNC, ROLE_PC, ARGS(reading_push_args),
	  h_reading_push,
	  "Stores one reading; the same device and ts again is a no-op."
	  " data: `stored` (false for such a retry). NOT_FOUND for an unknown device."
	  " Consecutive lines of a batch are stored together, a few statements"
	  " for hundreds of lines.", 0, hb_reading_push },
	{ "QUEUE.PUSH", PROG_SYNC, ROLE_PC, ARGS(queue_push_args), h_queue_push,
	  "A queue's state at ts (kept in its history; the newest is current)."
	  " data: `queue`. Consecutive lines of a batch are stored together.",
	  0, hb_queue_push },
	{ "ALARM.PUSH", PROG_SYNC, ROLE_PC, ARGS(alarm_push_args), h_alarm_push,
	  "An alarm's state at ts; an older state never replaces a newer one."
	  " data: `alarm`. NOT_FOUND for an unknown device." },
	{ "COMMAND.POLL", PROG_SYNC, ROLE_PC, ARGS(command_poll_args),
	  h_command_poll,
	  "Leases due commands, oldest first, to the calling PC for [sync] lease_s"
	  " seconds (60); one not acknowledged in its lease is handed out again."
	  " data: `commands`, each `id`, `command` (canonical line), `issuer`, `created`."
	  " A successful empty poll is the one request not written to the request log.",
	  VF_SELF_AUTH },
	{ "COMMAND.ACK", PROG_SYNC, ROLE_PC, ARGS(command_ack_args),
	  h_command_ack,
	  "Settles a command once; acking a settled command is a no-op."
	  " data: `id`, `status`, `settled` (false when it was settled before)." },
	{ "DAILYSYNC.CLAIM", PROG_SYNC, ROLE_PC, ARGS(dailysync_claim_args),
	  h_dailysync_claim,
	  "The first PC to claim a date wins (`claimed`: true, also for its own"
	  " retry); others get CONFLICT naming the winner, unless the winner's"
	  " 2-hour lease ([sync] daily_lease_s) lapsed without a report (`takeover`: true)." },
	{ "DAILYSYNC.REPORT", PROG_SYNC, ROLE_PC, ARGS(dailysync_report_args),
	  h_dailysync_report,
	  "The claimed daily sync's outcome, kept in the sync log; an error is"
	  " mailed to the facility's admins with a recovery address, the same"
	  " `errors` text at most once an hour. data: `recorded`, `date`,"
	  " `mailed`. NOT_FOUND when unclaimed, CONFLICT when another PC holds"
	  " the date." },
	{ "ERROR.REPORT", PROG_SYNC, ROLE_PC, ARGS(error_report_args),
	  h_error_report,
	  "An error from the PC, kept in the sync log and mailed to the"
	  " facility's admins with a recovery address, the same message at most"
	  " once an hour per facility. data: `recorded`, `mailed`." },
	{ "REPORT.PUSH", PROG_SYNC, ROLE_PC, ARGS(report_push_args),
	  h_report_push,
	  "A report the PC produced (e.g. for REPORT.REQUEST): its header;"
	  " the rows follow with REPORT.ROW, in the same batch or later ones."
	  " The same `report` again restates the header (a retry, or a"
	  " corrected report); rows past the new `rows` are no longer shown."
	  " data: `report`, `columns` (their number)." },
	{ "REPORT.ROW", PROG_SYNC, ROLE_PC, ARGS(report_row_args),
	  h_report_row,
	  "One row of a report; the same row again replaces it. Every cell is"
	  " PHI-screened (staff appear by user name). data: `report`, `row`,"
	  " `stored` (false for a retry that changed nothing). NOT_FOUND for a"
	  " report not pushed; BAD_ARGUMENT for a row past its `rows` or a cell"
	  " count other than its columns'." },
	{ "UPDATE.CHECK", PROG_SYNC, ROLE_PC, ARGS(update_check_args),
	  h_update_check,
	  "The newest release newer than `version` (compared numerically; beta"
	  " is offered beta and stable releases): `update` true, `version`,"
	  " `channel`, `url`, `sha256`, `published`, `manifest` (the exact"
	  " signed text) and `signature` (base64 Ed25519 over `manifest`, to"
	  " check with the pinned public key); `update` false when none is newer." },
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

long long call_arg_n(const struct call *c, const char *key, long long dflt)
{
	const struct argval *v = call_arg(c, key);

	return v->present ? v->n : dflt;
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
