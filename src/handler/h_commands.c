/* h_commands — the portal verbs that queue a command for the facility's
 * PCs (PROTOCOL.md §5): ALARM.ACK, ATTENDANCE.CLOCK, MESSAGE.POST,
 * REPORT.REQUEST. Each stores the PC's command line (pccmd.h, canonical
 * form) in the facility's queue (cmdqueue.h), writes the activity log in
 * the same transaction, and answers {"command": id, "line": line}.
 *
 * Free text (note, text) was screened for patient identifiers when it was
 * bound (bind.c, PROTOCOL.md §7), before any handler runs. */
#include <stdlib.h>
#include <string.h>
#include "actlog.h"
#include "cmdqueue.h"
#include "ctx.h"
#include "handlers.h"
#include "pccmd.h"
#include "timefmt.h"

static const char sql_alarm[] =
	"SELECT id FROM alarms WHERE facility_id = ? AND ext_id = ?";

static const char sql_alarm_acked[] =
	"UPDATE alarms SET ack_command_id = ?, ack_by = ?,"
	" ack_at = FROM_UNIXTIME(?) WHERE id = ? AND facility_id = ?";

static const char *arg_or_null(const struct call *call, const char *key)
{
	const struct argval *v = call_arg(call, key);

	return v->present ? v->s : NULL;
}

/* Queues the PC command and logs it as action on target; inside the
 * caller's transaction. */
static int enqueue(struct ctx *ctx, enum pccmd which, const char *const vals[],
		   const char *action, const char *target, json_t *data,
		   long long *id, struct err *err)
{
	const char *line = pccmd_line(which, vals, ctx->arena);

	if (!line)
		return err_set(err, E_INTERNAL, "cannot build %s", pccmd_name(which));
	if (cmdqueue_add(ctx->db, ctx->facility_id, line, ctx->user_name,
			 ctx->now, id, err) != 0 ||
	    actlog_write(ctx, "commands", action, target, line, err) != 0)
		return -1;
	json_object_set_new(data, "command", json_integer(*id));
	json_object_set_new(data, "line", json_string(line));
	ctx->commands_queued = 1;	/* the PCs hear of it (events.h) */
	return 0;
}

/* The simple case: one command, nothing else to change. */
static int enqueue_tx(struct ctx *ctx, enum pccmd which,
		      const char *const vals[], const char *action,
		      const char *target, json_t *data, struct err *err)
{
	long long id;

	if (db_begin(ctx->db, err) != 0)
		return -1;
	return db_end(ctx->db, enqueue(ctx, which, vals, action, target, data,
					     &id, err), err);
}

HANDLER(h_alarm_ack)
{
	const char *alarm = call_arg(call, "alarm")->s;
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STR(alarm) };
	const char *vals[] = { alarm, ctx->user_name, arg_or_null(call, "note") };
	long long id, alarm_id;
	struct dbres r;

	if (db_query(ctx->db, sql_alarm, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no alarm '%s' in this facility",
			       alarm);
	alarm_id = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	if (db_begin(ctx->db, err) != 0)
		return -1;
	int rc = enqueue(ctx, PCCMD_ALARM_ACK, vals, "alarm.ack", alarm, data,
			 &id, err);
	if (rc == 0) {
		struct dbparam u[] = {
			P_INT(id), P_STR(ctx->user_name), P_INT(ctx->now),
			P_INT(alarm_id), P_INT(ctx->facility_id),
		};
		rc = db_exec(ctx->db, sql_alarm_acked, u, 5, NULL, NULL, err);
	}
	return db_end(ctx->db, rc, err);
}

HANDLER(h_attendance_clock)
{
	char ts[TS_LEN + 1];
	const char *action = call_arg(call, "action")->s;

	ts_format(ctx->now, ts);
	const char *vals[] = { action, ctx->user_name, ts };
	return enqueue_tx(ctx, PCCMD_ATTENDANCE_CLOCK, vals,
			  strcmp(action, "in") == 0 ? "attendance.in"
						    : "attendance.out",
			  ctx->user_name, data, err);
}

HANDLER(h_message_post)
{
	const char *board = call_arg(call, "board")->s;
	const char *vals[] = { board, ctx->user_name, call_arg(call, "text")->s };

	return enqueue_tx(ctx, PCCMD_MESSAGE_POST, vals, "message.post", board,
			  data, err);
}

HANDLER(h_report_request)
{
	const char *kind = call_arg(call, "kind")->s;
	const char *vals[] = { kind, ctx->user_name };

	return enqueue_tx(ctx, PCCMD_REPORT_REQUEST, vals, "report.request",
			  kind, data, err);
}
