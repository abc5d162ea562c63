/* h_history — DEVICE.HISTORY: one device over a chosen period (24 hours
 * to 93 days) for its device page, in one request: the figures an
 * inspection asks for (readings, minimum, maximum, mean, how many were out
 * of range), the chart's points down-sampled to a minimum and a maximum per
 * bucket, and the excursions: runs of consecutive readings outside the
 * device's range, each with its start, its end (the first reading back in
 * range), duration and peak.
 *
 * Thirty days of minute readings are 43,200 rows: the database reduces
 * them in two range scans of readings' primary key over the period (the
 * buckets, which the figures are summed from; the excursions) and the
 * phone gets a few hundred points. Excursions are found by the database
 * too (gaps and islands: a run of out-of-range readings shares the count
 * of in-range readings before it), checked against the range in force
 * now, the one the portal flags readings by. */
#include <math.h>
#include <stdlib.h>
#include "ctx.h"
#include "handlers.h"
#include "portal_items.h"
#include "timefmt.h"

#define HISTORY_DEFAULT_S (24 * 3600)
#define HISTORY_MAX_S (93LL * 86400)
#define HISTORY_POINTS_DEFAULT 240
#define HISTORY_BUCKET_MIN_S 60
#define EXCURSIONS_MAX 200

static const char sql_device[] =
	"SELECT d.id, d.unit, d.name, d.kind, d.location, " PORTAL_RANGE_COLS
	" FROM devices d WHERE d.facility_id = ? AND d.ext_id = ?";

/* Parameters: low, low, high, high (NULL for an open side). */
#define OUT_OF_RANGE \
	"((CAST(? AS DECIMAL(5,2)) IS NOT NULL AND value < CAST(? AS DECIMAL(5,2)))" \
	" OR (CAST(? AS DECIMAL(5,2)) IS NOT NULL AND value > CAST(? AS DECIMAL(5,2))))"
#define IN_PERIOD \
	" FROM readings WHERE device_id = ?" \
	" AND ts >= FROM_UNIXTIME(?) AND ts < FROM_UNIXTIME(?)"

/* The chart's buckets, newest first, with what the period's figures
 * are summed from (one scan for both): readings, lowest, highest, sum,
 * out of range, first and last time. */
static const char sql_buckets[] =
	"SELECT FLOOR((UNIX_TIMESTAMP(ts) - ?) / ?), MIN(value), MAX(value),"
	" COUNT(*), SUM(value), SUM(" OUT_OF_RANGE "),"
	" UNIX_TIMESTAMP(MIN(ts)), UNIX_TIMESTAMP(MAX(ts))" IN_PERIOD
	" GROUP BY 1 ORDER BY 1 DESC";

/* One row per run, newest first: start, last out-of-range reading, the
 * reading after it (NULL while the run lasts to the period's end), lowest
 * and highest value, readings. */
static const char sql_excursions[] =
	"SELECT UNIX_TIMESTAMP(MIN(ts)), UNIX_TIMESTAMP(MAX(ts)),"
	" IF(COUNT(next_ts) = COUNT(*), UNIX_TIMESTAMP(MAX(next_ts)), NULL),"
	" MIN(value), MAX(value), COUNT(*) FROM ("
	"  SELECT ts, value, o, SUM(1 - o) OVER (ORDER BY ts) AS run,"
	"  LEAD(ts) OVER (ORDER BY ts) AS next_ts FROM ("
	"   SELECT ts, value, " OUT_OF_RANGE " AS o" IN_PERIOD ") a"
	" ) b WHERE o = 1 GROUP BY run ORDER BY run DESC";

struct period {
	long long device_id, from, to, bucket;
	const char *low, *high;		/* the range in force; NULL: open */
};

static json_t *ts_json(long long t)
{
	char ts[TS_LEN + 1];

	ts_format((time_t)t, ts);
	return json_string(ts);
}

/* The eight parameters of OUT_OF_RANGE IN_PERIOD, at p. */
static size_t range_params(const struct period *w, struct dbparam *p)
{
	struct dbparam lo = w->low ? P_STR(w->low) : P_NULL;
	struct dbparam hi = w->high ? P_STR(w->high) : P_NULL;
	size_t n = 0;

	p[n++] = lo; p[n++] = lo; p[n++] = hi; p[n++] = hi;
	p[n++] = P_INT(w->device_id); p[n++] = P_INT(w->from); p[n++] = P_INT(w->to);
	return n;
}

/* The period's figures from the buckets of r (newest first). */
static json_t *stats_json(const struct dbres *r)
{
	long long count = 0, out = 0;
	double lo = 0, hi = 0, sum = 0;

	for (size_t i = 0; i < r->nrows; i++) {
		double min = strtod(dbres_get(r, i, 1), NULL), max = strtod(dbres_get(r, i, 2), NULL);

		lo = i == 0 || min < lo ? min : lo;
		hi = i == 0 || max > hi ? max : hi;
		count += atoll(dbres_get(r, i, 3));
		sum += strtod(dbres_get(r, i, 4), NULL);
		out += atoll(dbres_get(r, i, 5));
	}
	if (!count)
		return json_pack("{s:i,s:n,s:n,s:n,s:n,s:n,s:i}", "readings", 0, "min", "max",
				 "mean", "first", "last", "out_of_range", 0);
	return json_pack("{s:I,s:f,s:f,s:f,s:o,s:o,s:I}", "readings", (json_int_t)count,
		"min", lo, "max", hi, "mean", (double)llround(sum / (double)count * 100) / 100,
		"first", ts_json(atoll(dbres_get(r, r->nrows - 1, 6))),
		"last", ts_json(atoll(dbres_get(r, 0, 7))), "out_of_range", (json_int_t)out);
}

