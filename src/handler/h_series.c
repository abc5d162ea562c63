/* h_series — DASHBOARD.SERIES: every device's recent readings for the
 * dashboard's charts in one request (issue 10), down-sampled by the
 * database to a fixed number of time buckets per device.
 *
 * Each bucket keeps its minimum and maximum, so an excursion (a fridge
 * door left open for three minutes) shows at any zoom rather than being
 * averaged away. The buckets are aligned to multiples of their width, so
 * successive refreshes draw the same points. The work is a range scan of
 * readings' primary key (device, ts) per device over the window: it grows
 * with the readings in the window, never with the table. Hence the device
 * ids as a list of constants (a join would read each device's whole
 * history by its key prefix, then filter the time): the list is padded
 * to a few fixed lengths, so few statements are prepared, and it holds
 * only ids this facility's own look-up returned. */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "handlers.h"
#include "timefmt.h"

#define SERIES_HOURS_DEFAULT 24
#define SERIES_POINTS_DEFAULT 144

static const char sql_devices[] =
	"SELECT id, ext_id, unit FROM devices WHERE facility_id = ?"
	" ORDER BY id";

static const size_t list_sizes[] = { 16, 64, 256, 1024 };
#define NSIZES (sizeof(list_sizes) / sizeof(list_sizes[0]))
static char *sql_buckets[NSIZES];	/* built once, cached by address */

static const char *buckets_sql(size_t k)
{
	if (!sql_buckets[k])
		sql_buckets[k] = db_sql_repeat(
			"SELECT r.device_id, FLOOR((UNIX_TIMESTAMP(r.ts) - ?) / ?),"
			" MIN(r.value), MAX(r.value), COUNT(*) FROM readings r"
			" WHERE r.device_id IN (", "?", ", ", "?",
			") AND r.ts >= FROM_UNIXTIME(?) AND r.ts < FROM_UNIXTIME(?)"
			" GROUP BY r.device_id, 2 ORDER BY r.device_id, 2 DESC",
			list_sizes[k]);
	return sql_buckets[k];
}

static json_t *ts_json(long long t)
{
	char ts[TS_LEN + 1];

	ts_format((time_t)t, ts);
	return json_string(ts);
}

struct window {
	long long from, to, bucket;
};

/* Adds the buckets of devices ids[0..n) (in id order) to their series. */
static int buckets(struct ctx *ctx, const struct window *w,
		   const long long *ids, json_t *const *series, size_t n,
		   struct err *err)
{
	size_t k = 0, np = 0, cur = 0;
	struct dbparam *p;
	const char *sql;
	struct dbres r;

	while (k + 1 < NSIZES && list_sizes[k] < n)
		k++;
	if (!(sql = buckets_sql(k)) ||
	    !(p = arena_alloc(ctx->arena, (list_sizes[k] + 4) * sizeof(*p))))
		return err_set(err, E_INTERNAL, "out of memory");
	p[np++] = P_INT(w->from);
	p[np++] = P_INT(w->bucket);
	for (size_t i = 0; i < list_sizes[k]; i++)
		p[np++] = P_INT(ids[i < n ? i : n - 1]);
	p[np++] = P_INT(w->from);
	p[np++] = P_INT(w->to);
	if (db_query(ctx->db, sql, p, np, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		long long id = atoll(dbres_get(&r, i, 0)), count = atoll(dbres_get(&r, i, 4));
		json_t *s;

		while (cur < n && ids[cur] != id)	/* both in id order */
			cur++;
		if (cur == n)
			break;
		s = series[cur];
		json_object_set_new(s, "readings", json_integer(
			json_integer_value(json_object_get(s, "readings")) + count));
		json_array_append_new(json_object_get(s, "points"), json_pack(
			"{s:o,s:f,s:f,s:I}", "ts", ts_json(w->from + atoll(dbres_get(&r, i, 1)) * w->bucket),
			"min", strtod(dbres_get(&r, i, 2), NULL),
			"max", strtod(dbres_get(&r, i, 3), NULL), "n", (json_int_t)count));
	}
	return 0;
}

HANDLER(h_dashboard_series)
{
	const struct argval *h = call_arg(call, "hours"), *n = call_arg(call, "points");
	const struct argval *to = call_arg(call, "to");
	long long end = to->present ? to->n : (long long)ctx->now;
	long long hours = h->present ? h->n : SERIES_HOURS_DEFAULT;
	long long points = n->present ? n->n : SERIES_POINTS_DEFAULT;
	struct window w = { .bucket = hours * 3600 / points };
	struct dbparam p[] = { P_INT(ctx->facility_id) };
	json_t *out = json_array(), **series;
	long long *ids;
	struct dbres r;

	w.to = (end / w.bucket + 1) * w.bucket;
	w.from = w.to - w.bucket * points;
	json_object_set_new(data, "series", out);
	json_object_set_new(data, "from", ts_json(w.from));
	json_object_set_new(data, "to", ts_json(w.to));
	json_object_set_new(data, "bucket_s", json_integer(w.bucket));
	if (db_query(ctx->db, sql_devices, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	ids = arena_alloc(ctx->arena, (r.nrows + 1) * sizeof(*ids));
	series = arena_alloc(ctx->arena, (r.nrows + 1) * sizeof(*series));
	if (!ids || !series)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < r.nrows; i++) {
		ids[i] = atoll(dbres_get(&r, i, 0));
		series[i] = json_pack("{s:s,s:s,s:i,s:[]}", "device", dbres_get(&r, i, 1),
				      "unit", dbres_get(&r, i, 2), "readings", 0, "points");
		json_array_append_new(out, series[i]);
	}
	for (size_t done = 0, m; done < r.nrows; done += m) {
		m = r.nrows - done < 1024 ? r.nrows - done : 1024;
		if (buckets(ctx, &w, ids + done, series + done, m, err) != 0)
			return -1;
	}
	return 0;
}
