/* userchange — see userchange.h. */
#include <stdlib.h>
#include <string.h>
#include "timefmt.h"
#include "userchange.h"

static const char *const kind_names[] = {
	[UC_PASSWORD] = "password", [UC_LOCK] = "lock",
	[UC_UNLOCK] = "unlock", [UC_DISABLE] = "disable",
	[UC_ENABLE] = "enable",
};

/* The row lock this takes on the facility's counter is what orders the
 * facility's writers; it is held until their commit. */
static const char sql_bump[] =
	"INSERT INTO user_change_seq (facility_id, rev)"
	" SELECT facility_id, 1 FROM users WHERE id = ?"
	" ON DUPLICATE KEY UPDATE rev = rev + 1";

static const char sql_insert[] =
	"INSERT INTO user_changes (facility_id, rev, user_id, user_name, kind,"
	" password_hash, must_change_password, status, locked, created_at)"
	" SELECT u.facility_id, s.rev, u.id, u.name, ?,"
	" IF(? = 'password', u.password_hash, NULL),"
	" IF(? = 'password', u.must_change_password, 0), u.status,"
	" u.locked_at IS NOT NULL, UTC_TIMESTAMP()"
	" FROM users u JOIN user_change_seq s ON s.facility_id = u.facility_id"
	" WHERE u.id = ?";

static const char sql_list[] =
	"SELECT rev, user_name, kind, created_at, status, locked, password_hash,"
	" must_change_password FROM user_changes"
	" WHERE facility_id = ? AND rev > ? ORDER BY rev LIMIT ?";

static const char sql_newest[] =
	"SELECT rev FROM user_change_seq WHERE facility_id = ?";

int userchange_record(struct db *db, long long user_id,
		      enum userchange_kind kind, struct err *err)
{
	const char *k = kind_names[kind];
	struct dbparam b[] = { P_INT(user_id) };
	struct dbparam p[] = { P_STR(k), P_STR(k), P_STR(k), P_INT(user_id) };

	if (db_begin(db, err) != 0)
		return -1;
	if (db_exec(db, sql_bump, b, 1, NULL, NULL, err) != 0 ||
	    db_exec(db, sql_insert, p, 4, NULL, NULL, err) != 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, err);
}

static json_t *change_item(const struct dbres *r, size_t i)
{
	const char *hash = dbres_get(r, i, 6);
	char ts[TS_LEN + 1];
	json_t *o;

	if (ts_from_db(dbres_get(r, i, 3), ts) != 0)
		ts[0] = '\0';
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b}",
		      "rev", (json_int_t)strtoll(dbres_get(r, i, 0), NULL, 10),
		      "user", dbres_get(r, i, 1), "kind", dbres_get(r, i, 2),
		      "ts", ts, "status", dbres_get(r, i, 4),
		      "locked", strcmp(dbres_get(r, i, 5), "1") == 0);
	if (o && strcmp(dbres_get(r, i, 2), "password") == 0) {
		json_object_set_new(o, "hash", hash ? json_string(hash) : json_null());
		json_object_set_new(o, "must_change_password",
				    json_boolean(strcmp(dbres_get(r, i, 7), "1") == 0));
	}
	return o;
}

int userchange_list(struct db *db, struct arena *arena, long long facility_id,
		    long long since, json_t *changes, long long *revision,
		    int *more, struct err *err)
{
	struct dbparam p[] = { P_INT(facility_id), P_INT(since),
			       P_INT(USERCHANGE_PAGE + 1) };
	struct dbparam n[] = { P_INT(facility_id) };
	struct dbres r;
	size_t count;

	if (db_query(db, sql_list, p, 3, arena, &r, err) != 0)
		return -1;
	count = r.nrows > USERCHANGE_PAGE ? USERCHANGE_PAGE : r.nrows;
	*more = r.nrows > USERCHANGE_PAGE;
	for (size_t i = 0; i < count; i++)
		json_array_append_new(changes, change_item(&r, i));
	if (count > 0) {
		*revision = strtoll(dbres_get(&r, count - 1, 0), NULL, 10);
		return 0;
	}
	if (db_query(db, sql_newest, n, 1, arena, &r, err) != 0)
		return -1;
	*revision = r.nrows ? strtoll(dbres_get(&r, 0, 0), NULL, 10) : 0;
	return 0;
}
