/* h_sync_bulk — READING.PUSH and QUEUE.PUSH lines of a batch stored
 * together.
 *
 * A PC sends readings by the hundred; one statement and round trip per
 * line made the database the bottleneck (issue 10). A run of consecutive
 * READING.PUSH lines goes to the database in chunks, two statements per
 * chunk: one look-up names every line's device (unknown → NOT_FOUND for
 * the first such line, nothing stored: the batch is one transaction) and
 * says whether its (device, ts) is stored already; one multi-row insert
 * stores the rest. The semantics stay those of the single line: the same
 * device and ts again is a no-op that keeps the first value, `stored`
 * says which lines were new.
 *
 * QUEUE.PUSH runs the same way: a PC that was offline states each of its
 * few queues once a minute since; one multi-row upsert (rows in line
 * order, so the newest state wins exactly as line by line) and one
 * multi-row history insert per chunk.
 *
 * Statements are prepared once per chunk size (the db layer caches them
 * by address), so the sizes are few and fixed; a chunk's unused rows
 * repeat its last line, which both statements treat as the no-op it is.
 * Their text is built from constants only, never from request data. */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "handlers.h"
#include "reply.h"

static const size_t chunk_sizes[] = { 1000, 256, 64, 16, 4 };
#define NSIZES (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

/* Per size: the look-up and the insert. Built on first use. */
static char *sql_lookup[NSIZES], *sql_insert[NSIZES];

/* The statements of size index k; 0, or -1 when out of memory. The
 * strings live as long as the worker (the statement cache keys on them). */
static int statements(size_t k)
{
	static const char row[] = "(?, FROM_UNIXTIME(?), ? / 100)";

	if (sql_lookup[k])
		return 0;
	sql_lookup[k] = db_sql_repeat(
		"SELECT v.n, d.id, EXISTS (SELECT 1 FROM readings r WHERE "
		"r.device_id = d.id AND r.ts = FROM_UNIXTIME(v.t)) FROM (",
		"SELECT ? AS n, CAST(? AS CHAR(64)) AS ext, ? AS t",
		" UNION ALL VALUES ", "(?, ?, ?)",
		") v LEFT JOIN devices d ON d.facility_id = ? AND d.ext_id = "
		"CONVERT(v.ext USING ascii) COLLATE ascii_bin",
		chunk_sizes[k]);
	sql_insert[k] = db_sql_repeat("INSERT INTO readings (device_id, ts, value) VALUES ",
			      row, ", ", row,
			      " ON DUPLICATE KEY UPDATE device_id = device_id",
			      chunk_sizes[k]);
	return sql_lookup[k] && sql_insert[k] ? 0 : -1;
}

/* The chunk size for n remaining lines: the largest that fits, or the
 * smallest (padded) for the last few. */
static size_t chunk_pick(size_t n)
{
	for (size_t k = 0; k < NSIZES; k++)
		if (chunk_sizes[k] <= n)
			return k;
	return NSIZES - 1;
}

struct line_state {
	long long device;	/* 0: unknown */
	int stored;		/* the (device, ts) was new */
};

/* Looks up calls[0..n) padded to size index k; fills st[]. */
static int chunk_lookup(struct ctx *ctx, const struct call *calls, size_t n,
			size_t k, struct line_state *st, struct err *err)
{
	size_t rows = chunk_sizes[k], np = 0;
	struct dbparam *p = arena_alloc(ctx->arena, (rows * 3 + 1) * sizeof(*p));
	struct dbres r;

	if (!p)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < rows; i++) {
		const struct call *c = &calls[i < n ? i : n - 1];
		const struct argval *dev = call_arg(c, "device");

		p[np++] = P_INT((long long)(i < n ? i : n - 1));
		p[np++] = P_STRN(dev->s, dev->len);
		p[np++] = P_INT(call_arg(c, "ts")->n);
	}
	p[np++] = P_INT(ctx->facility_id);
	if (db_query(ctx->db, sql_lookup[k], p, np, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t row = 0; row < r.nrows; row++) {
		size_t i = strtoull(dbres_get(&r, row, 0), NULL, 10);
		const char *dev = dbres_get(&r, row, 1);

		if (i >= n)
			continue;
		st[i].device = dev ? strtoll(dev, NULL, 10) : 0;
		st[i].stored = strcmp(dbres_get(&r, row, 2), "0") == 0;
	}
	return 0;
}

static int chunk_insert(struct ctx *ctx, const struct call *calls, size_t n,
			size_t k, const struct line_state *st, struct err *err)
{
	size_t rows = chunk_sizes[k], np = 0;
	struct dbparam *p = arena_alloc(ctx->arena, rows * 3 * sizeof(*p));

	if (!p)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < rows; i++) {
		size_t j = i < n ? i : n - 1;

		p[np++] = P_INT(st[j].device);
		p[np++] = P_INT(call_arg(&calls[j], "ts")->n);
		p[np++] = P_INT(call_arg(&calls[j], "value")->n);
	}
	return db_exec(ctx->db, sql_insert[k], p, np, NULL, NULL, err);
}

/* A line repeating an earlier line's (device, ts) in the same batch is
 * the retry it looks like: not stored again. */
