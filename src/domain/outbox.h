/* outbox — mail waiting for delivery (mail_outbox). Handlers only queue:
 * an SMTP round trip never holds a worker, and a mail server that is down
 * loses nothing. `infosysctl mail run` delivers with retries. The message
 * is sealed (seal.h) because it may carry a live token. */
#ifndef INFOSYS_OUTBOX_H
#define INFOSYS_OUTBOX_H

#include "ctx.h"

/* Queues one message to `to`. facility_id 0 for none; kind names the
 * message for the operator ("password_reset", "username", …) and is
 * stored in clear, so it must say nothing secret. */
int outbox_enqueue(struct ctx *ctx, long long facility_id, const char *kind,
		   const char *to, const char *subject, const char *body,
		   struct err *err);

/* The parts of a sealed message, for the mailer: strings in ctx->arena. */
struct outbox_msg {
	const char *to, *subject, *body;
};

int outbox_open(struct ctx *ctx, const char *sealed, struct outbox_msg *m,
		struct err *err);

#endif
