/* pwhistory — earlier password hashes of each user (password_history),
 * for the policy's `history` rule: a new password may not be any of the
 * user's last N passwords, the current one included. */
#ifndef INFOSYS_PWHISTORY_H
#define INFOSYS_PWHISTORY_H

#include <stddef.h>
#include "ctx.h"

/* Rows kept per user: the most the policy can ask for. */
#define PWHISTORY_KEEP 24

/* 1 when pw[0..len) verifies against current_hash or one of the user's
 * n - 1 most recent earlier hashes (n 0: never), 0 when not, -1 on error.
 * Costs one argon2id verification per hash compared. */
int pwhistory_reused(struct ctx *ctx, long long user_id,
		     const char *current_hash, int n, const char *pw,
		     size_t len, struct err *err);

/* Remembers old_hash (the password being replaced; NULL: nothing) and
 * forgets all but the PWHISTORY_KEEP most recent. */
int pwhistory_push(struct ctx *ctx, long long user_id, const char *old_hash,
		   struct err *err);

/* Sets the user's password hash (remembering the old one), stamps
 * password_changed_at and sets must_change_password to must_change. In
 * the caller's transaction, if any. */
int pwhistory_set_password(struct ctx *ctx, long long user_id,
			   const char *old_hash, const char *new_hash,
			   int must_change, struct err *err);

#endif
