/* h_sync — handlers of the PC sync verbs (PROTOCOL.md §6).
 *
 * Every statement is scoped by ctx->facility_id, the facility of the sync
 * key, so a PC never reads or writes another facility's rows. Pushes are
 * idempotent: the same line again converges to the same state (readings
 * and queue history keep the first value for a time; current states keep
 * the newest). A batch runs inside the pipeline's transaction; handlers
 * never commit on their own. The command queue and the daily sync have
 * their own modules (cmdqueue.c, dailysync.c). */
#include <string.h>
#include "cmdqueue.h"
#include "authn.h"
#include "ctx.h"
#include "dailysync.h"
#include "handlers.h"
#include "syncmail.h"
#include "timefmt.h"

/* An absent unit, name or range keeps what is stored (a PC that never
 * sends them still gets C and no range). */
static const char sql_device_upsert[] =
	"INSERT INTO devices (facility_id, ext_id, kind, location, unit, "
	"name, pc_low, pc_high, created_at, updated_at) "
	"VALUES (?, ?, ?, ?, COALESCE(?, 'C'), ?, ?, ?, FROM_UNIXTIME(?), "
	"FROM_UNIXTIME(?)) "
	"ON DUPLICATE KEY UPDATE "
	"updated_at = IF(kind = VALUES(kind) AND location = VALUES(location) "
	"AND (? IS NULL OR unit = VALUES(unit)) "
	"AND (? IS NULL OR name <=> VALUES(name)) "
	"AND (? = 0 OR (pc_low <=> VALUES(pc_low) AND pc_high <=> VALUES(pc_high))), "
	"updated_at, VALUES(updated_at)), "
	"kind = VALUES(kind), location = VALUES(location), "
	"unit = IF(? IS NULL, unit, VALUES(unit)), "
	"name = IF(? IS NULL, name, VALUES(name)), "
	"pc_low = IF(? = 0, pc_low, VALUES(pc_low)), "
	"pc_high = IF(? = 0, pc_high, VALUES(pc_high))";

static const char sql_device_exists[] =
	"SELECT id FROM devices WHERE facility_id = ? AND ext_id = ?";

/* The same device and time again is a no-op that keeps the first value. */
static const char sql_reading_push[] =
	"INSERT INTO readings (device_id, ts, value) "
	"SELECT id, FROM_UNIXTIME(?), ? / 100 FROM devices "
	"WHERE facility_id = ? AND ext_id = ? "
	"ON DUPLICATE KEY UPDATE device_id = device_id";

static const char sql_queue_upsert[] =
	"INSERT INTO queues (facility_id, ext_id, length, wait_min, ts, created_at) "
	"VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))"
	SQL_QUEUE_NEWEST_WINS;

static const char sql_queue_history[] =
	"INSERT INTO queue_history (queue_id, ts, length, wait_min) "
	"SELECT id, FROM_UNIXTIME(?), ?, ? FROM queues "
	"WHERE facility_id = ? AND ext_id = ? "
	"ON DUPLICATE KEY UPDATE queue_id = queue_id";

/* An older state never overwrites a newer one; ts is assigned last so the
 * conditions before it still see the stored time. */
static const char sql_alarm_push[] =
	"INSERT INTO alarms (facility_id, ext_id, device_id, status, severity, "
	"ts, message, created_at, updated_at) "
	"SELECT ?, ?, d.id, ?, ?, FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), "
	"FROM_UNIXTIME(?) FROM devices d WHERE d.facility_id = ? AND d.ext_id = ? "
	"ON DUPLICATE KEY UPDATE "
	"updated_at = IF(VALUES(ts) > alarms.ts, VALUES(updated_at), alarms.updated_at), "
	"device_id = IF(VALUES(ts) >= alarms.ts, VALUES(device_id), alarms.device_id), "
	"status = IF(VALUES(ts) >= alarms.ts, VALUES(status), alarms.status), "
	"severity = IF(VALUES(ts) >= alarms.ts, VALUES(severity), alarms.severity), "
	"message = IF(VALUES(ts) >= alarms.ts, VALUES(message), alarms.message), "
	"ts = GREATEST(alarms.ts, VALUES(ts))";

/* A bound text or id argument as a parameter; NULL when absent. */
static struct dbparam arg_param(const struct call *call, const char *key)
{
	const struct argval *v = call_arg(call, key);

	return v->present ? P_STRN(v->s, v->len) : P_NULL;
}

static const char *arg_str(const struct call *call, const char *key)
{
	const struct argval *v = call_arg(call, key);

	return v->present ? v->s : NULL;
}

static long long arg_int(const struct call *call, const char *key)
{
	return call_arg(call, key)->n;
}