/* The chart's points and the period's figures into data. */
static int points_and_stats(struct ctx *ctx, const struct period *w,
			    json_t *data, struct err *err)
{
	struct dbparam p[9] = { P_INT(w->from), P_INT(w->bucket) };
	json_t *pts = json_array();
	struct dbres r;

	json_object_set_new(data, "points", pts);
	range_params(w, p + 2);
	if (db_query(ctx->db, sql_buckets, p, 9, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(pts, json_pack("{s:o,s:f,s:f,s:I}",
			"ts", ts_json(w->from + atoll(dbres_get(&r, i, 0)) * w->bucket),
			"min", strtod(dbres_get(&r, i, 1), NULL),
			"max", strtod(dbres_get(&r, i, 2), NULL),
			"n", (json_int_t)atoll(dbres_get(&r, i, 3))));
	json_object_set_new(data, "stats", stats_json(&r));
	return 0;
}

/* Row i of sql_excursions as an item: the peak is the value farthest
 * outside the range, above or below it. */
static json_t *excursion_item(const struct period *w, const struct dbres *r,
			      size_t i)
{
	long long start = atoll(dbres_get(r, i, 0)), last = atoll(dbres_get(r, i, 1));
	const char *end = dbres_get(r, i, 2);
	double lo = strtod(dbres_get(r, i, 3), NULL), hi = strtod(dbres_get(r, i, 4), NULL);
	double above = w->high ? hi - strtod(w->high, NULL) : -1;
	double below = w->low ? strtod(w->low, NULL) - lo : -1;
	int up = above >= below;

	return json_pack("{s:o,s:o,s:o,s:I,s:b,s:s,s:f,s:I}",
		"start", ts_json(start), "last_out", ts_json(last),
		"end", end ? ts_json(atoll(end)) : json_null(),
		"duration_s", (json_int_t)((end ? atoll(end) : last) - start),
		"ongoing", !end, "direction", up ? "above" : "below",
		"peak", up ? hi : lo,
		"readings", (json_int_t)atoll(dbres_get(r, i, 5)));
}

static int excursions(struct ctx *ctx, const struct period *w, json_t *data,
		      struct err *err)
{
	json_t *out = json_array();
	struct dbparam p[7];
	size_t n = range_params(w, p);
	long long total_s = 0;
	struct dbres r;

	json_object_set_new(data, "excursions", out);
	if (!w->low && !w->high) {
		json_object_set_new(data, "excursions_total", json_integer(0));
		json_object_set_new(data, "out_of_range_s", json_integer(0));
		return 0;
	}
	if (db_query(ctx->db, sql_excursions, p, n, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		json_t *e = excursion_item(w, &r, i);

		total_s += json_integer_value(json_object_get(e, "duration_s"));
		if (i < EXCURSIONS_MAX)
			json_array_append_new(out, e);
		else
			json_decref(e);
	}
	json_object_set_new(data, "excursions_total", json_integer((json_int_t)r.nrows));
	json_object_set_new(data, "out_of_range_s", json_integer(total_s));
	return 0;
}

/* The period asked for: [from, to), 24 hours up to now by default. */
static int period_of(struct ctx *ctx, const struct call *call,
		     struct period *w, struct err *err)
{
	const struct argval *from = call_arg(call, "from"), *to = call_arg(call, "to");
	long long n = call_arg_n(call, "points", HISTORY_POINTS_DEFAULT);

	w->to = to->present ? to->n : (long long)ctx->now;
	w->from = from->present ? from->n : w->to - HISTORY_DEFAULT_S;
	if (w->from >= w->to)
		return err_set(err, E_BAD_ARGUMENT, "from must be before to");
	if (w->to - w->from > HISTORY_MAX_S)
		return err_set(err, E_BAD_ARGUMENT, "a period of at most 93 days");
	w->bucket = (w->to - w->from + n - 1) / n;
	if (w->bucket < HISTORY_BUCKET_MIN_S)
		w->bucket = HISTORY_BUCKET_MIN_S;
	return 0;
}

HANDLER(h_device_history)
{
	const struct argval *dev = call_arg(call, "device");
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STRN(dev->s, dev->len) };
	struct period w;
	struct dbres r;

	if (period_of(ctx, call, &w, err) != 0 ||
	    db_query(ctx->db, sql_device, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no device '%s' in this facility",
			       dev->s);
	w.device_id = atoll(dbres_get(&r, 0, 0));
	w.low = dbres_get(&r, 0, 7) ? dbres_get(&r, 0, 5) : NULL;
	w.high = dbres_get(&r, 0, 7) ? dbres_get(&r, 0, 6) : NULL;
	json_object_set_new(data, "device", json_string(dev->s));
	json_object_set_new(data, "name", dbres_get(&r, 0, 2)
			    ? json_string(dbres_get(&r, 0, 2)) : json_null());
	json_object_set_new(data, "kind", json_string(dbres_get(&r, 0, 3)));
	json_object_set_new(data, "location", json_string(dbres_get(&r, 0, 4)));
	json_object_set_new(data, "unit", json_string(dbres_get(&r, 0, 1)));
	json_object_set_new(data, "range", portal_range_item(&r, 0, 5));
	json_object_set_new(data, "from", ts_json(w.from));
	json_object_set_new(data, "to", ts_json(w.to));
	json_object_set_new(data, "bucket_s", json_integer(w.bucket));
	if (points_and_stats(ctx, &w, data, err) != 0)
		return -1;
	return excursions(ctx, &w, data, err);
}
