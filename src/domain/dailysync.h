/* dailysync — exactly one PC of a facility runs each day's sync
 * (PROTOCOL.md §6 DAILYSYNC.CLAIM / DAILYSYNC.REPORT; table daily_syncs).
 *
 * The first claim of a (facility, date) wins through the table's primary
 * key, not a read-then-write. The winner holds a lease; once it lapses
 * without a report another PC may take the date over. date is the
 * protocol's YYYY-MM-DD text. */
#ifndef INFOSYS_DAILYSYNC_H
#define INFOSYS_DAILYSYNC_H

#include <time.h>
#include "arena.h"
#include "db.h"

#define DAILYSYNC_LEASE_S (2 * 3600)	/* default; [sync] daily_lease_s */

/* 0 when pc holds the date now (a new claim, a takeover, or pc's own
 * claim again); CONFLICT naming the holder otherwise. *takeover is 1 when
 * the claim took over a lapsed lease. */
int dailysync_claim(struct db *db, struct arena *arena, long long facility,
		    const char *date, const char *pc, time_t now,
		    long long lease_s, int *takeover, struct err *err);

/* Records pc's outcome of date's sync (ok, or error with the optional
 * errors and trace texts) on the claim and in the sync log. NOT_FOUND
 * when the date was never claimed, CONFLICT when another PC holds it. */
int dailysync_report(struct db *db, struct arena *arena, long long facility,
		     const char *date, const char *pc, int error,
		     const char *errors, const char *trace, time_t now,
		     struct err *err);

/* An error report from pc into the sync log. */
int synclog_error(struct db *db, long long facility, const char *pc,
		  const char *message, const char *trace, const char *version,
		  time_t now, struct err *err);

#endif
