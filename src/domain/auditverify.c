/* auditverify — see auditverify.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auditverify.h"
#include "token.h"

#define PAGE 500

/* One chain's walk. prev is the hash the next row must follow from. */
struct walk {
	struct db *db;
	struct arena *a;
	enum audit_table t;
	long long fac, head_seq, last_seq, last_id;
	char head[65], prev[65];
	struct audit_finding f;
	int broken;
};

static const char sql_chains[] =
	"SELECT facility_id, seq, head FROM audit_chain WHERE tbl = ?"
	" ORDER BY facility_id";

static const char sql_checkpoint[] =
	"SELECT seq, hash FROM audit_checkpoint WHERE tbl = ? AND facility_id = ?"
	" ORDER BY seq DESC LIMIT 1";

#define ROWS(t, row) \
	"SELECT id, chain_seq, chain_hash, " row " FROM " t \
	" WHERE facility_id <=> ? AND (chain_seq > ? OR (chain_seq = ? AND id > ?))" \
	" ORDER BY chain_seq, id LIMIT 500"
static const char *const sql_rows[AUDIT_TABLES] = {
	ROWS("login_log", AUDITCHAIN_ROW_LOGIN_LOG),
	ROWS("activity_log", AUDITCHAIN_ROW_ACTIVITY_LOG),
	ROWS("request_log", AUDITCHAIN_ROW_REQUEST_LOG),
};

#define FROM(t) \
	"SELECT MIN(chain_seq) FROM " t " WHERE facility_id <=> ?" \
	" AND ts >= FROM_UNIXTIME(?)"
static const char *const sql_from[AUDIT_TABLES] = {
	FROM("login_log"), FROM("activity_log"), FROM("request_log"),
};

#define AT(t) \
	"SELECT chain_hash FROM " t " WHERE facility_id <=> ? AND chain_seq = ?" \
	" ORDER BY id LIMIT 1"
static const char *const sql_at[AUDIT_TABLES] = {
	AT("login_log"), AT("activity_log"), AT("request_log"),
};

static const char sql_checkpoint_past[] =
	"SELECT seq, hash FROM audit_checkpoint WHERE tbl = ? AND facility_id = ?"
	" AND seq >= ? ORDER BY seq LIMIT 1";

#define UNCHAINED(t) \
	"SELECT id, IFNULL(facility_id, 0) FROM " t " WHERE chain_seq IS NULL AND id > (SELECT" \
	" last_unchained_id FROM audit_chain_start WHERE tbl = '" t "')" \
	" ORDER BY id LIMIT 1"
static const char *const sql_unchained[AUDIT_TABLES] = {
	UNCHAINED("login_log"), UNCHAINED("activity_log"),
	UNCHAINED("request_log"),
};

static struct dbparam fac_param(long long fac)
{
	return fac ? P_INT(fac) : P_NULL;
}

static void found(struct walk *w, long long id, long long seq,
		  const char *what)
{
	w->broken = 1;
	w->f = (struct audit_finding){ w->t, w->fac, id, seq, what };
}

/* The hash a row at seq must carry after prev, from its columns' JSON. */
static void expected_hash(const char *prev, long long seq, const char *row,
			  size_t len, char out[SHA256_HEX_LEN + 1])
{
	size_t n = 64 + 1 + 20 + 1 + len + 1;
	char *buf = malloc(n);
	int k;

	if (!buf) {
		out[0] = '\0';
		return;
	}
	k = snprintf(buf, n, "%s|%lld|", prev, seq);
	memcpy(buf + k, row, len);
	token_sha256_hex(buf, (size_t)k + len, out);
	free(buf);
}

static void check_row(struct walk *w, const struct dbres *r, size_t i)
{
	long long id = strtoll(dbres_get(r, i, 0), NULL, 10);
	long long seq = strtoll(dbres_get(r, i, 1), NULL, 10);
	const char *hash = dbres_get(r, i, 2);
	char want[SHA256_HEX_LEN + 1];

	if (seq <= w->last_seq)
		return found(w, id, seq, "inserted (a second row at this position)");
	if (seq > w->head_seq)
		return found(w, id, seq, "inserted (beyond the chain's head)");
	if (seq > w->last_seq + 1)
		return found(w, id, w->last_seq + 1, "deleted (the chain breaks"
			     " just before this row)");
	expected_hash(w->prev, seq, dbres_get(r, i, 3), r->lens[i * r->ncols + 3],
		      want);
	if (!hash || strcmp(hash, want) != 0)
		return found(w, id, seq, "changed (or inserted in its place)");
	w->last_seq = seq;
	w->last_id = id;
	snprintf(w->prev, sizeof(w->prev), "%s", hash);
}

