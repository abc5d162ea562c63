/* h_sync_users — the user verbs of /api/sync (PROTOCOL.md §6):
 * USER.UPSERT, USER.REMOVE, USER.CHANGES, LOGIN.REPORT.
 *
 * The facility PC's Windows installation owns its user list and pushes
 * it here; the server owns what happens on the web side (new passwords,
 * locks, unlocks, disables) and hands that back through the revision feed
 * of userchange.h. Everything is scoped to the sync key's facility. Each
 * verb is idempotent, so that a PC may retry a batch whose answer it
 * lost: the same line again converges to the same state and does not
 * fail. */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "handlers.h"
#include "lockout.h"
#include "loginlog.h"
#include "password.h"
#include "notice.h"
#include "pwhistory.h"
#include "recovery.h"
#include "session.h"
#include "userchange.h"

/* Assignments run left to right: updated_at is decided while role and
 * status still hold their old values. */
static const char sql_upsert[] =
	"INSERT INTO users (facility_id, name, role, status, created_at,"
	" updated_at) VALUES (?, ?, ?, COALESCE(?, 'active'), UTC_TIMESTAMP(),"
	" UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE"
	" updated_at = IF(role = VALUES(role) AND status = COALESCE(?, status),"
	" updated_at, UTC_TIMESTAMP()),"
	" role = VALUES(role), status = COALESCE(?, status)";

static const char sql_find[] =
	"SELECT id, name, password_hash, status,"
	" locked_at IS NOT NULL FROM users WHERE facility_id = ? AND name = ?";

static const char sql_remove_sessions[] =
	"DELETE FROM sessions WHERE user_id = ?";

static const char sql_remove[] = "DELETE FROM users WHERE id = ?";

struct pc_user {
	long long id;
	const char *name, *hash, *status;
	int locked;
};

