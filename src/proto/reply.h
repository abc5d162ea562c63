/* reply — the JSON answers of PROTOCOL.md §3 (Jansson). */
#ifndef INFOSYS_REPLY_H
#define INFOSYS_REPLY_H

#include <jansson.h>
#include "err.h"

/* New reference {"ok":true,"verb":verb,"data":data}; steals data. */
json_t *reply_ok(const char *verb, json_t *data);

/* New reference {"ok":false,"verb":verb,"error":{…}}; verb may be NULL
 * (transport errors) and is then left out. line/column only for
 * BAD_COMMAND and BAD_ARGUMENT. */
json_t *reply_error(const char *verb, const struct err *err);

/* New reference for a batch: {"ok":true,"results":results} or, when err
 * is not NULL, {"ok":false,"error":{…,"line":N}} (a refused batch kept
 * nothing, so its results are dropped). Steals results. */
json_t *reply_batch(json_t *results, const struct err *err);

/* New reference: a database DATETIME ("YYYY-MM-DD HH:MM:SS", UTC) as
 * the protocol's `ts` string, or JSON null for NULL or another shape. */
json_t *reply_ts_or_null(const char *db);

/* Compact one-line text; malloc'd, the caller frees. NULL on failure. */
char *reply_dump(const json_t *reply);

#endif
