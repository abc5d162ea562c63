/* h_reports — the reports a facility PC produced (issue 11, item 15):
 * REPORT.PUSH and REPORT.ROW on /api/sync upload one as a header and its
 * rows; REPORT.LIST and REPORT.GET on /api/portal show them to staff
 * (schema/015_reports.sql).
 *
 * The rows are operational rows, not a file: each is a `text` value (the
 * cells separated by tabs, `\t` on the command line), so every cell is
 * PHI-screened like any free value before it is stored, and a report is
 * bounded by its row count (10,000) and row length (2,000 characters).
 * A row is one statement: it finds its report and checks its number and
 * cell count in the INSERT itself; only a refused row pays for a look-up
 * that says why. */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "handlers.h"
#include "portal_items.h"

#define REPORT_COLUMNS_MAX 50
#define REPORT_LIST_DEFAULT 50
#define REPORT_ROWS_DEFAULT 100

static const char *const kinds[] = {
	"inventory", "temperature", "attendance", "other", NULL };

static const char sql_push[] =
	"INSERT INTO reports (facility_id, ext_id, pc_id, kind, title,"
	" generated_at, period_from, period_to, command_id, headings, ncols,"
	" row_count, received_at) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?),"
	" FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, ?, FROM_UNIXTIME(?))"
	" ON DUPLICATE KEY UPDATE pc_id = VALUES(pc_id), kind = VALUES(kind),"
	" title = VALUES(title), generated_at = VALUES(generated_at),"
	" period_from = VALUES(period_from), period_to = VALUES(period_to),"
	" command_id = VALUES(command_id), headings = VALUES(headings),"
	" ncols = VALUES(ncols), row_count = VALUES(row_count),"
	" received_at = VALUES(received_at)";

static const char sql_row[] =
	"INSERT INTO report_rows (report_id, n, cells)"
	" SELECT id, ?, ? FROM reports WHERE facility_id = ? AND ext_id = ?"
	" AND row_count >= ? AND ncols = ?"
	" ON DUPLICATE KEY UPDATE cells = VALUES(cells)";

static const char sql_shape[] =
	"SELECT row_count, ncols FROM reports WHERE facility_id = ? AND ext_id = ?";

/* A report's header as REPORT.LIST and REPORT.GET answer it; the last
 * column counts the rows that have arrived. */
#define REPORT_COLS \
	"SELECT r.id, r.ext_id, r.kind, r.title, r.generated_at, r.period_from," \
	" r.period_to, r.row_count, r.pc_id, c.issuer, r.received_at, r.headings," \
	" (SELECT COUNT(*) FROM report_rows x WHERE x.report_id = r.id" \
	" AND x.n <= r.row_count) FROM reports r LEFT JOIN commands c" \
	" ON c.id = r.command_id AND c.facility_id = r.facility_id"

static const char sql_list[] = REPORT_COLS
	" WHERE r.facility_id = ? AND (? IS NULL OR r.kind = ?)"
	" AND r.generated_at >= FROM_UNIXTIME(?)"
	" AND (? = 0 OR r.generated_at < FROM_UNIXTIME(?))"
	" AND (? = 0 OR r.id < ?) ORDER BY r.id DESC LIMIT ?";

static const char sql_get[] = REPORT_COLS
	" WHERE r.facility_id = ? AND r.ext_id = ?";

static const char sql_rows[] =
	"SELECT cells FROM report_rows WHERE report_id = ? AND n > ? AND n <= ?"
	" ORDER BY n LIMIT ?";

static size_t cells_count(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\t';
	return n;
}

/* "a\tb\tc" as ["a", "b", "c"]; a new reference. */
static json_t *cells_json(const char *s)
{
	json_t *a = json_array();
	const char *tab;

	while ((tab = strchr(s, '\t'))) {
		json_array_append_new(a, json_stringn(s, (size_t)(tab - s)));
		s = tab + 1;
	}
	json_array_append_new(a, json_string(s));
	return a;
}

static struct dbparam arg_ts_or_null(const struct call *call, const char *key)
{
	const struct argval *v = call_arg(call, key);

	return v->present ? P_INT(v->n) : P_NULL;
}

HANDLER(h_report_push)
{
	const struct argval *id = call_arg(call, "report");
	const struct argval *cols = call_arg(call, "columns");
	const struct argval *cmd = call_arg(call, "command");
	size_t ncols = cells_count(cols->s);
	struct dbparam p[] = {
		P_INT(ctx->facility_id), P_STRN(id->s, id->len),
		P_STR(ctx->pc_id ? ctx->pc_id : ""),
		P_STR(kinds[call_arg(call, "kind")->n]),
		P_STR(call_arg(call, "title")->s), P_INT(call_arg(call, "ts")->n),
		arg_ts_or_null(call, "from"), arg_ts_or_null(call, "to"),
		cmd->present ? P_INT(cmd->n) : P_NULL,
		P_STRN(cols->s, cols->len), P_INT((long long)ncols),
		P_INT(call_arg(call, "rows")->n), P_INT((long long)ctx->now),
	};
	const struct argval *from = call_arg(call, "from"), *to = call_arg(call, "to");

	if (ncols > REPORT_COLUMNS_MAX)
		return err_set(err, E_BAD_ARGUMENT, "at most %d columns",
			       REPORT_COLUMNS_MAX);
	if (from->present && to->present && from->n > to->n)
		return err_set(err, E_BAD_ARGUMENT, "from must not be after to");
	if (db_exec(ctx->db, sql_push, p, sizeof(p) / sizeof(p[0]), NULL, NULL, err) != 0)
		return -1;
	json_object_set_new(data, "report", json_string(id->s));
	json_object_set_new(data, "columns", json_integer((json_int_t)ncols));
	return 0;
}

