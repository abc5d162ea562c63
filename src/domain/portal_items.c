/* portal_items — see portal_items.h. One query per list: the latest
 * reading of every device comes from a correlated MAX(ts), an index dive
 * on readings' primary key per device, not a scan. */
#include <stdlib.h>
#include <string.h>
#include "portal_items.h"
#include "timefmt.h"

#define ALARMS_MAX 500

static const char sql_devices[] =
	"SELECT d.ext_id, d.kind, d.location, d.unit, r.ts, r.value, d.name, "
	PORTAL_RANGE_COLS ", d.pc_low, d.pc_high"
	" FROM devices d LEFT JOIN readings r ON r.device_id = d.id"
	" AND r.ts = (SELECT MAX(x.ts) FROM readings x WHERE x.device_id = d.id)"
	" WHERE d.facility_id = ? ORDER BY d.id DESC";

/* quiet_s by the server's clock: the portal tells a PC gone quiet by it,
 * not by the clock of the device it runs on. */
static const char sql_pcs[] =
	"SELECT pc_id, MAX(ts), GREATEST(0, TIMESTAMPDIFF(SECOND, MAX(ts),"
	" FROM_UNIXTIME(?))) FROM request_log"
	" WHERE facility_id = ? AND pc_id IS NOT NULL"
	" GROUP BY pc_id ORDER BY MAX(ts) DESC";

static const char sql_queues[] =
	"SELECT ext_id, length, wait_min, ts FROM queues"
	" WHERE facility_id = ? ORDER BY ts DESC, id DESC";

/* An acknowledgement older than the alarm's current state belongs to an
 * earlier occurrence (see schema/004_portal.sql). */
static const char sql_alarms[] =
	"SELECT a.ext_id, d.ext_id, a.status, a.severity, a.ts, a.message,"
	" a.ack_by, a.ack_at, c.id, c.status"
	" FROM alarms a JOIN devices d ON d.id = a.device_id"
	" LEFT JOIN commands c ON c.id = a.ack_command_id AND a.ack_at >= a.ts"
	" WHERE a.facility_id = ? AND (? = 0 OR a.status = 'active')"
	" ORDER BY a.ts DESC, a.id DESC LIMIT ?";

static const char sql_commands[] =
	"SELECT id, line, issuer, status, created_at, delivered_at, settled_at,"
	" result FROM commands WHERE facility_id = ?"
	" AND (? = 'any' OR status = ?"
	" OR (? = 'open' AND status IN ('pending', 'delivered')))"
	" ORDER BY id DESC LIMIT ?";

static const char sql_command[] =
	"SELECT id, line, issuer, status, created_at, delivered_at, settled_at,"
	" result FROM commands WHERE facility_id = ? AND id = ?";

json_t *portal_ts(const char *db)
{
	char ts[TS_LEN + 1];

	if (!db || ts_from_db(db, ts) != 0)
		return json_null();
	return json_string(ts);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* {min, max} of two DECIMAL texts, either NULL for an open side. */
static json_t *bounds_json(const char *lo, const char *hi)
{
	return json_pack("{s:o,s:o}",
			 "min", lo ? json_real(strtod(lo, NULL)) : json_null(),
			 "max", hi ? json_real(strtod(hi, NULL)) : json_null());
}

json_t *portal_range_item(const struct dbres *r, size_t i, size_t col)
{
	const char *source = dbres_get(r, i, col + 2);
	json_t *j;

	if (!source)
		return json_null();
	j = bounds_json(dbres_get(r, i, col), dbres_get(r, i, col + 1));
	json_object_set_new(j, "source", json_string(source));
	return j;
}

int portal_range_out(const struct dbres *r, size_t i, size_t col, double v)
{
	const char *lo = dbres_get(r, i, col), *hi = dbres_get(r, i, col + 1);

	return (lo && v < strtod(lo, NULL)) || (hi && v > strtod(hi, NULL));
}

/* The PC's own range, shown beside an admin's override. */
static json_t *pc_range_item(const struct dbres *r, size_t i)
{
	const char *lo = dbres_get(r, i, 10), *hi = dbres_get(r, i, 11);

	return lo || hi ? bounds_json(lo, hi) : json_null();
}

static json_t *device_item(const struct dbres *r, size_t i)
{
	const char *value = dbres_get(r, i, 5);
	json_t *latest = json_null();

	if (value) {
		double v = strtod(value, NULL);
		latest = json_pack("{s:o,s:f,s:b}",
				   "ts", portal_ts(dbres_get(r, i, 4)),
				   "value", v,
				   "out_of_range", portal_range_out(r, i, 7, v));
	}
	return json_pack("{s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:o}",
			 "device", dbres_get(r, i, 0),
			 "name", str_or_null(dbres_get(r, i, 6)),
			 "kind", dbres_get(r, i, 1),
			 "location", dbres_get(r, i, 2),
			 "unit", dbres_get(r, i, 3),
			 "range", portal_range_item(r, i, 7),
			 "pc_range", pc_range_item(r, i),
			 "latest", latest);
}

int portal_devices(struct ctx *ctx, json_t *out, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id) };
	struct dbres r;

	if (db_query(ctx->db, sql_devices, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, device_item(&r, i));
	return 0;
}

