/* recovery — see recovery.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "notice.h"
#include "recovery.h"
#include "seal.h"

static const char sql_email_set[] =
	"UPDATE users SET email_sealed = ?, email_hash = ? WHERE id = ?";

static const char sql_email_stored[] =
	"SELECT email_sealed, email_hash FROM users WHERE id = ?";

static const char sql_lock_user[] =
	"SELECT id FROM users WHERE id = ? FOR UPDATE";

static const char sql_requests_count[] =
	"SELECT COALESCE(SUM(user_id = ?), 0), COUNT(*) FROM reset_requests"
	" WHERE facility_id = ? AND created_at > ?";

static const char sql_requests_insert[] =
	"INSERT INTO reset_requests (facility_id, user_id, created_at)"
	" VALUES (?, ?, ?)";

static const char sql_requests_prune[] =
	"DELETE FROM reset_requests WHERE facility_id = ? AND created_at < ?";

static const char sql_token_end_others[] =
	"DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL";

static const char sql_token_insert[] =
	"INSERT INTO password_resets (token_hash, user_id, created_at,"
	" expires_at) VALUES (?, ?, ?, ?)";

static const char sql_token_find[] =
	"SELECT id FROM password_resets WHERE token_hash = ? AND user_id = ?"
	" AND used_at IS NULL AND expires_at > ?";

static const char sql_token_use[] =
	"UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL";

int recovery_email_hash(struct ctx *ctx, const char *email, size_t len,
			char out[65], struct err *err)
{
	char *low = arena_strndup(ctx->arena, email, len);

	if (!low)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)low[i]);
	return seal_lookup_hex(ctx, low, len, out, err);
}

const char *recovery_email_open(struct ctx *ctx, long long user_id,
				const char *sealed, struct err *err)
{
	unsigned char to[256];
	size_t n = 0;
	const char *addr;

	if (seal_open_hex(ctx, sealed, to, sizeof(to) - 1, &n,
			  seal_ad_user(ctx, "email_sealed", user_id), err) != 0)
		return NULL;
	addr = arena_strndup(ctx->arena, (const char *)to, n);
	if (!addr)
		err_set(err, E_INTERNAL, "out of memory");
	return addr;
}

int recovery_email_hint(struct ctx *ctx, long long user_id, const char **hint,
			struct err *err)
{
	struct dbparam p[] = { P_INT(user_id) };
	const char *addr, *at;
	size_t first = 1;
	struct dbres r;

	*hint = NULL;
	if (db_query(ctx->db, sql_email_stored, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1 || !dbres_get(&r, 0, 0))
		return 0;
	addr = recovery_email_open(ctx, user_id, dbres_get(&r, 0, 0), err);
	if (!addr)
		return -1;
	if (!(at = strrchr(addr, '@')) || at == addr)
		return err_set(err, E_INTERNAL, "a stored recovery address has no @");
	/* One whole UTF-8 character of the local part. */
	while (addr + first < at && ((unsigned char)addr[first] & 0xC0) == 0x80)
		first++;
	*hint = arena_printf(ctx->arena, "%.*s\u2026%s", (int)first, addr, at);
	if (!*hint)
		return err_set(err, E_INTERNAL, "out of memory");
	return 0;
}

int recovery_email_set(struct ctx *ctx, long long user_id, const char *email,
		       size_t len, struct err *err)
{
	char hash[65];
	char *sealed = NULL;

	if (email) {
		if (recovery_email_hash(ctx, email, len, hash, err) != 0)
			return -1;
		sealed = seal_hex(ctx, (const unsigned char *)email, len,
				  seal_ad_user(ctx, "email_sealed", user_id),
				  err);
		if (!sealed)
			return -1;
	}
	struct dbparam p[] = {
		sealed ? P_STR(sealed) : P_NULL,
		email ? P_STRN(hash, 64) : P_NULL,
		P_INT(user_id),
	};
	return db_exec(ctx->db, sql_email_set, p, 3, NULL, NULL, err);
}

