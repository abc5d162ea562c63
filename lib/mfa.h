/* mfa — TOTP second factor for admins (PROTOCOL.md §4 MFA.*): secrets
 * sealed at rest with the [security] key_file (libsodium secretbox),
 * codes checked with totp.h, each time step accepted at most once. */
#ifndef INFOSYS_MFA_H
#define INFOSYS_MFA_H

#include <stddef.h>
#include "ctx.h"

/* 1 when code[0..len) is the user's current TOTP code (±1 step) and its
 * step was not used before (the step is then marked used), 0 when not,
 * -1 on error. */
int mfa_check_login(struct ctx *ctx, long long user_id, const char *code,
		    size_t len, struct err *err);

#endif
