/* h_users — the admin verbs of /api/portal for accounts, the security
 * policy and the login history (PROTOCOL.md §5): USER.LIST, USER.UNLOCK,
 * USER.RESET, USER.DISABLE, USER.ENABLE, USER.SESSIONS, USER.REVOKE,
 * USER.MFA.RESET, POLICY.GET, POLICY.SET, AUDIT.LOGINS.
 *
 * Every look-up is scoped to the caller's facility, so another facility's
 * user is NOT_FOUND. Every change is written to the activity log in the
 * same transaction as the change itself. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "actlog.h"
#include "audit_page.h"
#include "ctx.h"
#include "handlers.h"
#include "lockout.h"
#include "notice.h"
#include "password.h"
#include "policy.h"
#include "pwhistory.h"
#include "session.h"
#include "timefmt.h"
#include "userchange.h"


static const char sql_list[] =
	"SELECT name, role, status, failed_logins, locked_at IS NOT NULL,"
	" last_login_at, mfa_enabled, must_change_password FROM users"
	" WHERE facility_id = ? ORDER BY id DESC";

static const char sql_find[] =
	"SELECT id, name, password_hash FROM users"
	" WHERE facility_id = ? AND name = ?";

static const char sql_disable[] =
	"UPDATE users SET status = 'disabled', updated_at = UTC_TIMESTAMP()"
	" WHERE id = ?";

static const char sql_enable[] =
	"UPDATE users SET status = 'active', updated_at = UTC_TIMESTAMP()"
	" WHERE id = ?";

/* mfa_last_step stays: a code used before the reset stays used. */
static const char sql_mfa_reset[] =
	"UPDATE users SET mfa_enabled = 0, mfa_secret = NULL, mfa_pending = NULL,"
	" updated_at = UTC_TIMESTAMP() WHERE id = ?";

static const char sql_logins[] =
	"SELECT ts, user_name, result, reason, channel, device_type, address, id"
	" FROM login_log WHERE facility_id = ?"
	" AND (? IS NULL OR user_name = ?)" AUDIT_PAGE_SQL;

static json_t *json_ts_or_null(const char *db)
{
	char ts[TS_LEN + 1];

	if (!db || ts_from_db(db, ts) != 0)
		return json_null();
	return json_string(ts);
}

