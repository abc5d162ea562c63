/* cmdqueue — the command queue (see cmdqueue.h).
 *
 * `due_at` says when a command may next be handed out (0: pending, the
 * lease's end: delivered, NULL: settled), so "what is due" is a range
 * scan of (facility_id, due_at) that settled commands never enter.
 *
 * A poll first reads without locking; only when something is due does it
 * take the rows with FOR UPDATE SKIP LOCKED inside a transaction, so two
 * PCs polling at once never get the same command and never wait for
 * each other. The index is forced on the locking read: the optimiser may
 * otherwise walk every settled command of the facility.
 *
 * command_due keeps when the facility's queue is next due (schema
 * 017_command_due.sql), so that the empty poll need not ask `commands`.
 * It must never be later than the queue: cmdqueue_add sets it to 0 before
 * it inserts, and a take locks it first, hands out what is due, then
 * reads the queue's earliest due_at with a locking read (the latest
 * committed rows, whatever the transaction's snapshot) and writes that.
 * Both take the row first, so an add is wholly before or after a take. */
#include <stdlib.h>
#include <string.h>
#include "cmdqueue.h"
#include "timefmt.h"

static const char sql_add[] =
	"INSERT INTO commands (facility_id, line, issuer, created_at) "
	"VALUES (?, ?, ?, FROM_UNIXTIME(?))";

/* 0: "something waits"; a lower value than the queue's is always safe. */
static const char sql_due_set_now[] =
	"INSERT INTO command_due (facility_id, due_at) VALUES (?, 0) "
	"ON DUPLICATE KEY UPDATE due_at = 0";

static const char sql_due_lock[] =
	"SELECT due_at FROM command_due WHERE facility_id = ? FOR UPDATE";

/* The first entry of the index, not MIN(): a locking MIN reads (and
 * locks) every unsettled command of the facility. */
static const char sql_due_next[] =
	"SELECT due_at FROM commands FORCE INDEX (ix_commands_due) "
	"WHERE facility_id = ? AND due_at IS NOT NULL "
	"ORDER BY due_at LIMIT 1 LOCK IN SHARE MODE";

static const char sql_due_store[] =
	"INSERT INTO command_due (facility_id, due_at) VALUES (?, ?) "
	"ON DUPLICATE KEY UPDATE due_at = VALUES(due_at)";

/* The same question the empty poll asks beside the key (authn.c). */
static const char sql_due_peek[] =
	"SELECT 1 FROM command_due WHERE facility_id = ? AND due_at <= ?";

/* In the index's own order (due_at, then id, which InnoDB keeps in every
 * secondary index), so the scan stops after LIMIT rows and locks only
 * those: ordered by id alone, it would sort, and so read and lock, every
 * due command of the facility first — with a large backlog enough locks
 * to exhaust the server's lock memory. Never-delivered commands (due_at
 * 0) go first, oldest first, then lapsed leases. */
static const char sql_due_take[] =
	"SELECT id, line, issuer, created_at FROM commands "
	"FORCE INDEX (ix_commands_due) WHERE facility_id = ? AND due_at <= ? "
	"ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED";

static const char sql_lease[] =
	"UPDATE commands SET status = 'delivered', due_at = ?, lease_pc = ?, "
	"deliveries = deliveries + 1, delivered_at = FROM_UNIXTIME(?) "
	"WHERE id = ? AND facility_id = ?";

static const char sql_settle[] =
	"UPDATE commands SET status = ?, result = ?, settled_by = ?, "
	"settled_at = FROM_UNIXTIME(?), due_at = NULL "
	"WHERE id = ? AND facility_id = ? AND due_at IS NOT NULL";

static const char sql_status[] =
	"SELECT status FROM commands WHERE id = ? AND facility_id = ?";

int cmdqueue_add(struct db *db, long long facility, const char *line,
		 const char *issuer, time_t now, long long *id,
		 struct err *err)
{
	struct dbparam p[] = {
		P_INT(facility), P_STR(line), issuer ? P_STR(issuer) : P_NULL,
		P_INT((long long)now),
	};
	struct dbparam f[] = { P_INT(facility) };
	unsigned long long newid = 0;

	if (db_begin(db, err) != 0)
		return -1;
	if (db_exec(db, sql_due_set_now, f, 1, NULL, NULL, err) != 0 ||
	    db_exec(db, sql_add, p, 4, NULL, &newid, err) != 0) {
		db_rollback(db);
		return -1;
	}
	if (id)
		*id = (long long)newid;
	return db_commit(db, err);
}

