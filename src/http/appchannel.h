/* appchannel — the app channel of PROTOCOL.md §4: mobile wrappers that
 * bundle www/ and so call /api/auth and /api/portal cross-origin, from an
 * origin the operator allow-listed in `[app] origins =`. Such a request
 * carries its session token as `Authorization: Bearer`, never as the
 * cookie; a sign-in on it answers the token as data.token instead of a
 * Set-Cookie. nginx, rendered from the same setting, answers the CORS
 * preflights; this module decides, per request, which credential counts,
 * so that the two channels can never stand in for each other. */
#ifndef INFOSYS_APPCHANNEL_H
#define INFOSYS_APPCHANNEL_H

#include <jansson.h>
#include "conf.h"
#include "err.h"

/* Longest origin compared; longer ones are simply not on the list. */
#define APPCHANNEL_ORIGIN_MAX 256

/* 1 when origin is exactly (byte for byte: no case folding, no prefix, no
 * wildcard) one of the space- or comma-separated origins of [app] origins,
 * else 0. A NULL or empty origin is never allowed. */
int appchannel_origin_allowed(const struct conf *c, const char *origin);

/* Which session token a request of /api/auth or /api/portal presents.
 * app: the request came from an allow-listed app origin; cookie, bearer:
 * the __Host-sid cookie and the Authorization: Bearer value (NULL when
 * absent). Sets *token (NULL: none) and returns 0; refuses with
 * AUTH_REQUIRED (-1) when both are sent, or a bearer token comes from
 * anywhere but an app origin. On the app channel a cookie is ignored. */
int appchannel_session_token(int app, const char *cookie, const char *bearer,
			     const char **token, struct err *err);

/* Puts a new session's token into reply's data (as "token") when the
 * reply is a success; the caller sends no cookie on the app channel. */
void appchannel_reply_token(json_t *reply, const char *token);

#endif
