/* h_audit — the admin's audit views of /api/portal (PROTOCOL.md §5):
 * AUDIT.ACTIVITY, AUDIT.REQUESTS, AUDIT.PHI and SYNC.LOG (AUDIT.LOGINS is in
 * h_users.c). Newest first, scoped to the caller's facility, `limit`
 * 100 by default. Reading the audit trail is itself an action an admin
 * could be asked about, so each view is written to the activity log
 * (timer-driven refreshes excepted). */
#include <stdlib.h>
#include "actlog.h"
#include "audit_page.h"
#include "ctx.h"
#include "handlers.h"
#include "portal_items.h"

static const char sql_activity[] =
	"SELECT ts, user_name, module, action, target, detail, address, id"
	" FROM activity_log WHERE facility_id = ?"
	" AND (? IS NULL OR user_name = ?)" AUDIT_PAGE_SQL;

static const char sql_requests[] =
	"SELECT ts, request_id, endpoint, verb, params, user_name, pc_id,"
	" address, status, code, duration_us, phi_rule, id FROM request_log"
	" WHERE facility_id = ? AND (? IS NULL OR user_name = ?)" AUDIT_PAGE_SQL;

/* One row per day, PC, user and rule: how often patient data was typed,
 * never what. */
static const char sql_phi[] =
	"SELECT DATE(ts) AS day, pc_id, user_name, phi_rule, COUNT(*) AS n"
	" FROM request_log WHERE facility_id = ? AND code = 'PHI_REJECTED'"
	" AND ts >= FROM_UNIXTIME(?)"
	" GROUP BY day, pc_id, user_name, phi_rule"
	" ORDER BY day DESC, n DESC LIMIT ?";

static const char sql_syncs[] =
	"SELECT ts, pc_id, kind, sync_date, status, message, trace, version, id"
	" FROM sync_log WHERE facility_id = ?" AUDIT_PAGE_SQL;

/* The routine check-ins: without them a PC that syncs every minute but
 * has nothing to report shows an empty log. */
static const char sql_sync_pcs[] =
	"SELECT pc_id, MAX(ts), COUNT(*) FROM request_log"
	" WHERE facility_id = ? AND pc_id IS NOT NULL AND ts >= FROM_UNIXTIME(?)"
	" GROUP BY pc_id ORDER BY MAX(ts) DESC";

#define SYNC_PCS_WINDOW_S (24 * 3600)

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int viewed(struct ctx *ctx, const char *what, struct err *err)
{
	if (ctx->background)
		return 0;
	return actlog_write(ctx, "audit", what, NULL, NULL, err);
}

static json_t *list(json_t *data, const char *key)
{
	json_t *a = json_array();

	json_object_set_new(data, key, a);
	return a;
}

/* Runs one of the logs' statements that filter by user and page
 * (audit_page.h): the caller's facility, the call's filters. */
static int query_filtered(struct ctx *ctx, const struct call *call,
			  const char *sql, struct dbres *r, struct err *err)
{
	struct dbparam p[AUDIT_PAGE_MAX_PARAMS];
	size_t n = audit_page_params(ctx, call, 1, p);

	return db_query(ctx->db, sql, p, n, ctx->arena, r, err);
}

HANDLER(h_audit_activity)
{
	json_t *events = list(data, "events");
	struct dbres r;

	if (query_filtered(ctx, call, sql_activity, &r, err) != 0)
		return -1;
	for (size_t i = 0, n = audit_page_rows(call, &r, 7, data); i < n; i++)
		json_array_append_new(events, json_pack(
			"{s:o,s:o,s:s,s:s,s:o,s:o,s:s}",
			"ts", portal_ts(dbres_get(&r, i, 0)),
			"user", str_or_null(dbres_get(&r, i, 1)),
			"module", dbres_get(&r, i, 2),
			"action", dbres_get(&r, i, 3),
			"target", str_or_null(dbres_get(&r, i, 4)),
			"detail", str_or_null(dbres_get(&r, i, 5)),
			"address", dbres_get(&r, i, 6)));
	return viewed(ctx, "audit.activity", err);
}

/* The logged parameters are JSON text; shown as an object when they
 * parse, else as the text itself. */
static json_t *params_json(const char *text)
{
	json_t *j;

	if (!text)
		return json_null();
	j = json_loads(text, JSON_DECODE_ANY, NULL);
	return j ? j : json_string(text);
}

