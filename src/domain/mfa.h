/* mfa — TOTP second factor for admins (PROTOCOL.md §4 MFA.*): secrets
 * sealed at rest (seal.h), codes checked with totp.h within one step
 * either side, each time step accepted at most once per account (the
 * last used step is kept in users.mfa_last_step and only moves forward,
 * in one conditional UPDATE, so two requests racing with one code cannot
 * both win). */
#ifndef INFOSYS_MFA_H
#define INFOSYS_MFA_H

#include <stddef.h>
#include "ctx.h"
#include "totp.h"

#define MFA_WINDOW 1
#define MFA_ISSUER "Infosys"

/* 1 when code[0..len) is the user's current TOTP code and its step was not
 * used before (the step is then used up), 0 when not, -1 on error. */
int mfa_check_login(struct ctx *ctx, long long user_id, const char *code,
		    size_t len, struct err *err);

/* Makes a new secret for the caller (ctx->user_id) and keeps it sealed as
 * pending until mfa_confirm; b32 gets its base32 form. An enrolled
 * account keeps its current secret until then. */
int mfa_enroll(struct ctx *ctx, char b32[TOTP_B32_MAX], struct err *err);

/* Turns TOTP on with the pending secret when code[0..len) is its current
 * code. CONFLICT without a pending secret; AUTH_FAILED for a wrong or used
 * code. */
int mfa_confirm(struct ctx *ctx, const char *code, size_t len,
		struct err *err);

#endif