/* 1 found, 0 not, -1 error. */
static int user_find(struct ctx *ctx, const char *name, struct pc_user *u,
		     struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STR(name) };
	struct dbres r;

	if (db_query(ctx->db, sql_find, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return 0;
	u->id = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	u->name = dbres_get(&r, 0, 1);
	u->hash = dbres_get(&r, 0, 2);
	u->status = dbres_get(&r, 0, 3);
	u->locked = strcmp(dbres_get(&r, 0, 4), "1") == 0;
	return 1;
}

/* A new hash replaces the stored one through the password history (the
 * PC's user chose it, so no change is pending); the same hash again is
 * no change at all. */
static int upsert_hash(struct ctx *ctx, const struct pc_user *u,
		       const struct argval *hash, struct err *err)
{
	if (!hash->present || (u->hash && strcmp(u->hash, hash->s) == 0))
		return 0;
	if (pwhistory_set_password(ctx, u->id, u->hash, hash->s, 0, err) != 0)
		return -1;
	/* A first hash is no change the owner needs telling of. */
	return u->hash ? notice_send(ctx, u->id, NOTICE_PASSWORD, err) : 0;
}

/* A replaced address is told, and so is the new one; a first address
 * the PC sends is not announced (the PC's own staff set it). */
static int upsert_email(struct ctx *ctx, const struct pc_user *u,
			const struct argval *email, struct err *err)
{
	if (!email->present)
		return 0;
	return recovery_email_replace(ctx, u->id, email->s, email->len, 0, err);
}

HANDLER(h_user_upsert)
{
	const char *name = call_arg(call, "user")->s;
	const struct argval *hash = call_arg(call, "hash");
	const struct argval *st = call_arg(call, "status");
	struct dbparam status = st->present ? P_STR(st->s) : P_NULL;
	struct dbparam p[] = {
		P_INT(ctx->facility_id), P_STR(name),
		P_STR(call_arg(call, "role")->s), status, status, status,
	};
	unsigned long long affected = 0;
	struct pc_user u = { 0 };
	int failed;

	/* A hash cheaper than OWASP's floor or dearer than our ceiling is
	 * refused here (password.h says why), before it can be stored. */
	if (hash->present && !password_push_acceptable(hash->s))
		return err_set(err, E_BAD_ARGUMENT, "key 'hash': argon2id at"
			       " least OWASP's minimum (e.g. m=19456,t=2) and at"
			       " most m=%lu KiB, m*t=%lu, p=4 expected",
			       PASSWORD_PUSH_M_MAX, PASSWORD_PUSH_MT_MAX);
	if (db_begin(ctx->db, err) != 0)
		return -1;
	failed = db_exec(ctx->db, sql_upsert, p, 6, &affected, NULL, err) != 0 ||
		 user_find(ctx, name, &u, err) != 1 ||
		 upsert_hash(ctx, &u, hash, err) != 0 ||
		 upsert_email(ctx, &u, call_arg(call, "email"), err) != 0 ||
		 (strcmp(u.status, "disabled") == 0 &&
		  session_close_user(ctx->db, u.id, 0, err) != 0);
	if (failed && err->code == E_OK)
		err_set(err, E_INTERNAL, "the upserted user vanished");
	if (db_end(ctx->db, failed, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "created", json_boolean(affected == 1));
	json_object_set_new(data, "status", json_string(u.status));
	json_object_set_new(data, "locked", json_boolean(u.locked));
	return 0;
}

HANDLER(h_user_remove)
{
	const char *name = call_arg(call, "user")->s;
	struct pc_user u = { 0 };
	int found, failed;

	if (db_begin(ctx->db, err) != 0)
		return -1;
	found = user_find(ctx, name, &u, err);
	if (found <= 0) {
		/* Unknown is success: the PC's retry of a removal that
		 * already happened must not fail its batch. */
		if (db_end(ctx->db, found < 0, err) != 0)
			return -1;
		json_object_set_new(data, "user", json_string(name));
		json_object_set_new(data, "removed", json_false());
		return 0;
	}
	struct dbparam p[] = { P_INT(u.id) };
	/* The sessions go explicitly, not only by the foreign key's cascade,
	 * so that they end in this transaction whatever the schema says. */
	failed = db_exec(ctx->db, sql_remove_sessions, p, 1, NULL, NULL, err) != 0 ||
		 db_exec(ctx->db, sql_remove, p, 1, NULL, NULL, err) != 0;
	if (db_end(ctx->db, failed, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "removed", json_true());
	return 0;
}

HANDLER(h_user_changes)
{
	json_t *changes = json_array();
	long long revision = 0;
	int more = 0;

	json_object_set_new(data, "changes", changes);
	if (userchange_list(ctx->db, ctx->arena, ctx->facility_id,
			    call_arg(call, "since")->n, changes, &revision,
			    &more, err) != 0)
		return -1;
	json_object_set_new(data, "revision", json_integer(revision));
	json_object_set_new(data, "more", json_boolean(more));
	return 0;
}

/* The login history keeps when the attempt happened on the PC, not when
 * the report arrived (a PC may report late, after a network outage). */
static int report_log(struct ctx *ctx, const char *name, long long ts,
		      int success, const char *reason, struct err *err)
{
	time_t now = ctx->now;
	int rc;

	ctx->now = (time_t)ts;
	rc = loginlog_write(ctx, ctx->facility_id, name, success, reason, "pc",
			    err);
	ctx->now = now;
	return rc;
}

/* The answer's reason for a success the server does not accept: a locked
 * or disabled account stays so whatever the PC saw. */
static const char *refused_success(const struct pc_user *u)
{
	if (u->locked)
		return "locked";
	if (strcmp(u->status, "active") != 0)
		return "disabled";
	return NULL;
}

HANDLER(h_login_report)
{
	const char *name = call_arg(call, "user")->s;
	long long ts = call_arg(call, "ts")->n;
	int success = strcmp(call_arg(call, "result")->s, "success") == 0;
	struct pc_user u = { 0 };
	const char *reason;
	int found, locked = 0;

	found = user_find(ctx, name, &u, err);
	if (found < 0)
		return -1;
	json_object_set_new(data, "user", json_string(found ? u.name : name));
	json_object_set_new(data, "known", json_boolean(found));
	if (!found) {
		/* Not an error: the PC may know a user not pushed yet. */
		json_object_set_new(data, "locked", json_false());
		return report_log(ctx, name, ts, 0, "unknown", err);
	}
	if (!success) {
		if (lockout_record_failure(ctx, u.id, &locked,
					   err) != 0 ||
		    report_log(ctx, name, ts, 0,
			       locked ? "password,locked" : "password", err) != 0)
			return -1;
	} else if ((reason = refused_success(&u)) != NULL) {
		locked = u.locked;
		if (report_log(ctx, name, ts, 0, reason, err) != 0)
			return -1;
	} else if (lockout_record_success(ctx->db, u.id, err) != 0 ||
		   report_log(ctx, name, ts, 1, NULL, err) != 0) {
		return -1;
	}
	json_object_set_new(data, "locked", json_boolean(locked));
	return 0;
}