/* Where the walk starts: the checkpoint, or the row before from. */
static int walk_start(struct walk *w, time_t from, struct err *err)
{
	const char *tn = auditchain_table_name(w->t);
	struct dbparam c[] = { P_STR(tn), P_INT(w->fac) };
	struct dbres r;
	long long s;

	/* Paging goes on after (last_seq, last_id): none of the rows at the
	 * starting position is walked. */
	w->last_seq = 0;
	w->last_id = LLONG_MAX;
	snprintf(w->prev, sizeof(w->prev), "%s", AUDITCHAIN_GENESIS);
	if (db_query(w->db, sql_checkpoint, c, 2, w->a, &r, err) != 0)
		return -1;
	if (r.nrows == 1) {
		w->last_seq = strtoll(dbres_get(&r, 0, 0), NULL, 10);
		snprintf(w->prev, sizeof(w->prev), "%s", dbres_get(&r, 0, 1));
	}
	if (from <= 0)
		return 0;
	struct dbparam f[] = { fac_param(w->fac), P_INT((long long)from) };
	if (db_query(w->db, sql_from[w->t], f, 2, w->a, &r, err) != 0)
		return -1;
	s = dbres_get(&r, 0, 0) ? strtoll(dbres_get(&r, 0, 0), NULL, 10) - 1 : w->head_seq;
	if (s <= w->last_seq)
		return 0;
	struct dbparam q[] = { fac_param(w->fac), P_INT(s) };
	if (db_query(w->db, sql_at[w->t], q, 2, w->a, &r, err) != 0)
		return -1;
	if (r.nrows == 0 && s > 0) {
		found(w, 0, s, "deleted (the row before --from is missing)");
		return 0;
	}
	w->last_seq = s;
	snprintf(w->prev, sizeof(w->prev), "%s",
		 s > 0 ? dbres_get(&r, 0, 0) : AUDITCHAIN_GENESIS);
	return 0;
}

static int walk_chain(struct walk *w, time_t from, long long *rows,
		      struct err *err)
{
	struct dbres r;

	if (walk_start(w, from, err) != 0)
		return -1;
	while (!w->broken) {
		struct dbparam p[] = { fac_param(w->fac), P_INT(w->last_seq),
				       P_INT(w->last_seq), P_INT(w->last_id) };
		arena_reset(w->a);
		if (db_query(w->db, sql_rows[w->t], p, 4, w->a, &r, err) != 0)
			return -1;
		for (size_t i = 0; i < r.nrows && !w->broken; i++, (*rows)++)
			check_row(w, &r, i);
		if (r.nrows < PAGE)
			break;
	}
	if (!w->broken && (w->last_seq != w->head_seq ||
			   (w->head_seq > 0 && strcmp(w->prev, w->head) != 0)))
		found(w, w->last_id == LLONG_MAX ? 0 : w->last_id, w->last_seq + 1,
		      "deleted (rows after this one, up to the chain's head)");
	return 0;
}

static int verify_table(struct db *db, struct arena *a, enum audit_table t,
			time_t from, audit_report_fn report, void *arg,
			struct audit_summary *sum, struct err *err)
{
	struct dbparam p[] = { P_STR(auditchain_table_name(t)) };
	struct dbres chains, un;

