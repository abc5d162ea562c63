/* auditchain — see auditchain.h. */
#include <stdlib.h>
#include <string.h>
#include "auditchain.h"

#define RETRIES 3

static const char *const table_names[AUDIT_TABLES] = {
	"login_log", "activity_log", "request_log",
};

static const char sql_head[] =
	"SELECT seq, head FROM audit_chain WHERE tbl = ? AND facility_id = ?"
	" FOR UPDATE";

/* A chain's first writer makes its head; a second one waits for the
 * first's row and then finds it. */
static const char sql_head_new[] =
	"INSERT IGNORE INTO audit_chain (tbl, facility_id, seq, head, updated_at)"
	" VALUES (?, ?, 0, '" AUDITCHAIN_GENESIS "', UTC_TIMESTAMP(3))";

/* The new head is the hash the server just computed for the row. */
static const char *const sql_move[AUDIT_TABLES] = {
	"UPDATE audit_chain SET seq = ?, updated_at = UTC_TIMESTAMP(3),"
	" head = (SELECT chain_hash FROM login_log WHERE id = ?)"
	" WHERE tbl = 'login_log' AND facility_id = ?",
	"UPDATE audit_chain SET seq = ?, updated_at = UTC_TIMESTAMP(3),"
	" head = (SELECT chain_hash FROM activity_log WHERE id = ?)"
	" WHERE tbl = 'activity_log' AND facility_id = ?",
	"UPDATE audit_chain SET seq = ?, updated_at = UTC_TIMESTAMP(3),"
	" head = (SELECT chain_hash FROM request_log WHERE id = ?)"
	" WHERE tbl = 'request_log' AND facility_id = ?",
};

const char *auditchain_table_name(enum audit_table t)
{
	return table_names[t];
}

/* Locks the chain's head: *seq and prev (65 bytes) are its position and
 * hash. */
static int head_lock(struct db *db, struct arena *a, enum audit_table t,
		     long long fac, long long *seq, char *prev, struct err *err)
{
	struct dbparam p[] = { P_STR(table_names[t]), P_INT(fac) };
	struct dbres r;

	if (db_query(db, sql_head, p, 2, a, &r, err) != 0)
		return -1;
	if (r.nrows == 0) {
		if (db_exec(db, sql_head_new, p, 2, NULL, NULL, err) != 0 ||
		    db_query(db, sql_head, p, 2, a, &r, err) != 0)
			return -1;
		if (r.nrows == 0)
			return err_set(err, E_INTERNAL, "audit chain head missing");
	}
	*seq = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	snprintf(prev, 65, "%s", dbres_get(&r, 0, 1));
	return 0;
}

static int insert_once(struct db *db, struct arena *a, enum audit_table t,
		       long long fac, const char *sql, struct dbparam *params,
		       size_t n, struct err *err)
{
	unsigned long long id = 0;
	long long seq = 0;
	char prev[65];
	int failed;

	if (db_begin(db, err) != 0)
		return -1;
	failed = head_lock(db, a, t, fac, &seq, prev, err) != 0;
	if (!failed) {
		params[n - 2] = P_INT(seq + 1);
		params[n - 1] = P_STRN(prev, 64);
		failed = db_exec(db, sql, params, n, NULL, &id, err) != 0;
	}
	if (!failed) {
		struct dbparam m[] = { P_INT(seq + 1), P_INT((long long)id),
				       P_INT(fac) };
		failed = db_exec(db, sql_move[t], m, 3, NULL, NULL, err) != 0;
	}
	return db_end(db, failed, err);
}

int auditchain_insert(struct db *db, struct arena *arena, enum audit_table t,
		      long long facility_id, const char *insert_sql,
		      struct dbparam *params, size_t n, struct err *err)
{
	/* Inside a caller's transaction a conflict is the caller's to retry
	 * (the pipeline runs the request again); on its own, retry here. */
	int tries = db_in_transaction(db) ? 1 : RETRIES;
	int rc = -1;