/* Inside the caller's transaction, with the facility's command_due row
 * locked: stores when the queue is next due, now that this take has
 * leased what it could. */
static int due_store(struct db *db, struct arena *arena, long long facility,
		     struct err *err)
{
	struct dbparam q[] = { P_INT(facility) };
	struct dbres r;
	const char *next;

	if (db_query(db, sql_due_next, q, 1, arena, &r, err) != 0)
		return -1;
	next = r.nrows == 1 ? dbres_get(&r, 0, 0) : NULL;
	struct dbparam u[] = {
		P_INT(facility), next ? P_INT(strtoll(next, NULL, 10)) : P_NULL,
	};
	return db_exec(db, sql_due_store, u, 2, NULL, NULL, err);
}

static json_t *command_json(const struct dbres *r, size_t row)
{
	const char *issuer = dbres_get(r, row, 2);
	char ts[TS_LEN + 1];
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(strtoll(dbres_get(r, row, 0),
							   NULL, 10)));
	json_object_set_new(o, "command", json_string(dbres_get(r, row, 1)));
	json_object_set_new(o, "issuer", issuer ? json_string(issuer) : json_null());
	if (ts_from_db(dbres_get(r, row, 3), ts) == 0)
		json_object_set_new(o, "created", json_string(ts));
	return o;
}

/* Inside the caller's transaction: lock what is due, lease it to pc. */
static int poll_locked(struct db *db, struct arena *arena, long long facility,
		       const char *pc, time_t now, long long lease_s, int max,
		       json_t *out, struct err *err)
{
	struct dbparam q[] = { P_INT(facility), P_INT((long long)now), P_INT(max) };
	struct dbres r;

	if (db_query(db, sql_due_take, q, 3, arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		long long id = strtoll(dbres_get(&r, i, 0), NULL, 10);
		struct dbparam u[] = {
			P_INT((long long)now + lease_s), P_STR(pc),
			P_INT((long long)now), P_INT(id), P_INT(facility),
		};

		if (db_exec(db, sql_lease, u, 5, NULL, NULL, err) != 0)
			return -1;
		json_array_append_new(out, command_json(&r, i));
	}
	return 0;
}

int cmdqueue_poll(struct db *db, struct arena *arena, long long facility,
		  const char *pc, time_t now, long long lease_s, int max,
		  json_t *out, struct err *err)
{
	struct dbparam q[] = { P_INT(facility), P_INT((long long)now) };
	struct dbres r;

	/* Nothing due costs this one statement. */
	if (db_query(db, sql_due_peek, q, 2, arena, &r, err) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	return cmdqueue_take(db, arena, facility, pc, now, lease_s, max, out, err);
}

int cmdqueue_take(struct db *db, struct arena *arena, long long facility,
		  const char *pc, time_t now, long long lease_s, int max,
		  json_t *out, struct err *err)
{
	struct dbparam f[] = { P_INT(facility) };
	struct dbres lock;

	if (max < 1 || max > CMDQUEUE_POLL_MAX)
		max = CMDQUEUE_POLL_MAX;
	if (db_begin(db, err) != 0)
		return -1;
	if (db_query(db, sql_due_lock, f, 1, arena, &lock, err) != 0 ||
	    poll_locked(db, arena, facility, pc, now, lease_s, max, out, err) != 0 ||
	    due_store(db, arena, facility, err) != 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, err);
}

int cmdqueue_ack(struct db *db, struct arena *arena, long long facility,
		 const char *pc, long long id, int failed, const char *result,
		 time_t now, int *settled, const char **status,
		 struct err *err)
{
	const char *st = failed ? "failed" : "done";
	struct dbparam u[] = {
		P_STR(st), result ? P_STR(result) : P_NULL, P_STR(pc),
		P_INT((long long)now), P_INT(id), P_INT(facility),
	};
	struct dbparam q[] = { P_INT(id), P_INT(facility) };
	unsigned long long n = 0;
	struct dbres r;

	if (db_exec(db, sql_settle, u, 6, &n, NULL, err) != 0)
		return -1;
	*settled = n == 1;
	*status = st;
	if (n == 1)
		return 0;
	if (db_query(db, sql_status, q, 2, arena, &r, err) != 0)
		return -1;
	if (r.nrows == 0)
		return err_set(err, E_NOT_FOUND, "no command %lld", id);
	*status = dbres_get(&r, 0, 0);
	return 0;
}
