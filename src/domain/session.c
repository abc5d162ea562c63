/* session — see session.h. Times in the sessions table are Unix seconds
 * (BIGINT), compared against ctx->now, so that tests can move a session's
 * clock in the database without touching time zones. */
#include <stdlib.h>
#include <string.h>
#include "loginlog.h"
#include "policy.h"
#include "session.h"
#include "timefmt.h"
#include "token.h"

static const char sql_insert[] =
	"INSERT INTO sessions (token_hash, user_id, facility_id, channel,"
	" created_at, last_seen_at, device, address)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* One statement finds the session, its user and facility and the policy
 * that decides its idle timeout and restrictions. A disabled or locked
 * user or an inactive facility finds nothing, so the session stops
 * working at once, even one opened by a sign-in that raced the lock. */
static const char sql_find[] =
	"SELECT s.id, s.created_at, s.last_seen_at, s.user_id, u.name, u.role,"
	" s.facility_id, f.code, COALESCE(p.idle_timeout_s, ?),"
	" u.must_change_password, COALESCE(p.max_age_days, ?),"
	" UNIX_TIMESTAMP(COALESCE(u.password_changed_at, u.created_at)),"
	" u.mfa_enabled,"
	" COALESCE(p.mfa_admins, ?)"
	" FROM sessions s JOIN users u ON u.id = s.user_id"
	" JOIN facilities f ON f.id = s.facility_id"
	" LEFT JOIN password_policy p ON p.facility_id = s.facility_id"
	" WHERE s.token_hash = ? AND u.status = 'active' AND u.locked_at IS NULL"
	" AND f.active = 1";

static const char sql_touch[] =
	"UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?";

static const char sql_delete[] = "DELETE FROM sessions WHERE id = ?";

static const char sql_delete_token[] =
	"DELETE FROM sessions WHERE token_hash = ?";

static const char sql_rotate[] =
	"UPDATE sessions SET token_hash = ? WHERE id = ?";

/* The idle limit of the user's facility decides which sessions live. */
static const char sql_list[] =
	"SELECT s.id, s.channel, s.device, s.address, s.created_at,"
	" s.last_seen_at FROM sessions s"
	" LEFT JOIN password_policy p ON p.facility_id = s.facility_id"
	" WHERE s.user_id = ? AND s.last_seen_at > ? - COALESCE(p.idle_timeout_s, ?)"
	" AND s.created_at > ? ORDER BY s.id DESC";

static const char sql_delete_own[] =
	"DELETE FROM sessions WHERE id = ? AND user_id = ?";

static const char sql_delete_user[] =
	"DELETE FROM sessions WHERE user_id = ? AND id <> ?";

const char *session_cookie(struct arena *a, const char *token)
{
	return arena_printf(a, SESSION_COOKIE "=%s; Path=/; Secure; HttpOnly;"
			    " SameSite=Strict", token);
}

const char *session_cookie_clear(struct arena *a)
{
	return arena_strdup(a, SESSION_COOKIE "=; Path=/; Secure; HttpOnly;"
			    " SameSite=Strict; Max-Age=0");
}

int session_open(struct ctx *ctx, long long user_id, long long facility_id,
		 const char *channel, struct err *err)
{
	char token[TOKEN_B64_LEN + 1], hash[SHA256_HEX_LEN + 1];
	unsigned long long id = 0;

	/* A new token at every sign-in: whatever session the browser held
	 * before ends here, so a planted cookie never becomes a live one. */
	if (ctx->session_token && strlen(ctx->session_token) == TOKEN_B64_LEN) {
		token_sha256_hex(ctx->session_token, TOKEN_B64_LEN, hash);
		struct dbparam o[] = { P_STRN(hash, SHA256_HEX_LEN) };
		if (db_exec(ctx->db, sql_delete_token, o, 1, NULL, NULL, err) != 0)
			return -1;
	}
	token_new(token);
	token_sha256_hex(token, TOKEN_B64_LEN, hash);
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	struct dbparam p[] = {
		P_STRN(hash, SHA256_HEX_LEN), P_INT(user_id), P_INT(facility_id),
		P_STR(channel), P_INT(ctx->now), P_INT(ctx->now),
		P_STR(loginlog_device_type(ctx->user_agent)),
		P_STRN(addr, strnlen(addr, 45)),
	};
	if (db_exec(ctx->db, sql_insert, p, 8, NULL, &id, err) != 0)
		return -1;
	ctx->session_id = (long long)id;
	ctx->set_cookie = session_cookie(ctx->arena, token);
	ctx->new_session_token = arena_strdup(ctx->arena, token);
	if (!ctx->set_cookie || !ctx->new_session_token)
		return err_set(err, E_INTERNAL, "out of memory");
	return 0;
}

