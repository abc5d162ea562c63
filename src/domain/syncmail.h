/* syncmail — error reports of the facility PCs (ERROR.REPORT, and
 * DAILYSYNC.REPORT with status error) mailed to the facility's admins
 * through the outbox (outbox.h), the same message at most once an hour
 * per facility (PROTOCOL.md §6).
 *
 * "The same message" is the SHA-256 the sync log keeps beside each
 * message (sync_log.message_sha); the log row that was mailed carries
 * mailed_at. Recipients are the facility's active admins with a recovery
 * address; with none, nothing is queued and nothing marked.
 *
 * Use, inside one transaction around the report:
 *   syncmail_claim(…, &due)   before the sync-log row is written
 *   write the row             (synclog_error, dailysync_report)
 *   syncmail_send(…)          when due */
#ifndef INFOSYS_SYNCMAIL_H
#define INFOSYS_SYNCMAIL_H

#include "ctx.h"

#define SYNCMAIL_INTERVAL_S 3600

/* What the mail says; every field but message may be NULL. */
struct syncmail_report {
	const char *kind;	/* "error" or "daily" */
	const char *date;	/* the daily sync's date */
	const char *message;
	const char *trace;
	const char *version;
};

/* Serialises the facility's reporters (a lock on its facilities row
 * until the transaction ends), so two PCs sending the same error at once
 * mail it once; *due is 1 when message was not mailed within the last
 * SYNCMAIL_INTERVAL_S. */
int syncmail_claim(struct ctx *ctx, const char *message, int *due,
		   struct err *err);

/* Queues one mail per admin recipient (*sent: how many) and, when there
 * was one, marks the newest log row of this message as mailed. */
int syncmail_send(struct ctx *ctx, const struct syncmail_report *r,
		  int *sent, struct err *err);

#endif
