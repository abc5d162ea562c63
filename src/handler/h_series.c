/* h_series — DASHBOARD.SERIES: every device's recent readings for the
 * dashboard's charts in one request (issue 10), down-sampled by the
 * database to a fixed number of time buckets per device.
 *
 * Each bucket keeps its minimum and maximum, so an excursion (a fridge
 * door left open for three minutes) shows at any zoom rather than being
 * averaged away. The buckets are aligned to multiples of their width, so
 * successive refreshes draw the same points. The work is a range scan of
 * readings' primary key (device, ts) per device over the window: it grows
 * with the readings in the window, never with the table. */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "handlers.h"
#include "timefmt.h"

#define SERIES_HOURS_DEFAULT 24
#define SERIES_POINTS_DEFAULT 144

static const char sql_series[] =
	"SELECT d.ext_id, d.unit, FLOOR((UNIX_TIMESTAMP(r.ts) - ?) / ?),"
	" MIN(r.value), MAX(r.value), COUNT(r.ts)"
	" FROM devices d LEFT JOIN readings r ON r.device_id = d.id"
	" AND r.ts >= FROM_UNIXTIME(?) AND r.ts < FROM_UNIXTIME(?)"
	" WHERE d.facility_id = ?"
	" GROUP BY d.id, d.ext_id, d.unit, 3 ORDER BY d.ext_id, 3 DESC";

static json_t *ts_json(long long t)
{
	char ts[TS_LEN + 1];

	ts_format((time_t)t, ts);
	return json_string(ts);
}

/* The series object of the device on row i, appended to out. */
static json_t *series_new(const struct dbres *r, size_t i, json_t *out)
{
	json_t *s = json_pack("{s:s,s:s,s:i,s:[]}", "device", dbres_get(r, i, 0),
			      "unit", dbres_get(r, i, 1), "readings", 0, "points");

	json_array_append_new(out, s);
	return s;
}

HANDLER(h_dashboard_series)
{
	const struct argval *h = call_arg(call, "hours"), *n = call_arg(call, "points");
	long long hours = h->present ? h->n : SERIES_HOURS_DEFAULT;
	long long points = n->present ? n->n : SERIES_POINTS_DEFAULT;
	long long bucket = hours * 3600 / points;
	long long to = ((long long)ctx->now / bucket + 1) * bucket;
	long long from = to - bucket * points;
	struct dbparam p[] = { P_INT(from), P_INT(bucket), P_INT(from), P_INT(to),
			       P_INT(ctx->facility_id) };
	json_t *out = json_array(), *s = NULL;
	const char *dev = NULL;
	struct dbres r;

	json_object_set_new(data, "series", out);
	if (db_query(ctx->db, sql_series, p, 5, ctx->arena, &r, err) != 0)
		return -1;
	json_object_set_new(data, "from", ts_json(from));
	json_object_set_new(data, "to", ts_json(to));
	json_object_set_new(data, "bucket_s", json_integer(bucket));
	for (size_t i = 0; i < r.nrows; i++) {
		const char *b = dbres_get(&r, i, 2);
		long long count = atoll(dbres_get(&r, i, 5));

		if (!dev || strcmp(dev, dbres_get(&r, i, 0)) != 0) {
			dev = dbres_get(&r, i, 0);
			s = series_new(&r, i, out);
		}
		if (!b || count == 0)
			continue;
		json_object_set_new(s, "readings", json_integer(
			json_integer_value(json_object_get(s, "readings")) + count));
		json_array_append_new(json_object_get(s, "points"), json_pack(
			"{s:o,s:f,s:f,s:I}", "ts", ts_json(from + atoll(b) * bucket),
			"min", strtod(dbres_get(&r, i, 3), NULL),
			"max", strtod(dbres_get(&r, i, 4), NULL), "n", (json_int_t)count));
	}
	return 0;
}
