/* lockout — the shared failed-login counter of PROTOCOL.md §4.
 *
 * One counter per account in users.failed_logins, for every channel
 * (web, app and the facility PC's LOGIN.REPORT). It is increased in SQL,
 * never read-modified-written, so concurrent failures are all counted; the
 * tenth consecutive failure sets users.locked_at in the same statement.
 * A locked account stays locked, whatever is reported, until
 * lockout_clear (USER.UNLOCK, PASSWORD.RESET). */
#ifndef INFOSYS_LOCKOUT_H
#define INFOSYS_LOCKOUT_H

#include "ctx.h"

#define LOCKOUT_THRESHOLD 10

/* Counts one failure. *locked (may be NULL) is 1 when the account is
 * locked afterwards; when it is, the account's sessions are ended, and
 * the failure that locks it mails the owner a notice (notice.h). */
int lockout_record_failure(struct ctx *ctx, long long user_id, int *locked,
			   struct err *err);

/* A successful sign-in: resets the count of an account that is not
 * locked and stamps last_login_at. */
int lockout_record_success(struct db *db, long long user_id, struct err *err);

/* Unlocks the account and resets its count. */
int lockout_clear(struct db *db, long long user_id, struct err *err);

#endif