HANDLER(h_user_list)
{
	struct dbparam p[] = { P_INT(ctx->facility_id) };
	json_t *users = json_array();
	struct dbres r;

	(void)call;
	json_object_set_new(data, "users", users);
	if (db_query(ctx->db, sql_list, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		int locked = strcmp(dbres_get(&r, i, 4), "1") == 0;
		json_array_append_new(users, json_pack(
			"{s:s,s:s,s:s,s:I,s:b,s:o,s:b,s:b}",
			"user", dbres_get(&r, i, 0),
			"role", dbres_get(&r, i, 1),
			"status", locked ? "locked" : dbres_get(&r, i, 2),
			"failed_logins", (json_int_t)atoll(dbres_get(&r, i, 3)),
			"locked", locked,
			"last_login", json_ts_or_null(dbres_get(&r, i, 5)),
			"mfa", strcmp(dbres_get(&r, i, 6), "1") == 0,
			"must_change_password", strcmp(dbres_get(&r, i, 7), "1") == 0));
	}
	return 0;
}

/* The named user of the caller's facility: id, stored name, hash. */
static int target_find(struct ctx *ctx, const struct call *call,
		       long long *id, const char **name, const char **hash,
		       struct err *err)
{
	const char *typed = call_arg(call, "user")->s;
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STR(typed) };
	struct dbres r;

	if (db_query(ctx->db, sql_find, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no such user in this facility");
	*id = atoll(dbres_get(&r, 0, 0));
	*name = dbres_get(&r, 0, 1);
	if (hash)
		*hash = dbres_get(&r, 0, 2);
	return 0;
}

HANDLER(h_user_unlock)
{
	long long id;
	const char *name;

	if (target_find(ctx, call, &id, &name, NULL, err) != 0 ||
	    db_begin(ctx->db, err) != 0)
		return -1;
	int rc = lockout_clear(ctx->db, id, err) != 0 ||
		 userchange_record(ctx->db, id, UC_UNLOCK, err) != 0 ||
		 actlog_write(ctx, "users", "user.unlock", name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(name));
	json_object_set_new(data, "failed_logins", json_integer(0));
	json_object_set_new(data, "locked", json_false());
	return 0;
}

/* A temporary password that any policy accepts: 20 random characters
 * (base64url of 15 bytes) and a fixed tail with every character class. */
static char *temp_password(struct arena *a)
{
	unsigned char raw[15];
	char b64[21];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return arena_printf(a, "%s-Tp7", b64);
}

HANDLER(h_user_reset)
{
	char hash[PASSWORD_HASH_MAX];
	const char *name, *old;
	long long id;
	char *pw;

	if (target_find(ctx, call, &id, &name, &old, err) != 0)
		return -1;
	pw = temp_password(ctx->arena);
	if (!pw || password_hash(pw, strlen(pw), hash) != 0)
		return err_set(err, E_INTERNAL, "out of memory");
	if (db_begin(ctx->db, err) != 0)
		return -1;
	/* The admin's reset also clears a lockout: the new password is
	 * theirs to hand over, and it must be usable once. */
	int rc = pwhistory_set_password(ctx, id, old, hash, 1, err) != 0 ||
		 lockout_clear(ctx->db, id, err) != 0 ||
		 session_close_user(ctx->db, id, 0, err) != 0 ||
		 userchange_record(ctx->db, id, UC_PASSWORD, err) != 0 ||
		 notice_send(ctx, id, NOTICE_PASSWORD_ADMIN, err) != 0 ||
		 actlog_write(ctx, "users", "user.reset", name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(name));
	json_object_set_new(data, "password", json_string(pw));
	json_object_set_new(data, "must_change_password", json_true());
	return 0;
}

HANDLER(h_user_disable)
{
	long long id;
	const char *name;

	if (target_find(ctx, call, &id, &name, NULL, err) != 0)
		return -1;
	if (id == ctx->user_id)
		return err_set(err, E_CONFLICT, "you cannot disable your own account");
	struct dbparam p[] = { P_INT(id) };
	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_disable, p, 1, NULL, NULL, err) != 0 ||
		 session_close_user(ctx->db, id, 0, err) != 0 ||
		 userchange_record(ctx->db, id, UC_DISABLE, err) != 0 ||
		 actlog_write(ctx, "users", "user.disable", name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(name));
	json_object_set_new(data, "status", json_string("disabled"));
	return 0;
}

HANDLER(h_user_enable)
{
	long long id;
	const char *name;

	if (target_find(ctx, call, &id, &name, NULL, err) != 0)
		return -1;
	struct dbparam p[] = { P_INT(id) };
	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_enable, p, 1, NULL, NULL, err) != 0 ||
		 userchange_record(ctx->db, id, UC_ENABLE, err) != 0 ||
		 actlog_write(ctx, "users", "user.enable", name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(name));
	json_object_set_new(data, "status", json_string("active"));
	return 0;
}

