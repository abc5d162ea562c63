/* handlers — the verb handlers the table in verbs.c points at, one
 * declaration per verb, grouped by the module that implements them. Each
 * is a verb_handler (see verb.h): plain functions of (ctx, call) that fill
 * data or err. */
#ifndef INFOSYS_HANDLERS_H
#define INFOSYS_HANDLERS_H

#include "verb.h"

#define HANDLER(fn) int fn(struct ctx *ctx, const struct call *call, \
			   json_t *data, struct err *err)

/* §4 authentication and sessions */
/* h_auth.c */
HANDLER(h_login);
HANDLER(h_logout);
HANDLER(h_session);
HANDLER(h_password_change);

/* §5 portal */

/* §6 PC sync: h_sync.c */
HANDLER(h_ping);

#endif
