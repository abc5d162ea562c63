/* cmdqueue — the queue of commands the web side sends to a facility's PCs
 * (PROTOCOL.md §6 COMMAND.POLL / COMMAND.ACK; table `commands`).
 *
 * A command is added in canonical form (canon.h), handed out to one
 * polling PC at a time under a lease, handed out again when the lease
 * lapses without an acknowledgement, and settled once. Every call is
 * scoped to one facility: nothing queued for one facility is ever seen
 * by another. Results are Jansson values the caller owns (new
 * references); text lives in the arena. */
#ifndef INFOSYS_CMDQUEUE_H
#define INFOSYS_CMDQUEUE_H

#include <time.h>
#include <jansson.h>
#include "arena.h"
#include "db.h"

#define CMDQUEUE_LEASE_S 60	/* default; [sync] lease_s overrides */
#define CMDQUEUE_POLL_MAX 100

/* Queues line (canonical form) for facility; issuer is the user name or
 * NULL. *id (may be NULL) gets the command's id. In one transaction with
 * command_due set to "due now", which the empty poll reads: a command
 * that enters `commands` any other way is not seen until another does. */
int cmdqueue_add(struct db *db, long long facility, const char *line,
		 const char *issuer, time_t now, long long *id,
		 struct err *err);

/* Leases up to max due commands, oldest first, to pc until now + lease_s
 * and appends them to out as {"id","command","issuer","created"}. An
 * empty poll is a single indexed read that takes no lock. */
int cmdqueue_poll(struct db *db, struct arena *arena, long long facility,
		  const char *pc, time_t now, long long lease_s, int max,
		  json_t *out, struct err *err);

/* cmdqueue_poll without its look-up, for a caller that already knows
 * something is due (authn_sync_key_due). */
int cmdqueue_take(struct db *db, struct arena *arena, long long facility,
		  const char *pc, time_t now, long long lease_s, int max,
		  json_t *out, struct err *err);

/* Settles command id of facility as done (failed = 0) or failed, with an
 * optional result. *settled is 1 when this call settled it, 0 when it was
 * settled before (then *status, in the arena, is how). NOT_FOUND when the
 * facility has no such command. */
int cmdqueue_ack(struct db *db, struct arena *arena, long long facility,
		 const char *pc, long long id, int failed, const char *result,
		 time_t now, int *settled, const char **status,
		 struct err *err);

#endif
