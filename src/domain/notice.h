/* notice — a mail to the account's recovery address when its credentials
 * change or it is locked (issue 8 item 9, ASVS 2.2.3 / 2.5): the owner
 * learns of a change they did not make. Through the outbox, so the
 * request never waits on SMTP; the text names what changed and when,
 * never a secret. An account without a recovery address gets nothing. */
#ifndef INFOSYS_NOTICE_H
#define INFOSYS_NOTICE_H

#include "ctx.h"

enum notice_kind {
	NOTICE_PASSWORD,	/* changed by the user or reset */
	NOTICE_PASSWORD_ADMIN,	/* a temporary one set by an admin */
	NOTICE_EMAIL,		/* the recovery address changed */
	NOTICE_MFA,		/* TOTP enrolled or replaced */
	NOTICE_MFA_RESET,	/* TOTP enrolment cleared by an admin */
	NOTICE_LOCK,		/* locked after failed sign-ins */
};

/* Queues the notice of kind for user_id (0 when the user has no address). */
int notice_send(struct ctx *ctx, long long user_id, enum notice_kind kind,
		struct err *err);

/* notice_send to an address given in clear (the old recovery address,
 * told that it was replaced). */
int notice_send_to(struct ctx *ctx, long long user_id, const char *addr,
		   enum notice_kind kind, struct err *err);

#endif