int session_rotate(struct ctx *ctx, struct err *err)
{
	char token[TOKEN_B64_LEN + 1], hash[SHA256_HEX_LEN + 1];

	token_new(token);
	token_sha256_hex(token, TOKEN_B64_LEN, hash);
	struct dbparam p[] = { P_STRN(hash, SHA256_HEX_LEN),
			       P_INT(ctx->session_id) };
	if (db_exec(ctx->db, sql_rotate, p, 2, NULL, NULL, err) != 0)
		return -1;
	ctx->set_cookie = session_cookie(ctx->arena, token);
	if (!ctx->set_cookie)
		return err_set(err, E_INTERNAL, "out of memory");
	return 0;
}

static int refuse(struct ctx *ctx, struct err *err, enum errcode code,
		  const char *msg)
{
	ctx->set_cookie = session_cookie_clear(ctx->arena);
	return err_set(err, code, "%s", msg);
}

static long long cell_ll(const struct dbres *r, size_t col)
{
	const char *s = dbres_get(r, 0, col);
	return s ? strtoll(s, NULL, 10) : 0;
}

/* The restrictions of PROTOCOL.md §3 that the session carries. */
static void state_fill(const struct dbres *r, time_t now, int is_admin,
		       struct session_state *st)
{
	long long max_age_days = cell_ll(r, 10);
	long long changed = cell_ll(r, 11);

	st->password_change_required = cell_ll(r, 9) != 0 ||
		(max_age_days > 0 && changed + max_age_days * 86400 <= now);
	st->mfa_enroll_required = is_admin && cell_ll(r, 13) != 0 &&
				  cell_ll(r, 12) == 0;
}

