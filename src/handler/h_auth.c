/* h_auth — handlers of /api/auth (PROTOCOL.md §4): LOGIN, LOGOUT, SESSION,
 * PASSWORD.CHANGE, EMAIL.CHANGE.
 *
 * Every failed sign-in answers the same AUTH_FAILED and costs one argon2id
 * verification, whether the facility or user exists or not, and whether the
 * account is locked or disabled: neither the message nor the time tells an
 * attacker which names are real. The reason is kept in the login log.
 *
 * A LOGIN with a device cookie valid for its user (devicecookie.h) skips
 * the address throttle, and its failures also count against the cookie;
 * on the known-device lane any other LOGIN goes back to the ordinary one. */
#include <stdlib.h>
#include <string.h>
#include "actlog.h"
#include "ctx.h"
#include "devicecookie.h"
#include "handlers.h"
#include "lockout.h"
#include "mfa.h"
#include "notice.h"
#include "loginlog.h"
#include "password.h"
#include "policy.h"
#include "pwhistory.h"
#include "recovery.h"
#include "session.h"
#include "throttle.h"
#include "userchange.h"

#define AUTH_FAILED_MSG "sign-in failed: check the facility code, user name and password"

static const char sql_find_user[] =
	"SELECT u.id, u.password_hash, u.role, u.status, u.locked_at IS NOT NULL,"
	" u.must_change_password, u.mfa_enabled, f.id, f.code, u.name,"
	" UNIX_TIMESTAMP(COALESCE(u.password_changed_at, u.created_at))"
	" FROM users u JOIN facilities f ON f.id = u.facility_id"
	" WHERE f.code = ? AND u.name = ? AND f.active = 1";

static const char sql_user_hash[] =
	"SELECT password_hash FROM users WHERE id = ?";

/* The lock and status as they are now, with the row locked until the
 * sign-in's transaction ends: a failure that locks the account meanwhile
 * (lockout.c updates this row) either committed before, and is seen here,
 * or waits until the session is in place and then ends it. */
static const char sql_recheck[] =
	"SELECT locked_at IS NULL AND status = 'active' FROM users"
	" WHERE id = ? FOR UPDATE";

static const char sql_find_facility[] =
	"SELECT id FROM facilities WHERE code = ? AND active = 1";

static const char sql_rehash[] =
	"UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?";

/* A user row as LOGIN needs it; strings live in the request arena. */
struct login_user {
	long long id, facility_id, password_changed;
	const char *hash, *role, *name, *facility_code;
	int active, locked, must_change, mfa_enabled;
};

static long long cell_ll(const struct dbres *r, size_t col)
{
	const char *s = dbres_get(r, 0, col);
	return s ? strtoll(s, NULL, 10) : 0;
}

/* 1 found, 0 not found, -1 error. */
static int login_find(struct ctx *ctx, const char *facility, const char *user,
		      struct login_user *u, struct err *err)
{
	struct dbparam p[] = { P_STR(facility), P_STR(user) };
	struct dbres r;