HANDLER(h_user_sessions)
{
	json_t *list = json_array();
	long long id;
	const char *name;

	json_object_set_new(data, "sessions", list);
	if (target_find(ctx, call, &id, &name, NULL, err) != 0 ||
	    session_list(ctx, id, list, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(name));
	return 0;
}

HANDLER(h_user_revoke)
{
	long long id;
	const char *name;

	if (target_find(ctx, call, &id, &name, NULL, err) != 0 ||
	    db_begin(ctx->db, err) != 0)
		return -1;
	int rc = session_close_user(ctx->db, id, 0, err) != 0 ||
		 actlog_write(ctx, "users", "user.revoke", name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	if (id == ctx->user_id)
		ctx->set_cookie = session_cookie_clear(ctx->arena);
	json_object_set_new(data, "user", json_string(name));
	return 0;
}

/* Another admin's lost authenticator: the account signs in with its
 * password and enrols again in a restricted session. Its sessions end,
 * so none outlives the factor it was opened with. */
HANDLER(h_user_mfa_reset)
{
	long long id;
	const char *name;

	if (target_find(ctx, call, &id, &name, NULL, err) != 0)
		return -1;
	if (id == ctx->user_id)
		return err_set(err, E_CONFLICT, "another admin must reset your"
			       " two-factor sign-in");
	struct dbparam p[] = { P_INT(id) };
	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_mfa_reset, p, 1, NULL, NULL, err) != 0 ||
		 session_close_user(ctx->db, id, 0, err) != 0 ||
		 notice_send(ctx, id, NOTICE_MFA_RESET, err) != 0 ||
		 actlog_write(ctx, "users", "user.mfa_reset", name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(name));
	json_object_set_new(data, "mfa", json_false());
	return 0;
}

HANDLER(h_policy_get)
{
	struct policy pol;
	json_t *j;

	(void)call;
	if (policy_load(ctx, ctx->facility_id, &pol, err) != 0)
		return -1;
	j = policy_to_json(&pol);
	json_object_update(data, j);
	json_decref(j);
	return 0;
}

/* The keys of POLICY.SET, in the order of its spec, and where each goes. */
static int *policy_field(struct policy *p, const char *key)
{
	if (!strcmp(key, "idle_timeout_s")) return &p->idle_timeout_s;
	if (!strcmp(key, "min_length")) return &p->min_length;
	if (!strcmp(key, "min_score")) return &p->min_score;
	if (!strcmp(key, "require_digit")) return &p->require_digit;
	if (!strcmp(key, "require_special")) return &p->require_special;
	if (!strcmp(key, "require_mixed_case")) return &p->require_mixed_case;
	if (!strcmp(key, "max_age_days")) return &p->max_age_days;
	if (!strcmp(key, "history")) return &p->history;
	if (!strcmp(key, "mfa_admins")) return &p->mfa_admins;
	return NULL;
}

HANDLER(h_policy_set)
{
	json_t *changed = json_object();
	struct policy pol;
	char *detail;
	int rc;

	if (policy_load(ctx, ctx->facility_id, &pol, err) != 0)
		goto fail;
	for (int i = 0; i < call->verb->nargs; i++) {
		int *f = policy_field(&pol, call->verb->args[i].key);
		if (!call->v[i].present || !f)
			continue;
		*f = (int)call->v[i].n;
		json_object_set_new(changed, call->verb->args[i].key,
				    json_integer(*f));
	}
	if (json_object_size(changed) == 0) {
		err_set(err, E_BAD_ARGUMENT, "name at least one setting to change");
		goto fail;
	}
	detail = json_dumps(changed, JSON_COMPACT | JSON_SORT_KEYS);
	if (db_begin(ctx->db, err) != 0) {
		free(detail);
		goto fail;
	}
	rc = policy_store(ctx, ctx->facility_id, &pol, err) != 0 ||
	     actlog_write(ctx, "policy", "policy.set", ctx->facility_code,
			  detail, err) != 0;
	free(detail);
	json_decref(changed);
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	changed = policy_to_json(&pol);
	json_object_update(data, changed);
	json_decref(changed);
	return 0;
fail:
	json_decref(changed);
	return -1;
}

static json_t *login_item(const struct dbres *r, size_t i)
{
	const char *reason = dbres_get(r, i, 3);

	return json_pack("{s:o,s:s?,s:s,s:o,s:s,s:s?,s:s}",
			 "ts", json_ts_or_null(dbres_get(r, i, 0)),
			 "user", dbres_get(r, i, 1),
			 "result", dbres_get(r, i, 2),
			 "reason", reason ? json_string(reason) : json_null(),
			 "channel", dbres_get(r, i, 4),
			 "device", dbres_get(r, i, 5),
			 "address", dbres_get(r, i, 6));
}

HANDLER(h_audit_logins)
{
	struct dbparam p[AUDIT_PAGE_MAX_PARAMS];
	size_t np = audit_page_params(ctx, call, 1, p);
	json_t *logins = json_array();
	struct dbres r;

	json_object_set_new(data, "logins", logins);
	if (db_query(ctx->db, sql_logins, p, np, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0, n = audit_page_rows(call, &r, 7, data); i < n; i++)
		json_array_append_new(logins, login_item(&r, i));
	return 0;
}
