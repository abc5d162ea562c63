/* session — signed-in sessions of /api/auth and /api/portal (PROTOCOL.md §4).
 *
 * A session is a random token (token_new: 32 bytes, base64url) that lives
 * only in the client's __Host-sid cookie; the sessions table keeps its
 * SHA-256. A session dies after the facility's idle timeout (requests sent
 * with Infosys-Background: 1 do not restart that clock) or 12 hours after
 * it began, whichever comes first; an expired session is deleted when it
 * is next presented. Cookie strings are allocated in ctx->arena. */
#ifndef INFOSYS_SESSION_H
#define INFOSYS_SESSION_H

#include "ctx.h"

#define SESSION_COOKIE "__Host-sid"
#define SESSION_ABSOLUTE_S (12 * 3600)

/* What the session check learned besides the caller's identity. */
struct session_state {
	int idle_timeout_s;
	long long idle_remaining_s;
	/* An admin reset the password or it is older than max_age_days. */
	int password_change_required;
	/* An admin without TOTP while the facility's mfa_admins is on. */
	int mfa_enroll_required;
};

/* Creates a session for the user and asks the transport to set its cookie
 * (ctx->set_cookie); sets ctx->session_id. channel is "web" or "app". */
int session_open(struct ctx *ctx, long long user_id, long long facility_id,
		 const char *channel, struct err *err);

/* Gives the caller's session (ctx->session_id) a new token and asks the
 * transport to set it: when a restricted session becomes a full one, a
 * token that leaked while it was restricted must not carry the new
 * rights. The old token stops working. */
int session_rotate(struct ctx *ctx, struct err *err);

/* Authenticates ctx->session_token: fills ctx's caller fields (facility,
 * user, role, session_id) and st, and restarts the idle clock unless
 * ctx->background. AUTH_REQUIRED for no or an unknown session (also when
 * the user was disabled, locked or removed), SESSION_EXPIRED (the row is deleted)
 * for one past its idle or absolute limit. Both also clear the cookie. */
int session_check(struct ctx *ctx, struct session_state *st, struct err *err);

/* As session_check without restarting the idle clock: for answers
 * about the session itself (SESSION). */
int session_status(struct ctx *ctx, struct session_state *st, struct err *err);

/* Ends the caller's session (ctx->session_id) and clears the cookie. */
int session_close(struct ctx *ctx, struct err *err);

/* Ends every session of the user except keep_id (0: all of them). */
int session_close_user(struct db *db, long long user_id, long long keep_id,
		       struct err *err);

/* The user's live sessions (neither idle nor past 12 hours), newest
 * first, appended to list as {id, current, channel, device, address,
 * started, last_seen}; current marks ctx->session_id. Never a token. */
int session_list(struct ctx *ctx, long long user_id, json_t *list,
		 struct err *err);

/* Ends session id of user_id: NOT_FOUND when the user has no such
 * session. Ending the caller's own session also clears the cookie. */
int session_revoke(struct ctx *ctx, long long user_id, long long id,
		   struct err *err);

/* "__Host-sid=<token>; Path=/; Secure; HttpOnly; SameSite=Strict" and the
 * clearing form with an empty value and Max-Age=0, in arena (NULL when out
 * of memory). */
const char *session_cookie(struct arena *a, const char *token);
const char *session_cookie_clear(struct arena *a);

#endif
