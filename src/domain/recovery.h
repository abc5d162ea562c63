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

/* Sets (email[0..len)) or, with email NULL, removes the user's recovery
 * address. For USER.UPSERT's `email` and the tools. */
int recovery_email_set(struct ctx *ctx, long long user_id, const char *email,
		       size_t len, struct err *err);

/* The look-up hash of an address (lower-cased first) as hex. */
int recovery_email_hash(struct ctx *ctx, const char *email, size_t len,
			char out[65], struct err *err);

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