	if (db_query(db, sql_chains, p, 1, a, &chains, err) != 0 ||
	    db_query(db, sql_unchained[t], NULL, 0, a, &un, err) != 0)
		return -1;
	if (un.nrows == 1) {
		struct audit_finding f = { t,
			strtoll(dbres_get(&un, 0, 1), NULL, 10),
			strtoll(dbres_get(&un, 0, 0), NULL, 10), 0,
			"inserted (a row outside every chain)" };
		sum->broken++;
		report(&f, arg);
	}
	/* chains lives in a, which each page resets: walk a copy. */
	size_t n = chains.nrows;
	struct walk *ws = calloc(n ? n : 1, sizeof(*ws));
	if (!ws)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ws[i] = (struct walk){ .db = db, .t = t,
			.fac = strtoll(dbres_get(&chains, i, 0), NULL, 10),
			.head_seq = strtoll(dbres_get(&chains, i, 1), NULL, 10) };
		snprintf(ws[i].head, sizeof(ws[i].head), "%s",
			 dbres_get(&chains, i, 2));
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct arena *wa = arena_new();
		ws[i].a = wa;
		rc = wa ? walk_chain(&ws[i], from, &sum->rows, err)
			: err_set(err, E_INTERNAL, "out of memory");
		arena_destroy(wa);
		sum->chains++;
		if (rc == 0 && ws[i].broken) {
			sum->broken++;
			report(&ws[i].f, arg);
		}
	}
	free(ws);
	return rc;
}

int auditverify_run(struct db *db, time_t from, audit_report_fn report,
		    void *arg, struct audit_summary *sum, struct err *err)
{
	struct arena *a = arena_new();
	int rc = 0;

	memset(sum, 0, sizeof(*sum));
	if (!a)
		return err_set(err, E_INTERNAL, "out of memory");
	/* One snapshot: heads and rows agree while writers go on. */
	if (db_begin(db, err) != 0) {
		arena_destroy(a);
		return -1;
	}
	for (int t = 0; t < AUDIT_TABLES && rc == 0; t++)
		rc = verify_table(db, a, (enum audit_table)t, from, report, arg,
				  sum, err);
	db_rollback(db);
	arena_destroy(a);
	return rc;
}

int auditverify_heads(struct db *db, audit_head_fn fn, void *arg,
		      struct err *err)
{
	struct arena *a = arena_new();
	struct dbres r;
	int rc = 0;

	if (!a)
		return err_set(err, E_INTERNAL, "out of memory");
	for (int t = 0; t < AUDIT_TABLES && rc == 0; t++) {
		struct dbparam p[] = { P_STR(auditchain_table_name(t)) };
		rc = db_query(db, sql_chains, p, 1, a, &r, err);
		for (size_t i = 0; rc == 0 && i < r.nrows; i++)
			fn((enum audit_table)t,
			   strtoll(dbres_get(&r, i, 0), NULL, 10),
			   strtoll(dbres_get(&r, i, 1), NULL, 10),
			   dbres_get(&r, i, 2), arg);
	}
	arena_destroy(a);
	return rc;
}

int auditverify_head_kept(struct db *db, enum audit_table t,
			  long long facility_id, long long seq,
			  const char *hash, enum audit_head_state *state,
			  struct err *err)
{
	struct arena *a = arena_new();
	struct dbparam q[] = { fac_param(facility_id), P_INT(seq) };
	struct dbparam c[] = { P_STR(auditchain_table_name(t)),
			       P_INT(facility_id), P_INT(seq) };
	struct dbres r;
	int rc = -1;

	if (!a)
		return err_set(err, E_INTERNAL, "out of memory");
	if (db_query(db, sql_at[t], q, 2, a, &r, err) != 0)
		goto out;
	if (r.nrows == 1) {
		*state = strcmp(dbres_get(&r, 0, 0), hash) == 0
			 ? AUDIT_HEAD_KEPT : AUDIT_HEAD_CHANGED;
	} else {
		if (db_query(db, sql_checkpoint_past, c, 3, a, &r, err) != 0)
			goto out;
		if (r.nrows == 0)
			*state = AUDIT_HEAD_GONE;
		else if (strtoll(dbres_get(&r, 0, 0), NULL, 10) == seq)
			*state = strcmp(dbres_get(&r, 0, 1), hash) == 0
				 ? AUDIT_HEAD_KEPT : AUDIT_HEAD_CHANGED;
		else
			*state = AUDIT_HEAD_PURGED;
	}
	rc = 0;
out:
	arena_destroy(a);
	return rc;
}