static void repeats_unstored(const struct call *calls, struct line_state *st,
			     size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i && st[i].stored; j++)
			if (st[j].device == st[i].device &&
			    call_arg(&calls[j], "ts")->n == call_arg(&calls[i], "ts")->n)
				st[i].stored = 0;
}

int hb_reading_push(struct ctx *ctx, const struct call *calls, size_t n,
		    json_t *results, struct err *err)
{
	struct line_state *st = arena_calloc(ctx->arena, n * sizeof(*st));

	if (!st)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t done = 0, k, m; done < n; done += m) {
		k = chunk_pick(n - done);
		m = n - done < chunk_sizes[k] ? n - done : chunk_sizes[k];
		if (statements(k) != 0)
			return err_set(err, E_INTERNAL, "out of memory");
		if (chunk_lookup(ctx, calls + done, m, k, st + done, err) != 0)
			return -1;
		for (size_t i = done; i < done + m; i++)
			if (!st[i].device) {
				const struct argval *dev = call_arg(&calls[i], "device");

				err_set(err, E_NOT_FOUND, "no device '%s' in this facility",
					dev->s);
				err->line = calls[i].line;
				return -1;
			}
		if (chunk_insert(ctx, calls + done, m, k, st + done, err) != 0)
			return -1;
	}
	repeats_unstored(calls, st, n);
	for (size_t i = 0; i < n; i++) {
		json_t *data = json_pack("{sb}", "stored", st[i].stored);

		json_array_append_new(results, reply_ok(calls[i].verb->name, data));
	}
	return 0;
}

/* Per size: the queues' upsert and their history insert. */
static char *sql_queue_upsert[NSIZES], *sql_queue_history[NSIZES];

static int queue_statements(size_t k)
{
	static const char row[] =
		"(?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))";

	if (sql_queue_upsert[k])
		return 0;
	sql_queue_upsert[k] = db_sql_repeat(
		"INSERT INTO queues (facility_id, ext_id, length, wait_min, ts,"
		" created_at) VALUES ", row, ", ", row, SQL_QUEUE_NEWEST_WINS,
		chunk_sizes[k]);
	sql_queue_history[k] = db_sql_repeat(
		"INSERT INTO queue_history (queue_id, ts, length, wait_min)"
		" SELECT q.id, FROM_UNIXTIME(v.t), v.l, v.w FROM (",
		"SELECT CAST(? AS CHAR(64)) AS ext, ? AS t, ? AS l, ? AS w",
		" UNION ALL VALUES ", "(?, ?, ?, ?)",
		") v JOIN queues q ON q.facility_id = ? AND q.ext_id ="
		" CONVERT(v.ext USING ascii) COLLATE ascii_bin"
		" ON DUPLICATE KEY UPDATE queue_id = VALUES(queue_id)",
		chunk_sizes[k]);
	return sql_queue_upsert[k] && sql_queue_history[k] ? 0 : -1;
}

/* Stores calls[0..n) padded to size index k (a padding row repeats the
 * last line: the same state again, a no-op for both statements). */
static int queue_chunk(struct ctx *ctx, const struct call *calls, size_t n,
		       size_t k, struct err *err)
{
	size_t rows = chunk_sizes[k], nu = 0, nh = 0;
	struct dbparam *u = arena_alloc(ctx->arena, rows * 6 * sizeof(*u));
	struct dbparam *h = arena_alloc(ctx->arena, (rows * 4 + 1) * sizeof(*h));

	if (!u || !h)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < rows; i++) {
		const struct call *c = &calls[i < n ? i : n - 1];
		const struct argval *q = call_arg(c, "queue");
		long long ts = call_arg(c, "ts")->n, len = call_arg(c, "length")->n,
			  wait = call_arg(c, "wait_min")->n;

		u[nu++] = P_INT(ctx->facility_id);
		u[nu++] = P_STRN(q->s, q->len);
		u[nu++] = P_INT(len);
		u[nu++] = P_INT(wait);
		u[nu++] = P_INT(ts);
		u[nu++] = P_INT((long long)ctx->now);
		h[nh++] = P_STRN(q->s, q->len);
		h[nh++] = P_INT(ts);
		h[nh++] = P_INT(len);
		h[nh++] = P_INT(wait);
	}
	h[nh++] = P_INT(ctx->facility_id);
	if (db_exec(ctx->db, sql_queue_upsert[k], u, nu, NULL, NULL, err) != 0)
		return -1;
	return db_exec(ctx->db, sql_queue_history[k], h, nh, NULL, NULL, err);
}

int hb_queue_push(struct ctx *ctx, const struct call *calls, size_t n,
		  json_t *results, struct err *err)
{
	for (size_t done = 0, k, m; done < n; done += m) {
		k = chunk_pick(n - done);
		m = n - done < chunk_sizes[k] ? n - done : chunk_sizes[k];
		if (queue_statements(k) != 0)
			return err_set(err, E_INTERNAL, "out of memory");
		if (queue_chunk(ctx, calls + done, m, k, err) != 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct argval *q = call_arg(&calls[i], "queue");
		json_t *data = json_pack("{ss%}", "queue", q->s, q->len);

		json_array_append_new(results, reply_ok(calls[i].verb->name, data));
	}
	return 0;
}
