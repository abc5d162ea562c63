/* useradmin — see useradmin.h. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "actlog.h"
#include "lockout.h"
#include "notice.h"
#include "password.h"
#include "policy.h"
#include "pwhistory.h"
#include "reply.h"
#include "session.h"
#include "useradmin.h"
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

/* The operator's entries carry their own module name, like the other
 * actions of infosysctl. */
static int log_action(struct ctx *ctx, const char *action, const char *name,
		      struct err *err)
{
	return actlog_write(ctx, ctx->program ? "users" : "infosysctl", action,
			    name, NULL, err);
}

int useradmin_find(struct ctx *ctx, long long facility_id, const char *name,
		   struct useradmin_user *u, struct err *err)
{
	struct dbparam p[] = { P_INT(facility_id), P_STR(name) };
	struct dbres r;

	if (db_query(ctx->db, sql_find, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no such user in this facility");
	u->id = atoll(dbres_get(&r, 0, 0));
	u->name = dbres_get(&r, 0, 1);
	u->hash = dbres_get(&r, 0, 2);
	return 0;
}

int useradmin_list(struct ctx *ctx, long long facility_id, json_t *users,
		   struct err *err)
{
	struct dbparam p[] = { P_INT(facility_id) };
	struct dbres r;

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
			"last_login", reply_ts_or_null(dbres_get(&r, i, 5)),
			"mfa", strcmp(dbres_get(&r, i, 6), "1") == 0,
			"must_change_password", strcmp(dbres_get(&r, i, 7), "1") == 0));
	}
	return 0;
}

int useradmin_unlock(struct ctx *ctx, const struct useradmin_user *u,
		     struct err *err)
{
	if (db_begin(ctx->db, err) != 0)
		return -1;
	/* The facility's PCs learn of the unlock through USER.CHANGES: the
	 * change is recorded with the unlock, or neither happens. */
	int rc = lockout_clear(ctx->db, u->id, err) != 0 ||
		 userchange_record(ctx->db, u->id, UC_UNLOCK, err) != 0 ||
		 log_action(ctx, "user.unlock", u->name, err) != 0;
	return db_end(ctx->db, rc, err);
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

int useradmin_set_password(struct ctx *ctx, long long facility_id,
			   const struct useradmin_user *u, const char *pw,
			   const char **out, struct err *err)
{
	char hash[PASSWORD_HASH_MAX];

	if (pw && policy_accept_new_password(ctx, facility_id, u->id, u->name,
					     u->hash, pw, strlen(pw), err) != 0)
		return -1;
	if (!pw && !(pw = temp_password(ctx->arena)))
		return err_set(err, E_INTERNAL, "out of memory");
	if (password_hash(pw, strlen(pw), hash) != 0)
		return err_set(err, E_INTERNAL, "out of memory");
	if (db_begin(ctx->db, err) != 0)
		return -1;
	/* A reset also clears a lockout: the new password is the admin's to
	 * hand over, and it must be usable once. */
	int rc = pwhistory_set_password(ctx, u->id, u->hash, hash, 1, err) != 0 ||
		 lockout_clear(ctx->db, u->id, err) != 0 ||
		 session_close_user(ctx->db, u->id, 0, err) != 0 ||
		 userchange_record(ctx->db, u->id, UC_PASSWORD, err) != 0 ||
		 notice_send(ctx, u->id, NOTICE_PASSWORD_ADMIN, err) != 0 ||
		 log_action(ctx, "user.reset", u->name, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	if (out)
		*out = pw;
	return 0;
}

int useradmin_disable(struct ctx *ctx, const struct useradmin_user *u,
		      struct err *err)
{
	struct dbparam p[] = { P_INT(u->id) };

	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_disable, p, 1, NULL, NULL, err) != 0 ||
		 session_close_user(ctx->db, u->id, 0, err) != 0 ||
		 userchange_record(ctx->db, u->id, UC_DISABLE, err) != 0 ||
		 log_action(ctx, "user.disable", u->name, err) != 0;
	return db_end(ctx->db, rc, err);
}

int useradmin_enable(struct ctx *ctx, const struct useradmin_user *u,
		     struct err *err)
{
	struct dbparam p[] = { P_INT(u->id) };

	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_enable, p, 1, NULL, NULL, err) != 0 ||
		 userchange_record(ctx->db, u->id, UC_ENABLE, err) != 0 ||
		 log_action(ctx, "user.enable", u->name, err) != 0;
	return db_end(ctx->db, rc, err);
}

int useradmin_mfa_reset(struct ctx *ctx, const struct useradmin_user *u,
			struct err *err)
{
	struct dbparam p[] = { P_INT(u->id) };

	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_mfa_reset, p, 1, NULL, NULL, err) != 0 ||
		 session_close_user(ctx->db, u->id, 0, err) != 0 ||
		 notice_send(ctx, u->id, NOTICE_MFA_RESET, err) != 0 ||
		 log_action(ctx, "user.mfa_reset", u->name, err) != 0;
	return db_end(ctx->db, rc, err);
}