/* Why a row was not stored: an unknown report, a number past its rows,
 * or the wrong number of cells; 0 when it was a retry of a stored row. */
static int row_refused(struct ctx *ctx, const struct argval *id, long long row,
		       size_t ncells, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STRN(id->s, id->len) };
	struct dbres r;

	if (db_query(ctx->db, sql_shape, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no report '%s' from this facility"
			       " (send REPORT.PUSH first)", id->s);
	if (row > atoll(dbres_get(&r, 0, 0)))
		return err_set(err, E_BAD_ARGUMENT, "row %lld is past the report's %s rows",
			       row, dbres_get(&r, 0, 0));
	if ((long long)ncells != atoll(dbres_get(&r, 0, 1)))
		return err_set(err, E_BAD_ARGUMENT, "%zu cells; the report has %s columns",
			       ncells, dbres_get(&r, 0, 1));
	return 0;
}

HANDLER(h_report_row)
{
	const struct argval *id = call_arg(call, "report");
	const struct argval *cells = call_arg(call, "cells");
	long long row = call_arg(call, "row")->n;
	size_t ncells = cells_count(cells->s);
	struct dbparam p[] = {
		P_INT(row), P_STRN(cells->s, cells->len), P_INT(ctx->facility_id),
		P_STRN(id->s, id->len), P_INT(row), P_INT((long long)ncells),
	};
	unsigned long long affected = 0;

	if (db_exec(ctx->db, sql_row, p, 6, &affected, NULL, err) != 0)
		return -1;
	if (affected == 0 && row_refused(ctx, id, row, ncells, err) != 0)
		return -1;
	json_object_set_new(data, "report", json_string(id->s));
	json_object_set_new(data, "row", json_integer(row));
	json_object_set_new(data, "stored", json_boolean(affected > 0));
	return 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *report_item(const struct dbres *r, size_t i)
{
	long long rows = atoll(dbres_get(r, i, 7)), got = atoll(dbres_get(r, i, 12));

	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:b,s:s,s:o,s:o,s:o}",
		"report", dbres_get(r, i, 1), "kind", dbres_get(r, i, 2),
		"title", dbres_get(r, i, 3), "ts", portal_ts(dbres_get(r, i, 4)),
		"from", portal_ts(dbres_get(r, i, 5)), "to", portal_ts(dbres_get(r, i, 6)),
		"rows", (json_int_t)rows, "received", (json_int_t)got,
		"complete", got == rows, "pc", dbres_get(r, i, 8),
		"requested_by", str_or_null(dbres_get(r, i, 9)),
		"uploaded", portal_ts(dbres_get(r, i, 10)),
		"columns", cells_json(dbres_get(r, i, 11)));
}

HANDLER(h_report_list)
{
	const struct argval *kind = call_arg(call, "kind");
	long long to = call_arg_n(call, "to", 0), before = call_arg_n(call, "before", 0);
	long long limit = call_arg_n(call, "limit", REPORT_LIST_DEFAULT);
	struct dbparam p[] = {
		P_INT(ctx->facility_id),
		kind->present ? P_STR(kinds[kind->n]) : P_NULL,
		kind->present ? P_STR(kinds[kind->n]) : P_NULL,
		P_INT(call_arg_n(call, "from", 0)), P_INT(to), P_INT(to),
		P_INT(before), P_INT(before), P_INT(limit + 1),
	};
	json_t *out = json_array();
	struct dbres r;

	json_object_set_new(data, "reports", out);
	if (db_query(ctx->db, sql_list, p, 9, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows && i < (size_t)limit; i++)
		json_array_append_new(out, report_item(&r, i));
	/* One row more than asked for says there is another page. */
	json_object_set_new(data, "next", r.nrows > (size_t)limit
		? json_integer(atoll(dbres_get(&r, (size_t)limit - 1, 0))) : json_null());
	return 0;
}

HANDLER(h_report_get)
{
	const struct argval *id = call_arg(call, "report");
	long long offset = call_arg_n(call, "offset", 0);
	struct dbparam p[] = { P_INT(ctx->facility_id), P_STRN(id->s, id->len) };
	json_t *rows, *item;
	struct dbres r, rr;

	if (db_query(ctx->db, sql_get, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return err_set(err, E_NOT_FOUND, "no report '%s' in this facility", id->s);
	struct dbparam q[] = {
		P_INT(atoll(dbres_get(&r, 0, 0))), P_INT(offset),
		P_INT(atoll(dbres_get(&r, 0, 7))),
		P_INT(call_arg_n(call, "limit", REPORT_ROWS_DEFAULT)),
	};
	if (db_query(ctx->db, sql_rows, q, 4, ctx->arena, &rr, err) != 0)
		return -1;
	item = report_item(&r, 0);
	json_object_update(data, item);
	json_decref(item);
	json_object_set_new(data, "offset", json_integer(offset));
	rows = json_array();
	json_object_set_new(data, "cells", rows);
	for (size_t i = 0; i < rr.nrows; i++)
		json_array_append_new(rows, cells_json(dbres_get(&rr, i, 0)));
	return 0;
}
