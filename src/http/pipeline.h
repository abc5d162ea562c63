/* pipeline — one request body in, one JSON answer out, independent of
 * FastCGI so that it can be driven from a unit test.
 *
 * Cuts the body into lines (one on /api/auth and /api/portal, up to 1000
 * on /api/sync), parses and binds every line before anything runs,
 * authenticates the caller, checks roles, then runs the handlers; several
 * lines run in one transaction and a failure anywhere keeps nothing. A
 * deadlock or a Galera certification conflict reruns the whole request
 * (up to 5 times, after a short random wait). */
#ifndef INFOSYS_PIPELINE_H
#define INFOSYS_PIPELINE_H

#include <jansson.h>
#include "ctx.h"

struct pipeline_result {
	json_t *reply;		/* new reference: the answer */
	int status;		/* HTTP status */
	enum errcode code;	/* E_OK or the error answered */
	/* For the request log: the first line's verb (NULL when unknown), and
	 * its arguments (new reference or NULL): values with secrets redacted
	 * for an accepted request, only the keys for a refused one. */
	const char *verb;
	json_t *params;
	int lines;
	const char *phi_rule;	/* a PHI refusal's category, else NULL */
	int retries;		/* reruns after deadlocks/conflicts */
};

/* body must stay valid until the result is used. ctx is filled by the
 * transport (arena, db, conf, program, now, transport facts). */
void pipeline_run(struct ctx *ctx, const char *body, size_t len,
		  struct pipeline_result *out);

#endif
