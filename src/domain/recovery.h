/* recovery — what self-service recovery keeps (PROTOCOL.md §4): the
 * users' recovery e-mail addresses (sealed, with a keyed look-up hash) and
 * one-time password-reset tokens (only their SHA-256, valid
 * RECOVERY_TOKEN_TTL_S, each usable once). */
#ifndef INFOSYS_RECOVERY_H
#define INFOSYS_RECOVERY_H

#include <stddef.h>
#include "ctx.h"
#include "token.h"

#define RECOVERY_TOKEN_TTL_S (15 * 60)
/* Reset mails (issue 8 defect 4): at most this many per user, and per
 * facility, within RECOVERY_WINDOW_S. Beyond, a request is answered as
 * always but mails nothing and leaves the live code alone, so nobody can
 * flood an inbox or keep cancelling the owner's real code. */
#define RECOVERY_WINDOW_S (15 * 60)
#define RECOVERY_MAX_PER_USER 3
#define RECOVERY_MAX_PER_FACILITY 20

/* Sets (email[0..len)) or, with email NULL, removes the user's recovery
 * address. For USER.UPSERT's `email` and the tools. */
int recovery_email_set(struct ctx *ctx, long long user_id, const char *email,
		       size_t len, struct err *err);

/* Replaces the user's recovery address with email[0..len), or with
 * email NULL removes it, and tells the owner by mail (notice.h): the
 * address replaced or removed hears of it, and so does the new one when
 * it replaces another, or always with tell_first (the owner set it: a
 * mistyped address shows at once). The same address again changes and
 * tells nothing. Call inside the caller's transaction. */
int recovery_email_replace(struct ctx *ctx, long long user_id,
			   const char *email, size_t len, int tell_first,
			   struct err *err);

/* The user's recovery address opened from its sealed form (users.
 * email_sealed of row user_id), in ctx->arena; NULL with err set when it
 * does not open. */
const char *recovery_email_open(struct ctx *ctx, long long user_id,
				const char *sealed, struct err *err);

/* The user's recovery address as a hint for its owner: the first
 * character of the local part and the domain ("m…@example.org"), in
 * ctx->arena; *hint NULL when the user has none. Enough to recognise
 * one's own address, not to learn someone else's. */
int recovery_email_hint(struct ctx *ctx, long long user_id, const char **hint,
			struct err *err);

/* The look-up hash of an address (lower-cased first) as hex. */
int recovery_email_hash(struct ctx *ctx, const char *email, size_t len,
			char out[65], struct err *err);

/* 1 when another reset mail to the user is within the limits, and then
 * counts it; 0 when not. Call inside a transaction: the user's row is
 * locked so that racing requests are counted one after another. */
int recovery_request_allowed(struct ctx *ctx, long long facility_id,
			     long long user_id, struct err *err);

/* A new reset token for the user in token; earlier unused ones end. */
int recovery_token_issue(struct ctx *ctx, long long user_id,
			 char token[TOKEN_B64_LEN + 1], struct err *err);

/* The id of the user's live token whose text is token[0..len): 1 found
 * (*id set), 0 none (wrong, used or expired), -1 error. */
int recovery_token_find(struct ctx *ctx, long long user_id, const char *token,
			size_t len, long long *id, struct err *err);

/* Marks the token used: 0 when this call used it, AUTH_FAILED when
 * another request used it first (the UPDATE is conditional, so two
 * racing resets cannot both win). */
int recovery_token_use(struct ctx *ctx, long long id, struct err *err);

#endif
