/* mfa — see mfa.h. The pending and the enrolled secret are one value
 * moving from column mfa_pending to mfa_secret in SQL, so both are sealed
 * bound to "users.mfa_secret:<id>". */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mfa.h"
#include "seal.h"

static const char sql_secret[] =
	"SELECT mfa_secret, mfa_last_step FROM users WHERE id = ?";

static const char sql_pending[] =
	"SELECT mfa_pending, mfa_last_step FROM users WHERE id = ?";

static const char sql_use_step[] =
	"UPDATE users SET mfa_last_step = ? WHERE id = ? AND mfa_last_step < ?";

static const char sql_set_pending[] =
	"UPDATE users SET mfa_pending = ? WHERE id = ?";

static const char sql_enable[] =
	"UPDATE users SET mfa_secret = mfa_pending, mfa_pending = NULL,"
	" mfa_enabled = 1, mfa_last_step = ?, updated_at = UTC_TIMESTAMP()"
	" WHERE id = ? AND mfa_pending = ? AND mfa_last_step < ?";

/* The sealed secret in column sql's first column, opened, and the last
 * used step. 1 found, 0 none, -1 error. */
static int secret_load(struct ctx *ctx, const char *sql, long long user_id,
		       unsigned char key[TOTP_SECRET_BYTES], const char **sealed,
		       uint64_t *last, struct err *err)
{
	struct dbparam p[] = { P_INT(user_id) };
	struct dbres r;
	size_t n = 0;

	if (db_query(ctx->db, sql, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows != 1 || !dbres_get(&r, 0, 0))
		return 0;
	*sealed = dbres_get(&r, 0, 0);
	*last = strtoull(dbres_get(&r, 0, 1), NULL, 10);
	if (seal_open_hex(ctx, *sealed, key, TOTP_SECRET_BYTES, &n,
			  seal_ad_user(ctx, "mfa_secret", user_id), err) != 0)
		return -1;
	return n == TOTP_SECRET_BYTES ? 1 : err_set(err, E_INTERNAL,
						   "a TOTP secret is damaged");
}

int mfa_check_login(struct ctx *ctx, long long user_id, const char *code,
		    size_t len, struct err *err)
{
	unsigned char key[TOTP_SECRET_BYTES];
	unsigned long long affected = 0;
	const char *sealed;
	uint64_t last = 0, step;
	int rc;

	rc = secret_load(ctx, sql_secret, user_id, key, &sealed, &last, err);
	if (rc <= 0)
		return rc;
	step = totp_match(key, sizeof(key), ctx->now, MFA_WINDOW, last, code, len);
	sodium_memzero(key, sizeof(key));
	if (step == 0)
		return 0;
	struct dbparam p[] = { P_INT((long long)step), P_INT(user_id),
			       P_INT((long long)step) };
	if (db_exec(ctx->db, sql_use_step, p, 3, &affected, NULL, err) != 0)
		return -1;
	return affected == 1;
}

int mfa_enroll(struct ctx *ctx, char b32[TOTP_B32_MAX], struct err *err)
{
	unsigned char key[TOTP_SECRET_BYTES];
	char *sealed;

	randombytes_buf(key, sizeof(key));
	sealed = seal_hex(ctx, key, sizeof(key),
			  seal_ad_user(ctx, "mfa_secret", ctx->user_id), err);
	totp_base32(key, sizeof(key), b32, TOTP_B32_MAX);
	sodium_memzero(key, sizeof(key));
	if (!sealed)
		return -1;
	struct dbparam p[] = { P_STR(sealed), P_INT(ctx->user_id) };
	return db_exec(ctx->db, sql_set_pending, p, 2, NULL, NULL, err);
}

int mfa_confirm(struct ctx *ctx, const char *code, size_t len,
		struct err *err)
{
	unsigned char key[TOTP_SECRET_BYTES];
	unsigned long long affected = 0;
	const char *sealed;
	uint64_t last = 0, step;
	int rc;

	rc = secret_load(ctx, sql_pending, ctx->user_id, key, &sealed, &last, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(err, E_CONFLICT, "start with MFA.ENROLL");
	step = totp_match(key, sizeof(key), ctx->now, MFA_WINDOW, last, code, len);
	sodium_memzero(key, sizeof(key));
	if (step == 0)
		return err_set(err, E_AUTH_FAILED, "the code is wrong or was used");
	struct dbparam p[] = { P_INT((long long)step), P_INT(ctx->user_id),
			       P_STR(sealed), P_INT((long long)step) };
	if (db_exec(ctx->db, sql_enable, p, 4, &affected, NULL, err) != 0)
		return -1;
	if (affected != 1)
		return err_set(err, E_AUTH_FAILED, "the code is wrong or was used");
	return 0;
}
