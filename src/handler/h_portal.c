/* h_portal — the reading verbs of /api/portal (PROTOCOL.md §5):
 * DASHBOARD, DEVICE.LIST, READINGS, QUEUE.LIST, ALARM.LIST, COMMAND.LIST,
 * COMMAND.GET. All read only the caller's facility: another facility's
 * device or command is NOT_FOUND.
 *
 * Reads are not written to the activity log: the portal refreshes them on
 * a timer, they show no patient data, and the request log already records
 * each one with its user. The actions (h_commands.c) and the audit views
 * (h_audit.c) are logged. */
#include <stdlib.h>
#include "actlog.h"
#include "arena.h"
#include "ctx.h"
#include "handlers.h"
#include "portal_items.h"

#define READINGS_LIMIT_DEFAULT 1000
#define COMMANDS_LIMIT_DEFAULT 100
#define DASHBOARD_COMMANDS 20

static const char sql_device[] =
	"SELECT d.id, d.unit, d.name, " PORTAL_RANGE_COLS
	" FROM devices d WHERE d.facility_id = ? AND d.ext_id = ?";

/* An admin's override; both NULL clears it (the PC's range again). */
static const char sql_device_range[] =
	"UPDATE devices SET admin_low = ?, admin_high = ?, range_by = ?,"
	" range_at = FROM_UNIXTIME(?) WHERE facility_id = ? AND ext_id = ?";

static const char sql_readings[] =
	"SELECT ts, value FROM readings WHERE device_id = ?"
	" AND ts >= FROM_UNIXTIME(?) AND (? = 0 OR ts <= FROM_UNIXTIME(?))"
	" ORDER BY ts DESC LIMIT ?";

/* Adds a new array under key to data and returns it (data owns it). */
static json_t *list(json_t *data, const char *key)
{
	json_t *a = json_array();

	json_object_set_new(data, key, a);
	return a;
}

HANDLER(h_dashboard)
{
	(void)call;
	if (portal_queues(ctx, list(data, "queues"), err) != 0 ||
	    portal_alarms(ctx, 1, list(data, "alarms"), err) != 0 ||
	    portal_devices(ctx, list(data, "devices"), err) != 0 ||
	    portal_pcs(ctx, list(data, "pcs"), err) != 0)
		return -1;
	return portal_commands(ctx, "open", DASHBOARD_COMMANDS,
			       list(data, "commands"), err);
}

HANDLER(h_device_list)
{
	(void)call;
	return portal_devices(ctx, list(data, "devices"), err);
}

HANDLER(h_queue_list)
{
	(void)call;
	return portal_queues(ctx, list(data, "queues"), err);
}

HANDLER(h_alarm_list)
{
	const struct argval *st = call_arg(call, "status");
	/* status is active (index 0, the default) or all */
	int active_only = !st->present || st->n == 0;

	return portal_alarms(ctx, active_only, list(data, "alarms"), err);
}

static int readings_rows(struct ctx *ctx, const struct call *call,
			 long long device_id, json_t *out, struct err *err)
{
	const struct argval *from = call_arg(call, "from");
	const struct argval *to = call_arg(call, "to");
	const struct argval *limit = call_arg(call, "limit");
	long long t = to->present ? to->n : 0;
	struct dbparam p[] = {
		P_INT(device_id), P_INT(from->present ? from->n : 0),
		P_INT(t), P_INT(t),
		P_INT(limit->present ? limit->n : READINGS_LIMIT_DEFAULT),
	};
	struct dbres r;

	if (db_query(ctx->db, sql_readings, p, 5, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, json_pack("{s:o,s:f}",
			"ts", portal_ts(dbres_get(&r, i, 0)),
			"value", strtod(dbres_get(&r, i, 1), NULL)));
	return 0;
}

HANDLER(h_readings)
{
	const struct argval *dev = call_arg(call, "device");
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STRN(dev->s, dev->len) };
	struct dbres r;

	if (db_query(ctx->db, sql_device, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no device '%s' in this facility",
			       dev->s);
	json_object_set_new(data, "device", json_string(dev->s));
	json_object_set_new(data, "unit", json_string(dbres_get(&r, 0, 1)));
	json_object_set_new(data, "name", dbres_get(&r, 0, 2)
			    ? json_string(dbres_get(&r, 0, 2)) : json_null());
	json_object_set_new(data, "range", portal_range_item(&r, 0, 3));
	return readings_rows(ctx, call, atoll(dbres_get(&r, 0, 0)),
			     list(data, "readings"), err);
}

/* "low..high" with an empty side for an open bound, for the activity log. */
static const char *range_text(struct ctx *ctx, const struct argval *lo,
			      const struct argval *hi)
{
	if (!lo->present && !hi->present)
		return "cleared: the PC's range again";
	return arena_printf(ctx->arena, "%s..%s", lo->present ? lo->s : "",
			    hi->present ? hi->s : "");
}

HANDLER(h_device_range)
{
	const struct argval *dev = call_arg(call, "device");
	const struct argval *lo = call_arg(call, "low");
	const struct argval *hi = call_arg(call, "high");
	struct dbparam p[] = {
		lo->present ? P_STRN(lo->s, lo->len) : P_NULL,
		hi->present ? P_STRN(hi->s, hi->len) : P_NULL,
		P_STR(ctx->user_name), P_INT((long long)ctx->now),
		P_INT(ctx->facility_id), P_STRN(dev->s, dev->len),
	};
	struct dbparam q[] = { P_INT(ctx->facility_id), P_STRN(dev->s, dev->len) };
	struct dbres r;

	if (lo->present && hi->present && lo->n >= hi->n)
		return err_set(err, E_BAD_ARGUMENT, "low must be below high");
	if (db_query(ctx->db, sql_device, q, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no device '%s' in this facility",
			       dev->s);
	/* The change and its log entry together, or neither. */
	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = db_exec(ctx->db, sql_device_range, p, 6, NULL, NULL, err) != 0 ||
		 actlog_write(ctx, "device", "device.range", dev->s,
			      range_text(ctx, lo, hi), err) != 0 ||
		 db_query(ctx->db, sql_device, q, 2, ctx->arena, &r, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	json_object_set_new(data, "device", json_string(dev->s));
	json_object_set_new(data, "range", portal_range_item(&r, 0, 3));
	return 0;
}

HANDLER(h_command_list)
{
	static const char *const states[] = {
		"pending", "delivered", "done", "failed", NULL };
	const struct argval *st = call_arg(call, "status");
	const struct argval *limit = call_arg(call, "limit");
	const char *status = NULL;

	if (st->present && st->n < 4)
		status = states[st->n];
	return portal_commands(ctx, status,
			       limit->present ? limit->n : COMMANDS_LIMIT_DEFAULT,
			       list(data, "commands"), err);
}

HANDLER(h_command_get)
{
	json_t *c = portal_command(ctx, call_arg(call, "id")->n, err);

	if (!c)
		return -1;
	json_object_update(data, c);
	json_decref(c);
	return 0;
}