int portal_pcs(struct ctx *ctx, json_t *out, struct err *err)
{
	struct dbparam p[] = { P_INT((long long)ctx->now), P_INT(ctx->facility_id) };
	struct dbres r;

	if (db_query(ctx->db, sql_pcs, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, json_pack("{s:s,s:o,s:I}",
			"pc", dbres_get(&r, i, 0),
			"last_seen", portal_ts(dbres_get(&r, i, 1)),
			"quiet_s", (json_int_t)strtoll(dbres_get(&r, i, 2), NULL, 10)));
	return 0;
}

int portal_queues(struct ctx *ctx, json_t *out, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id) };
	struct dbres r;

	if (db_query(ctx->db, sql_queues, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, json_pack("{s:s,s:I,s:I,s:o}",
			"queue", dbres_get(&r, i, 0),
			"length", (json_int_t)atoll(dbres_get(&r, i, 1)),
			"wait_min", (json_int_t)atoll(dbres_get(&r, i, 2)),
			"ts", portal_ts(dbres_get(&r, i, 3))));
	return 0;
}

static json_t *alarm_item(const struct dbres *r, size_t i)
{
	json_t *ack = json_null();

	if (dbres_get(r, i, 8))
		ack = json_pack("{s:s?,s:o,s:I,s:s}",
				"user", dbres_get(r, i, 6),
				"ts", portal_ts(dbres_get(r, i, 7)),
				"command", (json_int_t)atoll(dbres_get(r, i, 8)),
				"status", dbres_get(r, i, 9));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}",
			 "alarm", dbres_get(r, i, 0), "device", dbres_get(r, i, 1),
			 "status", dbres_get(r, i, 2),
			 "severity", dbres_get(r, i, 3),
			 "ts", portal_ts(dbres_get(r, i, 4)),
			 "message", str_or_null(dbres_get(r, i, 5)),
			 "ack", ack);
}

int portal_alarms(struct ctx *ctx, int active_only, json_t *out,
		  struct err *err)
{
	struct dbparam p[] = {
		P_INT(ctx->facility_id), P_INT(active_only), P_INT(ALARMS_MAX),
	};
	struct dbres r;

	if (db_query(ctx->db, sql_alarms, p, 3, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, alarm_item(&r, i));
	return 0;
}

static json_t *command_item(const struct dbres *r, size_t i)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:o,s:o,s:o,s:o}",
			 "id", (json_int_t)atoll(dbres_get(r, i, 0)),
			 "line", dbres_get(r, i, 1),
			 "user", str_or_null(dbres_get(r, i, 2)),
			 "status", dbres_get(r, i, 3),
			 "ts", portal_ts(dbres_get(r, i, 4)),
			 "delivered", portal_ts(dbres_get(r, i, 5)),
			 "settled", portal_ts(dbres_get(r, i, 6)),
			 "result", str_or_null(dbres_get(r, i, 7)));
}

int portal_commands(struct ctx *ctx, const char *status, long long limit,
		    json_t *out, struct err *err)
{
	const char *s = status ? status : "any";
	struct dbparam p[] = {
		P_INT(ctx->facility_id), P_STR(s), P_STR(s), P_STR(s),
		P_INT(limit),
	};
	struct dbres r;

	if (db_query(ctx->db, sql_commands, p, 5, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, command_item(&r, i));
	return 0;
}

json_t *portal_command(struct ctx *ctx, long long id, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id), P_INT(id) };
	struct dbres r;

	if (db_query(ctx->db, sql_command, p, 2, ctx->arena, &r, err) != 0)
		return NULL;
	if (r.nrows != 1) {
		err_set(err, E_NOT_FOUND, "no command %lld in this facility", id);
		return NULL;
	}
	return command_item(&r, 0);
}
