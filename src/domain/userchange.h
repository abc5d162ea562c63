/* userchange — the per-facility revision feed of account changes made on
 * the server side (PROTOCOL.md §6 USER.CHANGES; tables user_changes and
 * user_change_seq of schema/007_user_changes.sql).
 *
 * Every code path that changes what a facility PC must mirror records one
 * change, in the same transaction as the change itself: new password
 * hashes (PASSWORD.CHANGE, PASSWORD.RESET, USER.RESET), locks (the
 * lockout), unlocks (USER.UNLOCK, `infosysctl user unlock`) and disables
 * (USER.DISABLE). What a PC pushed itself (USER.UPSERT, USER.REMOVE) is
 * not recorded, so it is never echoed back.
 *
 * Revisions count 1, 2, 3 … per facility without gaps, and writers of one
 * facility commit in revision order (they queue on the facility's counter
 * row), so a reader that has seen revision N has seen every change up to
 * N. */
#ifndef INFOSYS_USERCHANGE_H
#define INFOSYS_USERCHANGE_H

#include <jansson.h>
#include "arena.h"
#include "db.h"

enum userchange_kind {
	UC_PASSWORD,	/* a new hash (and must_change_password) */
	UC_LOCK,
	UC_UNLOCK,
	UC_DISABLE,
	UC_ENABLE,	/* USER.ENABLE: sign-in allowed again */
};

/* Most changes one USER.CHANGES answer carries; `more` says if there are
 * others after them. */
#define USERCHANGE_PAGE 500

/* Records a change of the user, with a snapshot of the account's state
 * as it is now: call it after the change itself, inside its transaction
 * (it opens one of its own otherwise, so that the counter and the row go
 * together). A user that does not exist records nothing. */
int userchange_record(struct db *db, long long user_id,
		      enum userchange_kind kind, struct err *err);

/* The facility's changes after revision since, oldest first, at most
 * USERCHANGE_PAGE, appended to changes as objects {rev, user, kind, ts,
 * status, locked[, hash, must_change_password]}. *revision is the newest
 * revision returned, or the facility's newest when none is (which is
 * below since when the PC's number came from another server). *more is 1
 * when further changes wait. Strings are read into arena. */
int userchange_list(struct db *db, struct arena *arena, long long facility_id,
		    long long since, json_t *changes, long long *revision,
		    int *more, struct err *err);

#endif