static int device_known(struct ctx *ctx, const struct call *call,
			struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id), arg_param(call, "device") };
	struct dbres r;

	if (db_query(ctx->db, sql_device_exists, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows == 0)
		return err_set(err, E_NOT_FOUND, "no device '%s' in this facility",
			       arg_str(call, "device"));
	return 0;
}

HANDLER(h_ping)
{
	char ts[TS_LEN + 1];

	(void)call;
	(void)err;
	ts_format(ctx->now, ts);
	json_object_set_new(data, "time", json_string(ts));
	return 0;
}

HANDLER(h_device_upsert)
{
	const struct argval *lo = call_arg(call, "low"), *hi = call_arg(call, "high");
	struct dbparam unit = arg_param(call, "unit");
	struct dbparam name = arg_param(call, "name");
	/* low and high travel together: either one sent restates the range */
	long long ranged = lo->present || hi->present;
	struct dbparam p[] = {
		P_INT(ctx->facility_id), arg_param(call, "device"),
		arg_param(call, "kind"), arg_param(call, "location"), unit, name,
		arg_param(call, "low"), arg_param(call, "high"),
		P_INT((long long)ctx->now), P_INT((long long)ctx->now),
		unit, name, P_INT(ranged), unit, name, P_INT(ranged), P_INT(ranged),
	};

	if (lo->present && hi->present && lo->n >= hi->n)
		return err_set(err, E_BAD_ARGUMENT, "low must be below high");
	if (db_exec(ctx->db, sql_device_upsert, p, 17, NULL, NULL, err) != 0)
		return -1;
	json_object_set_new(data, "device", json_string(arg_str(call, "device")));
	return 0;
}

HANDLER(h_reading_push)
{
	struct dbparam p[] = {
		P_INT(arg_int(call, "ts")), P_INT(arg_int(call, "value")),
		P_INT(ctx->facility_id), arg_param(call, "device"),
	};
	unsigned long long n = 0;

	if (db_exec(ctx->db, sql_reading_push, p, 4, &n, NULL, err) != 0)
		return -1;
	/* Nothing written: a retry of a stored reading, or no such device. */
	if (n == 0 && device_known(ctx, call, err) != 0)
		return -1;
	json_object_set_new(data, "stored", json_boolean(n == 1));
	return 0;
}

