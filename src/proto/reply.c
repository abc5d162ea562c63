/* reply — JSON answers of PROTOCOL.md §3. */
#include <stdlib.h>
#include "reply.h"
#include "timefmt.h"

static json_t *error_object(const struct err *err, int with_line)
{
	json_t *e = json_object();

	json_object_set_new(e, "code", json_string(err_name(err->code)));
	json_object_set_new(e, "message", json_string(err->msg));
	if (err->line > 0 && (with_line || err->code == E_BAD_COMMAND ||
			      err->code == E_BAD_ARGUMENT)) {
		json_object_set_new(e, "line", json_integer(err->line));
		if (err->column > 0)
			json_object_set_new(e, "column", json_integer(err->column));
	}
	return e;
}

json_t *reply_ok(const char *verb, json_t *data)
{
	json_t *r = json_object();

	json_object_set_new(r, "ok", json_true());
	json_object_set_new(r, "verb", json_string(verb));
	json_object_set_new(r, "data", data ? data : json_object());
	return r;
}

json_t *reply_error(const char *verb, const struct err *err)
{
	json_t *r = json_object();

	json_object_set_new(r, "ok", json_false());
	if (verb)
		json_object_set_new(r, "verb", json_string(verb));
	json_object_set_new(r, "error", error_object(err, 0));
	return r;
}

/* A refused batch kept nothing, so it answers no results, only the first
 * failing line, whatever the code. */
json_t *reply_batch(json_t *results, const struct err *err)
{
	json_t *r = json_object();

	json_object_set_new(r, "ok", err ? json_false() : json_true());
	if (err) {
		json_decref(results);
		json_object_set_new(r, "error", error_object(err, 1));
	} else {
		json_object_set_new(r, "results", results ? results : json_array());
	}
	return r;
}

char *reply_dump(const json_t *reply)
{
	/* 15 digits: a reading of 6.1 goes out as 6.1, not 6.0999999999999996. */
	return json_dumps(reply, JSON_COMPACT | JSON_REAL_PRECISION(15));
}

json_t *reply_ts_or_null(const char *db)
{
	char ts[TS_LEN + 1];

	if (!db || ts_from_db(db, ts) != 0)
		return json_null();
	return json_string(ts);
}