static json_t *request_item(const struct dbres *r, size_t i)
{
	return json_pack("{s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:I,s:o,s:I,s:o}",
			 "ts", portal_ts(dbres_get(r, i, 0)),
			 "request", dbres_get(r, i, 1),
			 "endpoint", dbres_get(r, i, 2),
			 "verb", str_or_null(dbres_get(r, i, 3)),
			 "params", params_json(dbres_get(r, i, 4)),
			 "user", str_or_null(dbres_get(r, i, 5)),
			 "pc", str_or_null(dbres_get(r, i, 6)),
			 "address", dbres_get(r, i, 7),
			 "status", (json_int_t)atoll(dbres_get(r, i, 8)),
			 "code", str_or_null(dbres_get(r, i, 9)),
			 "duration_us", (json_int_t)atoll(dbres_get(r, i, 10)),
			 "rule", str_or_null(dbres_get(r, i, 11)));
}

HANDLER(h_audit_requests)
{
	json_t *requests = list(data, "requests");
	struct dbres r;

	if (query_filtered(ctx, call, sql_requests, &r, err) != 0)
		return -1;
	for (size_t i = 0, n = audit_page_rows(call, &r, 12, data); i < n; i++)
		json_array_append_new(requests, request_item(&r, i));
	return viewed(ctx, "audit.requests", err);
}

HANDLER(h_audit_phi)
{
	const struct argval *f = call_arg(call, "from");
	struct dbparam p[] = {
		P_INT(ctx->facility_id),
		P_INT(f->present ? f->n : (long long)ctx->now - 30 * 86400),
		P_INT(call_arg_n(call, "limit", AUDIT_PAGE_LIMIT_DEFAULT)),
	};
	json_t *refusals = list(data, "refusals");
	struct dbres r;

	if (db_query(ctx->db, sql_phi, p, 3, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(refusals, json_pack(
			"{s:s,s:o,s:o,s:o,s:I}",
			"date", dbres_get(&r, i, 0),
			"pc", str_or_null(dbres_get(&r, i, 1)),
			"user", str_or_null(dbres_get(&r, i, 2)),
			"rule", str_or_null(dbres_get(&r, i, 3)),
			"count", (json_int_t)atoll(dbres_get(&r, i, 4))));
	return viewed(ctx, "audit.phi", err);
}

static int sync_pcs(struct ctx *ctx, const struct call *call, json_t *out,
		    struct err *err)
{
	long long from = call_arg_n(call, "from", (long long)ctx->now - SYNC_PCS_WINDOW_S);
	struct dbparam p[] = { P_INT(ctx->facility_id), P_INT(from) };
	struct dbres r;

	if (db_query(ctx->db, sql_sync_pcs, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		json_array_append_new(out, json_pack("{s:s,s:o,s:I}",
			"pc", dbres_get(&r, i, 0),
			"last_seen", portal_ts(dbres_get(&r, i, 1)),
			"requests", (json_int_t)atoll(dbres_get(&r, i, 2))));
	return 0;
}

HANDLER(h_sync_log)
{
	struct dbparam p[AUDIT_PAGE_MAX_PARAMS];
	size_t np = audit_page_params(ctx, call, 0, p);
	json_t *syncs = list(data, "syncs");
	struct dbres r;

	if (db_query(ctx->db, sql_syncs, p, np, ctx->arena, &r, err) != 0 ||
	    sync_pcs(ctx, call, list(data, "pcs"), err) != 0)
		return -1;
	for (size_t i = 0, n = audit_page_rows(call, &r, 8, data); i < n; i++)
		json_array_append_new(syncs, json_pack(
			"{s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o}",
			"ts", portal_ts(dbres_get(&r, i, 0)),
			"pc", dbres_get(&r, i, 1),
			"kind", dbres_get(&r, i, 2),
			"date", str_or_null(dbres_get(&r, i, 3)),
			"status", str_or_null(dbres_get(&r, i, 4)),
			"message", str_or_null(dbres_get(&r, i, 5)),
			"trace", str_or_null(dbres_get(&r, i, 6)),
			"version", str_or_null(dbres_get(&r, i, 7))));
	return viewed(ctx, "sync.log", err);
}
