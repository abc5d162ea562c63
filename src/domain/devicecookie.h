/* devicecookie — OWASP's device cookies (issue 8 item 10): a browser that
 * has signed in as a user before keeps signing in as that user while a
 * password-guessing flood fills the ordinary sign-in lane.
 *
 * After a successful sign-in the browser gets DEVICE_COOKIE (Path
 * /api/auth, 180 days, Secure, HttpOnly, SameSite=Strict). Its value is
 * up to DEVICE_ENTRIES_MAX entries joined by '.', one per user who signed
 * in on that browser (a shared ward PC has several). An entry is
 * base64url(version | issued | nonce | HMAC-SHA256) where the HMAC, under
 * a key derived from the sealing key (seal_subkey), covers the facility
 * code, the user name (both lower case), the issue time and the nonce:
 * nothing in it names the user, and nobody without the key can make one.
 *
 * nginx sends every /api/auth request that carries the cookie to the
 * known-device pool (auth.fcgi --known-device), which serves a LOGIN only
 * when an entry is valid for the facility and user it names (signed,
 * younger than DEVICE_LIFETIME_S, not revoked) and hands anything else
 * back to the ordinary lane (E_OTHER_LANE, HTTP 421): there the request
 * is treated exactly as if it carried no cookie. The known-device lane is
 * not throttled by address; the account lockout counts as everywhere.
 * Each failed sign-in through the lane counts against its entry, and
 * DEVICE_MAX_FAILURES failures revoke the entry (a deny list keyed by a
 * hash of its nonce), so the lane cannot be used to guess.
 *
 * Cookie values are never logged or stored; strings are in ctx->arena. */
#ifndef INFOSYS_DEVICECOOKIE_H
#define INFOSYS_DEVICECOOKIE_H

#include "ctx.h"

#define DEVICE_COOKIE "__Secure-idev"
#define DEVICE_COOKIE_PATH "/api/auth"
#define DEVICE_LIFETIME_S (180 * 86400LL)
#define DEVICE_MAX_FAILURES 5
#define DEVICE_ENTRIES_MAX 4

/* One valid entry of the cookie: its row on the deny list. */
struct device_entry {
	char id_hex[65];
};

/* 1 when ctx->device_cookie holds an entry valid for facility and user
 * (compared case-insensitively) and not revoked, with *e filled; 0 when
 * not; -1 on a database or key error. */
int devicecookie_find(struct ctx *ctx, const char *facility, const char *user,
		      struct device_entry *e, struct err *err);

/* Asks the transport to set the cookie (ctx->set_device_cookie): a new
 * entry for facility and user first, then the entries of other users that
 * ctx->device_cookie carried, up to DEVICE_ENTRIES_MAX in all. */
int devicecookie_issue(struct ctx *ctx, const char *facility, const char *user,
		       struct err *err);

/* Counts a failed sign-in against entry e (of user_id, 0 when the user
 * does not exist); the DEVICE_MAX_FAILURES-th revokes it. */
int devicecookie_record_failure(struct ctx *ctx, const struct device_entry *e,
				long long user_id, struct err *err);

#endif