	for (int i = 0; i < tries; i++) {
		rc = insert_once(db, arena, t, facility_id, insert_sql, params,
				 n, err);
		if (rc == 0 || err->code != E_RETRY)
			break;
	}
	return rc;
}

/* Per chain of the table: the newest row older than before. */
static const char *const sql_cut[AUDIT_TABLES] = {
	"SELECT IFNULL(facility_id, 0), chain_seq, chain_hash FROM login_log"
	" WHERE (facility_id, chain_seq) IN (SELECT facility_id, MAX(chain_seq)"
	" FROM login_log WHERE ts < FROM_UNIXTIME(?) AND chain_seq IS NOT NULL"
	" GROUP BY facility_id)",
	"SELECT IFNULL(facility_id, 0), chain_seq, chain_hash FROM activity_log"
	" WHERE (facility_id, chain_seq) IN (SELECT facility_id, MAX(chain_seq)"
	" FROM activity_log WHERE ts < FROM_UNIXTIME(?) AND chain_seq IS NOT NULL"
	" GROUP BY facility_id)",
	"SELECT IFNULL(facility_id, 0), chain_seq, chain_hash FROM request_log"
	" WHERE (facility_id, chain_seq) IN (SELECT facility_id, MAX(chain_seq)"
	" FROM request_log WHERE ts < FROM_UNIXTIME(?) AND chain_seq IS NOT NULL"
	" GROUP BY facility_id)",
};

static const char *const sql_cut_null[AUDIT_TABLES] = {
	"SELECT 0, chain_seq, chain_hash FROM login_log WHERE facility_id IS NULL"
	" AND ts < FROM_UNIXTIME(?) AND chain_seq IS NOT NULL"
	" ORDER BY chain_seq DESC LIMIT 1",
	"SELECT 0, chain_seq, chain_hash FROM activity_log WHERE facility_id IS NULL"
	" AND ts < FROM_UNIXTIME(?) AND chain_seq IS NOT NULL"
	" ORDER BY chain_seq DESC LIMIT 1",
	"SELECT 0, chain_seq, chain_hash FROM request_log WHERE facility_id IS NULL"
	" AND ts < FROM_UNIXTIME(?) AND chain_seq IS NOT NULL"
	" ORDER BY chain_seq DESC LIMIT 1",
};

static const char sql_checkpoint[] =
	"INSERT IGNORE INTO audit_checkpoint (tbl, facility_id, seq, hash,"
	" created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())";

static int checkpoint_rows(struct db *db, enum audit_table t,
			   const struct dbres *r, struct err *err)
{
	for (size_t i = 0; i < r->nrows; i++) {
		struct dbparam p[] = {
			P_STR(table_names[t]),
			P_INT(strtoll(dbres_get(r, i, 0), NULL, 10)),
			P_INT(strtoll(dbres_get(r, i, 1), NULL, 10)),
			P_STR(dbres_get(r, i, 2)),
		};
		if (db_exec(db, sql_checkpoint, p, 4, NULL, NULL, err) != 0)
			return -1;
	}
	return 0;
}

int auditchain_checkpoint(struct db *db, struct arena *arena,
			  enum audit_table t, time_t before, struct err *err)
{
	struct dbparam p[] = { P_INT((long long)before) };
	struct dbres r, rn;

	/* IN with a row of a NULL facility never matches: those rows (facility
	 * 0's chain) are looked up on their own. */
	if (db_query(db, sql_cut[t], p, 1, arena, &r, err) != 0 ||
	    db_query(db, sql_cut_null[t], p, 1, arena, &rn, err) != 0)
		return -1;
	if (db_begin(db, err) != 0)
		return -1;
	return db_end(db, checkpoint_rows(db, t, &r, err) != 0 ||
			  checkpoint_rows(db, t, &rn, err) != 0, err);
}
