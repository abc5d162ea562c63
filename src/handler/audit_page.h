/* audit_page — the period and the pages every audit view takes
 * (AUDIT.LOGINS, AUDIT.ACTIVITY, AUDIT.REQUESTS, SYNC.LOG): `from` and
 * `to` on the row's time, and `before`, the `next` of the previous answer.
 *
 * Pages are keyed by the log's id, not by an offset: the logs grow while
 * an admin reads them, and an offset would show rows twice as new ones
 * push the old down. A view's statement ends in AUDIT_PAGE_SQL on a table
 * with `id` and `ts`, selects id as its last column, and binds the
 * parameters audit_page_params makes. */
#ifndef INFOSYS_AUDIT_PAGE_H
#define INFOSYS_AUDIT_PAGE_H

#include <jansson.h>
#include "ctx.h"
#include "verb.h"

#define AUDIT_PAGE_LIMIT_DEFAULT 100
#define AUDIT_PAGE_MAX_PARAMS 10

/* The conditions after "WHERE facility_id = ?" and, with a user filter,
 * "AND (? IS NULL OR user_name = ?)". */
#define AUDIT_PAGE_SQL \
	" AND ts >= FROM_UNIXTIME(?) AND (? = 0 OR ts < FROM_UNIXTIME(?))" \
	" AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"

/* Fills p (AUDIT_PAGE_MAX_PARAMS) in that order: the facility, the user
 * twice when with_user, from, to twice, before twice, and one row more
 * than the limit (it says whether there is a next page). Returns how many. */
size_t audit_page_params(const struct ctx *ctx, const struct call *call,
			 int with_user, struct dbparam *p);

/* How many of r's rows to answer; sets data's `next` (the cursor of the
 * next page, or null on the last), from the id in column idcol. */
size_t audit_page_rows(const struct call *call, const struct dbres *r,
		       size_t idcol, json_t *data);

#endif