HANDLER(h_queue_push)
{
	long long ts = arg_int(call, "ts");
	struct dbparam q[] = {
		P_INT(ctx->facility_id), arg_param(call, "queue"),
		P_INT(arg_int(call, "length")), P_INT(arg_int(call, "wait_min")),
		P_INT(ts), P_INT((long long)ctx->now),
	};
	struct dbparam h[] = {
		P_INT(ts), P_INT(arg_int(call, "length")),
		P_INT(arg_int(call, "wait_min")), P_INT(ctx->facility_id),
		arg_param(call, "queue"),
	};

	if (db_begin(ctx->db, err) != 0)
		return -1;
	if (db_exec(ctx->db, sql_queue_upsert, q, 6, NULL, NULL, err) != 0 ||
	    db_exec(ctx->db, sql_queue_history, h, 5, NULL, NULL, err) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	if (db_commit(ctx->db, err) != 0)
		return -1;
	json_object_set_new(data, "queue", json_string(arg_str(call, "queue")));
	return 0;
}

HANDLER(h_alarm_push)
{
	long long now = (long long)ctx->now;
	struct dbparam p[] = {
		P_INT(ctx->facility_id), arg_param(call, "alarm"),
		arg_param(call, "status"), arg_param(call, "severity"),
		P_INT(arg_int(call, "ts")), arg_param(call, "message"),
		P_INT(now), P_INT(now), P_INT(ctx->facility_id),
		arg_param(call, "device"),
	};
	unsigned long long n = 0;

	if (db_exec(ctx->db, sql_alarm_push, p, 10, &n, NULL, err) != 0)
		return -1;
	if (n == 0 && device_known(ctx, call, err) != 0)
		return -1;
	json_object_set_new(data, "alarm", json_string(arg_str(call, "alarm")));
	return 0;
}

static long long conf_int(const struct ctx *ctx, const char *key,
			  long long dflt, long long min)
{
	long long v = ctx->conf ? conf_get_int(ctx->conf, "sync", key, dflt) : dflt;

	return v < min ? dflt : v;
}

HANDLER(h_command_poll)
{
	const struct argval *max = call_arg(call, "max");
	long long lease = conf_int(ctx, "lease_s", CMDQUEUE_LEASE_S, 1);
	int n = max->present ? (int)max->n : CMDQUEUE_POLL_MAX;
	json_t *list = json_array();
	int due, rc;

	json_object_set_new(data, "commands", list);
	/* Alone in its request, the poll proves the key itself (VF_SELF_AUTH)
	 * and learns in the same statement whether anything is due. */
	if (ctx->role != ROLE_PC) {
		if (authn_sync_key_due(ctx, &due, err) != 0)
			return -1;
		if (!due) {
			ctx->quiet = 1;
			return 0;
		}
		rc = cmdqueue_take(ctx->db, ctx->arena, ctx->facility_id,
				   ctx->pc_id, ctx->now, lease, n, list, err);
	} else {
		rc = cmdqueue_poll(ctx->db, ctx->arena, ctx->facility_id,
				   ctx->pc_id, ctx->now, lease, n, list, err);
	}
	if (rc == 0 && json_array_size(list) == 0)
		ctx->quiet = 1;
	return rc;
}

HANDLER(h_command_ack)
{
	long long id = arg_int(call, "id");
	const char *status;
	int settled;

	if (cmdqueue_ack(ctx->db, ctx->arena, ctx->facility_id, ctx->pc_id, id,
			 strcmp(arg_str(call, "status"), "failed") == 0,
			 arg_str(call, "result"), ctx->now, &settled, &status,
			 err) != 0)
		return -1;
	json_object_set_new(data, "id", json_integer(id));
	json_object_set_new(data, "status", json_string(status));
	json_object_set_new(data, "settled", json_boolean(settled));
	/* The portal hears of it (events.h); a repeated ack says nothing new. */
	if (settled) {
		if (!ctx->settled)
			ctx->settled = json_array();
		json_array_append_new(ctx->settled, json_pack("{sIss}", "id",
				      (json_int_t)id, "status", status));
	}
	return 0;
}

HANDLER(h_dailysync_claim)
{
	const char *date = arg_str(call, "date");
	int takeover;

	if (dailysync_claim(ctx->db, ctx->arena, ctx->facility_id, date,
			    ctx->pc_id, ctx->now,
			    conf_int(ctx, "daily_lease_s", DAILYSYNC_LEASE_S, 1),
			    &takeover, err) != 0)
		return -1;
	json_object_set_new(data, "claimed", json_true());
	json_object_set_new(data, "date", json_string(date));
	json_object_set_new(data, "takeover", json_boolean(takeover));
	return 0;
}

/* Ends a report's transaction; mailed says whether admins were mailed. */
static int report_end(struct ctx *ctx, int rc, json_t *data, int mailed,
		      struct err *err)
{
	if (rc != 0 || db_commit(ctx->db, err) != 0) {
		db_rollback(ctx->db);
		return -1;
	}
	json_object_set_new(data, "recorded", json_true());
	json_object_set_new(data, "mailed", json_boolean(mailed));
	return 0;
}

/* A failed daily sync without an `errors` text still needs a message:
 * the sync log's hash of it is what limits the mails to one an hour. */
#define DAILY_ERROR_DEFAULT "the daily sync failed (no details reported)"

HANDLER(h_dailysync_report)
{
	const char *date = arg_str(call, "date");
	int error = strcmp(arg_str(call, "status"), "error") == 0;
	int due = 0, sent = 0;
	const char *errors = arg_str(call, "errors");
	struct syncmail_report m = {
		.kind = "daily", .date = date, .trace = arg_str(call, "trace"),
		.message = errors ? errors : DAILY_ERROR_DEFAULT,
	};

	if (error && !errors)
		errors = DAILY_ERROR_DEFAULT;
	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = (error && syncmail_claim(ctx, m.message, &due, err) != 0) ||
		 dailysync_report(ctx->db, ctx->arena, ctx->facility_id, date,
				  ctx->pc_id, error, errors, m.trace, ctx->now,
				  err) != 0 ||
		 (due && syncmail_send(ctx, &m, &sent, err) != 0);
	if (report_end(ctx, rc, data, sent > 0, err) != 0)
		return -1;
	json_object_set_new(data, "date", json_string(date));
	return 0;
}

HANDLER(h_error_report)
{
	struct syncmail_report m = {
		.kind = "error", .message = arg_str(call, "message"),
		.trace = arg_str(call, "trace"), .version = arg_str(call, "version"),
	};
	int due = 0, sent = 0;

	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = syncmail_claim(ctx, m.message, &due, err) != 0 ||
		 synclog_error(ctx->db, ctx->facility_id, ctx->pc_id, m.message,
			       m.trace, m.version, ctx->now, err) != 0 ||
		 (due && syncmail_send(ctx, &m, &sent, err) != 0);
	return report_end(ctx, rc, data, sent > 0, err);
}