int recovery_request_allowed(struct ctx *ctx, long long facility_id,
			     long long user_id, struct err *err)
{
	struct dbparam u[] = { P_INT(user_id) };
	struct dbparam c[] = { P_INT(user_id), P_INT(facility_id),
			       P_INT(ctx->now - RECOVERY_WINDOW_S) };
	struct dbparam i[] = { P_INT(facility_id), P_INT(user_id),
			       P_INT(ctx->now) };
	struct dbparam d[] = { P_INT(facility_id), P_INT(ctx->now - 86400) };
	struct dbres r;

	if (db_query(ctx->db, sql_lock_user, u, 1, ctx->arena, &r, err) != 0 ||
	    db_query(ctx->db, sql_requests_count, c, 3, ctx->arena, &r, err) != 0)
		return -1;
	if (atoll(dbres_get(&r, 0, 0)) >= RECOVERY_MAX_PER_USER ||
	    atoll(dbres_get(&r, 0, 1)) >= RECOVERY_MAX_PER_FACILITY)
		return 0;
	if (db_exec(ctx->db, sql_requests_prune, d, 2, NULL, NULL, err) != 0 ||
	    db_exec(ctx->db, sql_requests_insert, i, 3, NULL, NULL, err) != 0)
		return -1;
	return 1;
}

int recovery_token_issue(struct ctx *ctx, long long user_id,
			 char token[TOKEN_B64_LEN + 1], struct err *err)
{
	char hash[SHA256_HEX_LEN + 1];
	struct dbparam o[] = { P_INT(user_id) };

	token_new(token);
	token_sha256_hex(token, TOKEN_B64_LEN, hash);
	struct dbparam p[] = {
		P_STRN(hash, SHA256_HEX_LEN), P_INT(user_id), P_INT(ctx->now),
		P_INT(ctx->now + RECOVERY_TOKEN_TTL_S),
	};
	if (db_exec(ctx->db, sql_token_end_others, o, 1, NULL, NULL, err) != 0)
		return -1;
	return db_exec(ctx->db, sql_token_insert, p, 4, NULL, NULL, err);
}

int recovery_token_find(struct ctx *ctx, long long user_id, const char *token,
			size_t len, long long *id, struct err *err)
{
	char hash[SHA256_HEX_LEN + 1];
	struct dbres r;

	if (len != TOKEN_B64_LEN)
		return 0;
	token_sha256_hex(token, len, hash);
	struct dbparam p[] = { P_STRN(hash, SHA256_HEX_LEN), P_INT(user_id),
			       P_INT(ctx->now) };
	if (db_query(ctx->db, sql_token_find, p, 3, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1)
		return 0;
	*id = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	return 1;
}

int recovery_token_use(struct ctx *ctx, long long id, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->now), P_INT(id) };
	unsigned long long affected = 0;

	if (db_exec(ctx->db, sql_token_use, p, 2, &affected, NULL, err) != 0)
		return -1;
	if (affected != 1)
		return err_set(err, E_AUTH_FAILED,
			       "the reset code is wrong, used or expired");
	return 0;
}

int recovery_email_replace(struct ctx *ctx, long long user_id,
			   const char *email, size_t len, int tell_first,
			   struct err *err)
{
	struct dbparam p[] = { P_INT(user_id) };
	const char *old;
	char h[65];
	struct dbres r;

	if (db_query(ctx->db, sql_email_stored, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	old = r.nrows == 1 ? dbres_get(&r, 0, 1) : NULL;
	/* Sealing takes a fresh nonce each time: compare look-up hashes. */
	if (email && recovery_email_hash(ctx, email, len, h, err) != 0)
		return -1;
	if (email ? old && strcmp(old, h) == 0 : !old)
		return 0;
	if ((old && notice_send(ctx, user_id, NOTICE_EMAIL, err) != 0) ||
	    recovery_email_set(ctx, user_id, email, len, err) != 0)
		return -1;
	if (email && (old || tell_first))
		return notice_send(ctx, user_id, NOTICE_EMAIL, err);
	return 0;
}