static int session_lookup(struct ctx *ctx, struct session_state *st,
			  int touch, struct err *err)
{
	char hash[SHA256_HEX_LEN + 1];
	const char *tok = ctx->session_token;
	struct dbres r;

	memset(st, 0, sizeof(*st));
	/* A value that cannot be one of our tokens costs no database trip. */
	if (!tok || strlen(tok) != TOKEN_B64_LEN)
		return refuse(ctx, err, E_AUTH_REQUIRED, "sign in first");
	token_sha256_hex(tok, TOKEN_B64_LEN, hash);
	struct dbparam p[] = {
		P_INT(POLICY_IDLE_TIMEOUT_S), P_INT(POLICY_MAX_AGE_DAYS),
		P_INT(POLICY_MFA_ADMINS), P_STRN(hash, SHA256_HEX_LEN),
	};
	if (db_query(ctx->db, sql_find, p, 4, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return refuse(ctx, err, E_AUTH_REQUIRED, "sign in first");

	long long id = cell_ll(&r, 0), created = cell_ll(&r, 1);
	long long seen = cell_ll(&r, 2);
	st->idle_timeout_s = (int)cell_ll(&r, 8);
	if (ctx->now - seen >= st->idle_timeout_s ||
	    ctx->now - created >= SESSION_ABSOLUTE_S) {
		struct dbparam d[] = { P_INT(id) };
		if (db_exec(ctx->db, sql_delete, d, 1, NULL, NULL, err) != 0)
			return -1;
		return refuse(ctx, err, E_SESSION_EXPIRED,
			      "the session has expired; sign in again");
	}

	const char *role = dbres_get(&r, 0, 5);
	int is_admin = role && strcmp(role, "admin") == 0;
	ctx->session_id = id;
	ctx->user_id = cell_ll(&r, 3);
	ctx->user_name = dbres_get(&r, 0, 4);
	ctx->role = is_admin ? ROLE_ADMIN : ROLE_USER;
	ctx->facility_id = cell_ll(&r, 6);
	ctx->facility_code = dbres_get(&r, 0, 7);
	state_fill(&r, ctx->now, is_admin, st);

	st->idle_remaining_s = st->idle_timeout_s - (ctx->now - seen);
	/* Seen this second already (a page's burst of requests): the clock
	 * is where it would be moved to, so no statement is spent on it. */
	if (touch && seen < ctx->now) {
		struct dbparam t[] = { P_INT(ctx->now), P_INT(id), P_INT(ctx->now) };
		if (db_exec(ctx->db, sql_touch, t, 3, NULL, NULL, err) != 0)
			return -1;
		st->idle_remaining_s = st->idle_timeout_s;
	}
	/* The absolute limit can come before the idle one. */
	if (st->idle_remaining_s > SESSION_ABSOLUTE_S - (ctx->now - created))
		st->idle_remaining_s = SESSION_ABSOLUTE_S - (ctx->now - created);
	return 0;
}

int session_check(struct ctx *ctx, struct session_state *st, struct err *err)
{
	return session_lookup(ctx, st, !ctx->background, err);
}

int session_status(struct ctx *ctx, struct session_state *st, struct err *err)
{
	return session_lookup(ctx, st, 0, err);
}

int session_close(struct ctx *ctx, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->session_id) };

	if (db_exec(ctx->db, sql_delete, p, 1, NULL, NULL, err) != 0)
		return -1;
	ctx->set_cookie = session_cookie_clear(ctx->arena);
	return 0;
}

int session_close_user(struct db *db, long long user_id, long long keep_id,
		       struct err *err)
{
	struct dbparam p[] = { P_INT(user_id), P_INT(keep_id) };

	return db_exec(db, sql_delete_user, p, 2, NULL, NULL, err);
}

static json_t *json_ts(long long t)
{
	char ts[TS_LEN + 1];

	ts_format((time_t)t, ts);
	return json_string(ts);
}

int session_list(struct ctx *ctx, long long user_id, json_t *list,
		 struct err *err)
{
	struct dbparam p[] = { P_INT(user_id), P_INT(ctx->now),
			       P_INT(POLICY_IDLE_TIMEOUT_S),
			       P_INT(ctx->now - SESSION_ABSOLUTE_S) };
	struct dbres r;

	if (db_query(ctx->db, sql_list, p, 4, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		long long id = strtoll(dbres_get(&r, i, 0), NULL, 10);
		json_array_append_new(list, json_pack("{s:I,s:b,s:s,s:s,s:s,s:o,s:o}",
			"id", (json_int_t)id,
			"current", id == ctx->session_id,
			"channel", dbres_get(&r, i, 1),
			"device", dbres_get(&r, i, 2),
			"address", dbres_get(&r, i, 3),
			"started", json_ts(strtoll(dbres_get(&r, i, 4), NULL, 10)),
			"last_seen", json_ts(strtoll(dbres_get(&r, i, 5), NULL, 10))));
	}
	return 0;
}

int session_revoke(struct ctx *ctx, long long user_id, long long id,
		   struct err *err)
{
	struct dbparam p[] = { P_INT(id), P_INT(user_id) };
	unsigned long long affected = 0;

	if (db_exec(ctx->db, sql_delete_own, p, 2, &affected, NULL, err) != 0)
		return -1;
	if (affected != 1)
		return err_set(err, E_NOT_FOUND, "no such session");
	if (id == ctx->session_id)
		ctx->set_cookie = session_cookie_clear(ctx->arena);
	return 0;
}
