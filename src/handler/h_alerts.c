/* h_alerts — the admin's alert views of /api/portal (issue 12, alert.h):
 * ALERT.LIST, ALERT.ACK, ALERT.RULES, ALERT.RULE.SET. Scoped to the
 * caller's facility; an acknowledgement and a change of the mail choice
 * are written to the activity log. */
#include <stdlib.h>
#include <string.h>
#include "actlog.h"
#include "alert.h"
#include "ctx.h"
#include "handlers.h"
#include "portal_items.h"

#define ALERT_LIMIT_DEFAULT 100

static const char sql_list[] =
	"SELECT id, rule, subject, detail, first_at, last_at, occurrences,"
	" mailed, acked_by, acked_at FROM alerts WHERE facility_id = ?"
	" AND (? = 0 OR acked_at IS NULL) ORDER BY id DESC LIMIT ?";

static const char sql_ack[] =
	"UPDATE alerts SET acked_by = ?, acked_at = FROM_UNIXTIME(?)"
	" WHERE id = ? AND facility_id = ? AND acked_at IS NULL";

static const char sql_exists[] =
	"SELECT 1 FROM alerts WHERE id = ? AND facility_id = ?";

static const char sql_rules[] =
	"SELECT rule, mail FROM alert_rule_mail WHERE facility_id = ?";

static const char sql_rule_set[] =
	"INSERT INTO alert_rule_mail (facility_id, rule, mail, updated_at)"
	" VALUES (?, ?, ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE"
	" mail = VALUES(mail), updated_at = VALUES(updated_at)";

static json_t *ts_or_null(const char *db)
{
	return db ? portal_ts(db) : json_null();
}

static json_t *alert_item(const struct dbres *r, size_t i)
{
	const char *by = dbres_get(r, i, 8);

	return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:I,s:I,s:b,s:o,s:o}",
		"id", (json_int_t)strtoll(dbres_get(r, i, 0), NULL, 10),
		"rule", dbres_get(r, i, 1),
		"subject", dbres_get(r, i, 2),
		"detail", dbres_get(r, i, 3),
		"ts", ts_or_null(dbres_get(r, i, 4)),
		"last_ts", ts_or_null(dbres_get(r, i, 5)),
		"count", (json_int_t)strtoll(dbres_get(r, i, 6), NULL, 10),
		"mailed", (json_int_t)strtoll(dbres_get(r, i, 7), NULL, 10),
		"acknowledged", by != NULL,
		"acknowledged_by", by ? json_string(by) : json_null(),
		"acknowledged_ts", ts_or_null(dbres_get(r, i, 9)));
}

HANDLER(h_alert_list)
{
	const struct argval *st = call_arg(call, "status");
	const struct argval *lim = call_arg(call, "limit");
	int open_only = !st->present || st->n == 0;
	struct dbparam p[] = { P_INT(ctx->facility_id), P_INT(open_only),
			       P_INT(lim->present ? lim->n : ALERT_LIMIT_DEFAULT) };
	json_t *alerts = json_array();
	struct dbres r;

	json_object_set_new(data, "alerts", alerts);
	if (db_query(ctx->db, sql_list, p, 3, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(alerts, alert_item(&r, i));
	return 0;
}

HANDLER(h_alert_ack)
{
	long long id = call_arg(call, "id")->n;
	struct dbparam p[] = { P_STR(ctx->user_name), P_INT((long long)ctx->now),
			       P_INT(id), P_INT(ctx->facility_id) };
	struct dbparam q[] = { P_INT(id), P_INT(ctx->facility_id) };
	unsigned long long n = 0;
	struct dbres r;

	if (db_exec(ctx->db, sql_ack, p, 4, &n, NULL, err) != 0)
		return -1;
	if (n == 0) {
		/* Acknowledged before (nothing to do) or not this facility's. */
		if (db_query(ctx->db, sql_exists, q, 2, ctx->arena, &r, err) != 0)
			return -1;
		if (r.nrows == 0)
			return err_set(err, E_NOT_FOUND, "no such alert");
	}
	json_object_set_new(data, "id", json_integer(id));
	json_object_set_new(data, "acknowledged", json_true());
	if (n == 0)
		return 0;
	return actlog_write(ctx, "alerts", "alert.ack",
			    arena_printf(ctx->arena, "%lld", id), NULL, err);
}

static int rule_mails(const struct dbres *r, const char *rule)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(dbres_get(r, i, 0), rule) == 0)
			return strcmp(dbres_get(r, i, 1), "0") != 0;
	return 1;
}

static int rules_answer(struct ctx *ctx, json_t *data, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id) };
	json_t *rules = json_array();
	struct dbres r;

	json_object_set_new(data, "rules", rules);
	if (db_query(ctx->db, sql_rules, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	for (int i = 0; i < ALERT_RULES; i++) {
		const char *name = alert_rule_name((enum alert_rule)i);
		json_array_append_new(rules, json_pack("{s:s,s:s,s:b}",
			"rule", name, "description",
			alert_rule_doc((enum alert_rule)i),
			"mail", rule_mails(&r, name)));
	}
	return 0;
}

HANDLER(h_alert_rules)
{
	(void)call;
	return rules_answer(ctx, data, err);
}

HANDLER(h_alert_rule_set)
{
	const struct argval *rule = call_arg(call, "rule");
	int mail = (int)call_arg(call, "mail")->n;
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STR(rule->s),
			       P_INT(mail) };

	if (db_exec(ctx->db, sql_rule_set, p, 3, NULL, NULL, err) != 0 ||
	    actlog_write(ctx, "alerts", "alert.rule.set", rule->s,
			 mail ? "mail=1" : "mail=0", err) != 0)
		return -1;
	return rules_answer(ctx, data, err);
}
