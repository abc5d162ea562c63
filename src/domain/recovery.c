/* recovery — see recovery.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "recovery.h"
#include "seal.h"

static const char sql_email_set[] =
	"UPDATE users SET email_sealed = ?, email_hash = ? WHERE id = ?";

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

int recovery_email_set(struct ctx *ctx, long long user_id, const char *email,
		       size_t len, struct err *err)
{
	char hash[65];
	char *sealed = NULL;

	if (email) {
		if (recovery_email_hash(ctx, email, len, hash, err) != 0)
			return -1;
		sealed = seal_hex(ctx, (const unsigned char *)email, len, err);
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
