/* lockout — see lockout.h. */
#include <stdlib.h>
#include <string.h>
#include "lockout.h"
#include "notice.h"
#include "session.h"
#include "userchange.h"

/* MariaDB assigns left to right and later assignments see earlier ones,
 * so locked_at is decided before failed_logins moves. */
static const char sql_fail[] =
	"UPDATE users SET locked_at = IF(locked_at IS NULL AND"
	" failed_logins + 1 >= ?, UTC_TIMESTAMP(), locked_at),"
	" failed_logins = failed_logins + 1, updated_at = UTC_TIMESTAMP()"
	" WHERE id = ?";

static const char sql_locked[] =
	"SELECT locked_at IS NOT NULL, failed_logins FROM users WHERE id = ?";

static const char sql_success[] =
	"UPDATE users SET failed_logins = IF(locked_at IS NULL, 0, failed_logins),"
	" last_login_at = UTC_TIMESTAMP() WHERE id = ?";

static const char sql_clear[] =
	"UPDATE users SET failed_logins = 0, locked_at = NULL,"
	" updated_at = UTC_TIMESTAMP() WHERE id = ?";

static const char sql_end_sessions[] = "DELETE FROM sessions WHERE user_id = ?";

int lockout_record_failure(struct ctx *ctx, long long user_id, int *locked,
			   struct err *err)
{
	struct db *db = ctx->db;
	struct dbparam p[] = { P_INT(LOCKOUT_THRESHOLD), P_INT(user_id) };
	struct dbparam q[] = { P_INT(user_id) };
	struct dbres r;
	int rc = -1, is_locked = 0;

	/* One transaction: when a deadlock makes the pipeline run the request
	 * again, no half of this was kept, so no failure counts twice. */
	if (db_begin(db, err) != 0)
		return -1;
	if (db_exec(db, sql_fail, p, 2, NULL, NULL, err) != 0 ||
	    db_query(db, sql_locked, q, 1, ctx->arena, &r, err) != 0)
		goto done;
	is_locked = r.nrows == 1 && dbres_get(&r, 0, 0) &&
		    strcmp(dbres_get(&r, 0, 0), "1") == 0;
	/* An unlocked account always counts below the threshold (a clear
	 * resets the count), so the count reaching it exactly is this very
	 * failure locking it: the facility PCs hear of the lock once. */
	if (is_locked && atoll(dbres_get(&r, 0, 1)) == LOCKOUT_THRESHOLD &&
	    (userchange_record(db, user_id, UC_LOCK, err) != 0 ||
	     notice_send(ctx, user_id, NOTICE_LOCK, err) != 0))
		goto done;
	/* Every failure of a locked account ends its sessions, not just the
	 * one that locked it: a session made in between must not survive. */
	if (is_locked && db_exec(db, sql_end_sessions, q, 1, NULL, NULL, err) != 0)
		goto done;
	rc = db_commit(db, err);
done:
	if (rc != 0)
		db_rollback(db);
	if (locked)
		*locked = is_locked;
	return rc;
}

int lockout_record_success(struct db *db, long long user_id, struct err *err)
{
	struct dbparam p[] = { P_INT(user_id) };

	return db_exec(db, sql_success, p, 1, NULL, NULL, err);
}

int lockout_clear(struct db *db, long long user_id, struct err *err)
{
	struct dbparam p[] = { P_INT(user_id) };

	return db_exec(db, sql_clear, p, 1, NULL, NULL, err);
}