	if (db_query(ctx->db, sql_find_user, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return 0;
	u->id = cell_ll(&r, 0);
	u->hash = dbres_get(&r, 0, 1);
	u->role = dbres_get(&r, 0, 2);
	u->active = strcmp(dbres_get(&r, 0, 3), "active") == 0;
	u->locked = cell_ll(&r, 4) != 0;
	u->must_change = cell_ll(&r, 5) != 0;
	u->mfa_enabled = cell_ll(&r, 6) != 0;
	u->facility_id = cell_ll(&r, 7);
	u->facility_code = dbres_get(&r, 0, 8);
	u->name = dbres_get(&r, 0, 9);
	u->password_changed = cell_ll(&r, 10);
	return 1;
}

/* The facility's id, so that its admins see attempts on names that do not
 * exist; 0 when the facility does not exist either (or on error: the
 * attempt is still logged, without a facility). */
static long long facility_known(struct ctx *ctx, const char *code,
				struct err *err)
{
	struct dbparam p[] = { P_STR(code) };
	struct dbres r;

	if (db_query(ctx->db, sql_find_facility, p, 1, ctx->arena, &r, err) != 0 ||
	    r.nrows != 1)
		return 0;
	return cell_ll(&r, 0);
}

/* Logs the failure and answers code (AUTH_FAILED unless said otherwise).
 * A failure to log is the error answered instead: an attempt that cannot
 * be recorded must not look like an ordinary one. */
static int login_fail(struct ctx *ctx, long long facility_id,
		      const char *typed, const char *reason, const char *channel,
		      enum errcode code, struct err *err)
{
	if (loginlog_write(ctx, facility_id, typed, 0, reason, channel, err) != 0)
		return -1;
	if (code == E_MFA_REQUIRED)
		return err_set(err, code, "this account needs a one-time code (otp)");
	return err_set(err, code, AUTH_FAILED_MSG);
}

/* A wrong password or code: counts towards the account's lockout and,
 * when the sign-in came with a valid device cookie (dev), against that
 * cookie. */
static int login_count_failure(struct ctx *ctx, long long user_id,
			       const struct device_entry *dev, int *locked,
			       struct err *err)
{
	if (dev && devicecookie_record_failure(ctx, dev, user_id, err) != 0)
		return -1;
	return user_id ? lockout_record_failure(ctx, user_id, locked, err) : 0;
}

/* Replaces a hash made with weaker parameters; only if nobody changed the
 * password in the meantime. A failure here does not fail the sign-in. */
static void login_rehash(struct ctx *ctx, const struct login_user *u,
			 const struct argval *pw)
{
	char fresh[PASSWORD_HASH_MAX];
	struct err ignored;

	if (!password_needs_rehash(u->hash) ||
	    password_hash(pw->s, pw->len, fresh) != 0)
		return;
	struct dbparam p[] = { P_STR(fresh), P_INT(u->id), P_STR(u->hash) };
	(void)db_exec(ctx->db, sql_rehash, p, 3, NULL, NULL, &ignored);
}

/* The second factor of an enrolled admin while the policy asks for it.
 * A missing code is MFA_REQUIRED (the password was right: the client asks
 * for the code); a wrong one is an ordinary failure and counts. */
static int login_mfa(struct ctx *ctx, const struct login_user *u,
		     const struct policy *pol, const struct argval *otp,
		     const char *typed, const char *channel,
		     const struct device_entry *dev, struct err *err)
{
	int ok, locked = 0;

	if (!u->mfa_enabled || !pol->mfa_admins || strcmp(u->role, "admin") != 0)
		return 0;
	if (!otp->present)
		return login_fail(ctx, u->facility_id, typed, "otp_missing",
				  channel, E_MFA_REQUIRED, err);
	ok = mfa_check_login(ctx, u->id, otp->s, otp->len, err);
	if (ok < 0)
		return -1;
	if (ok)
		return 0;
	if (login_count_failure(ctx, u->id, dev, &locked, err) != 0)
		return -1;
	return login_fail(ctx, u->facility_id, typed,
			  locked ? "otp,locked" : "otp", channel,
			  E_AUTH_FAILED, err);
}

/* Records the success and opens the session in one transaction that
 * re-reads the lock first (sql_recheck): 1 done, 0 the account was locked
 * or disabled since login_find read it, -1 error. */
static int login_open(struct ctx *ctx, const struct login_user *u,
		      const char *channel, struct err *err)
{
	struct dbparam p[] = { P_INT(u->id) };
	struct dbres r;
	int open;

	if (db_begin(ctx->db, err) != 0)
		return -1;
	if (db_query(ctx->db, sql_recheck, p, 1, ctx->arena, &r, err) != 0)
		goto fail;
	open = r.nrows == 1 && strcmp(dbres_get(&r, 0, 0), "1") == 0;
	if (open && (lockout_record_success(ctx->db, u->id, err) != 0 ||
		     session_open(ctx, u->id, u->facility_id, channel, err) != 0))
		goto fail;
	if (db_commit(ctx->db, err) != 0)
		goto fail;
	return open;
fail:
	db_rollback(ctx->db);
	return -1;
}

static int login_success(struct ctx *ctx, const struct login_user *u,
			 const struct policy *p, const struct argval *pw,
			 const char *typed, const char *channel, json_t *data,
			 struct err *err)
{
	struct policy pol = *p;
	int expired, open;

	open = login_open(ctx, u, channel, err);
	if (open < 0)
		return -1;
	if (!open)
		return login_fail(ctx, u->facility_id, typed, "locked", channel,
				  E_AUTH_FAILED, err);
	login_rehash(ctx, u, pw);
	/* The browser is a known device for this user from now on; an admin
	 * who must still enrol in MFA gets it from MFA.CONFIRM instead. */
	if (!(strcmp(u->role, "admin") == 0 && pol.mfa_admins && !u->mfa_enabled) &&
	    devicecookie_issue(ctx, u->facility_code, u->name, err) != 0)
		return -1;
	if (loginlog_write(ctx, u->facility_id, typed, 1, NULL, channel, err) != 0)
		return -1;
	ctx->facility_id = u->facility_id;
	ctx->facility_code = u->facility_code;
	ctx->user_id = u->id;
	ctx->user_name = u->name;
	ctx->role = strcmp(u->role, "admin") == 0 ? ROLE_ADMIN : ROLE_USER;
	expired = pol.max_age_days > 0 &&
		  u->password_changed + pol.max_age_days * 86400LL <= ctx->now;
	json_object_set_new(data, "user", json_string(u->name));
	json_object_set_new(data, "role", json_string(u->role));
	json_object_set_new(data, "facility", json_string(u->facility_code));
	json_object_set_new(data, "idle_timeout_s", json_integer(pol.idle_timeout_s));
	json_object_set_new(data, "must_change_password",
			    json_boolean(u->must_change || expired));
	json_object_set_new(data, "mfa_enrolled", json_boolean(u->mfa_enabled));
	return 0;
}

HANDLER(h_login)
{
	const char *facility = call_arg(call, "facility")->s;
	const char *typed = call_arg(call, "user")->s;
	const struct argval *pw = call_arg(call, "password");
	const struct argval *ch = call_arg(call, "channel");
	/* A request from an app origin is the app whatever it says. */
	const char *channel = (ch->present && ch->n == 1) || ctx->app_origin ?
			      "app" : "web";
	struct login_user u = { 0 };
	struct device_entry dev_entry;
	const struct device_entry *dev = NULL;
	struct policy pol;
	int found, locked = 0;

	if (ctx->device_cookie) {
		found = devicecookie_find(ctx, facility, typed, &dev_entry, err);
		if (found < 0)
			return -1;
		dev = found ? &dev_entry : NULL;
	}
	if (ctx->known_device_lane && !dev)
		return err_set(err, E_OTHER_LANE, "no device cookie for this user");
	if (!dev && throttle_check(ctx, err) != 0) {
		struct err e2;
		if (err->code == E_THROTTLED &&
		    loginlog_write(ctx, 0, typed, 0, "throttled", channel, &e2) != 0)
			*err = e2;
		return -1;
	}
	found = login_find(ctx, facility, typed, &u, err);
	if (found < 0)
		return -1;
	if (!found) {
		password_dummy_verify(pw->s, pw->len);
		if (login_count_failure(ctx, 0, dev, NULL, err) != 0)
			return -1;
		return login_fail(ctx, facility_known(ctx, facility, err), typed,
				  "unknown", channel, E_AUTH_FAILED, err);
	}
	if (!password_verify(u.hash, pw->s, pw->len)) {
		if (login_count_failure(ctx, u.id, dev, &locked, err) != 0)
			return -1;
		return login_fail(ctx, u.facility_id, typed,
				  locked ? "password,locked" : "password", channel,
				  E_AUTH_FAILED, err);
	}
	if (u.locked || !u.active)
		return login_fail(ctx, u.facility_id, typed,
				  u.locked ? "locked" : "disabled", channel,
				  E_AUTH_FAILED, err);
	if (policy_load(ctx, u.facility_id, &pol, err) != 0 ||
	    login_mfa(ctx, &u, &pol, call_arg(call, "otp"), typed, channel, dev,
		      err) != 0)
		return -1;
	return login_success(ctx, &u, &pol, pw, typed, channel, data, err);
}

HANDLER(h_logout)
{
	(void)call;
	(void)data;
	return session_close(ctx, err);
}

HANDLER(h_session)
{
	struct session_state st;

	(void)call;
	if (session_status(ctx, &st, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(ctx->user_name));
	json_object_set_new(data, "role", json_string(ctx->role == ROLE_ADMIN ?
						      "admin" : "user"));
	json_object_set_new(data, "facility", json_string(ctx->facility_code));
	json_object_set_new(data, "idle_remaining_s",
			    json_integer(st.idle_remaining_s));
	json_object_set_new(data, "must_change_password",
			    json_boolean(st.password_change_required));
	json_object_set_new(data, "mfa_enroll_required",
			    json_boolean(st.mfa_enroll_required));
	return 0;
}

/* The current password, checked like a sign-in: a wrong one counts
 * towards the lockout, so a borrowed session cannot be used to guess it. */
static int change_verify_current(struct ctx *ctx, const struct argval *cur,
				 const char **hash, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->user_id) };
	struct dbres r;
	int locked = 0;

	if (db_query(ctx->db, sql_user_hash, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	*hash = r.nrows == 1 ? dbres_get(&r, 0, 0) : NULL;
	if (password_verify(*hash, cur->s, cur->len))
		return 0;
	if (lockout_record_failure(ctx, ctx->user_id, &locked,
				   err) != 0)
		return -1;
	return err_set(err, E_AUTH_FAILED, "the current password is wrong");
}

HANDLER(h_password_change)
{
	const struct argval *cur = call_arg(call, "current");
	const struct argval *nw = call_arg(call, "new");
	char fresh[PASSWORD_HASH_MAX];
	const char *old = NULL;

	(void)data;
	if (change_verify_current(ctx, cur, &old, err) != 0 ||
	    policy_accept_new_password(ctx, ctx->facility_id, ctx->user_id,
				       ctx->user_name, old, nw->s, nw->len,
				       err) != 0)
		return -1;
	if (password_hash(nw->s, nw->len, fresh) != 0)
		return err_set(err, E_INTERNAL, "out of memory");
	if (db_begin(ctx->db, err) != 0)
		return -1;
	if (pwhistory_set_password(ctx, ctx->user_id, old, fresh, 0, err) != 0 ||
	    session_close_user(ctx->db, ctx->user_id, ctx->session_id, err) != 0 ||
	    (ctx->session_restricted && session_rotate(ctx, err) != 0) ||
	    userchange_record(ctx->db, ctx->user_id, UC_PASSWORD, err) != 0 ||
	    notice_send(ctx, ctx->user_id, NOTICE_PASSWORD, err) != 0 ||
	    actlog_write(ctx, "auth", "password.change", ctx->user_name, NULL,
			 err) != 0 ||
	    db_commit(ctx->db, err) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	return 0;
}

/* The owner's own recovery address (issue 11 item 12): the password
 * again, as for MFA re-enrolment, so a borrowed session cannot redirect
 * the account's reset mails. The address it replaces is told, and so is
 * the new one, even a first (ASVS 2.5). */
HANDLER(h_email_change)
{
	const struct argval *cur = call_arg(call, "password");
	const struct argval *email = call_arg(call, "email");
	const char *hash = NULL;

	(void)data;
	if (change_verify_current(ctx, cur, &hash, err) != 0 ||
	    db_begin(ctx->db, err) != 0)
		return -1;
	if (recovery_email_replace(ctx, ctx->user_id,
				   email->present ? email->s : NULL,
				   email->len, 1, err) != 0 ||
	    actlog_write(ctx, "auth", email->present ? "email.change" :
			 "email.remove", ctx->user_name, NULL, err) != 0 ||
	    db_commit(ctx->db, err) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	return 0;
}
