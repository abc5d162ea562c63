/* reqlog — the request log: one row per request in request_log (endpoint,
 * verb, parameters with secrets redacted, facility, user, PC, address,
 * status, duration). When the database cannot take it the entry goes to
 * standard error (the pool's log file) instead, so nothing is lost
 * silently. */
#ifndef INFOSYS_REQLOG_H
#define INFOSYS_REQLOG_H

#include "ctx.h"
#include "pipeline.h"

void reqlog_write(struct ctx *ctx, const struct pipeline_result *r,
		  long duration_us);

/* "auth", "portal" or "sync". */
const char *reqlog_endpoint(enum program p);

#endif
