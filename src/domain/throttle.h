/* throttle — the address throttle of PROTOCOL.md §4: more than
 * THROTTLE_MAX failed web/app sign-ins from one client address within
 * THROTTLE_WINDOW_S refuse that address's sign-ins with THROTTLED until
 * THROTTLE_WINDOW_S after its last counted failure. It reads the login
 * log (failures there are the record) and never touches an account's
 * count, so spraying one password over many accounts is stopped without
 * locking them all. */
#ifndef INFOSYS_THROTTLE_H
#define INFOSYS_THROTTLE_H

#include "ctx.h"

#define THROTTLE_MAX 30
#define THROTTLE_WINDOW_S (15 * 60)

/* THROTTLED with ctx->retry_after set when ctx->remote_addr has had
 * THROTTLE_MAX failures in the window (its next attempt would be one too
 * many). Attempts refused here are logged with reason "throttled" and do
 * not count again, so the block ends on its own; nor does a right
 * password sent without its TOTP code (reason "otp_missing"). */
int throttle_check(struct ctx *ctx, struct err *err);

#endif
