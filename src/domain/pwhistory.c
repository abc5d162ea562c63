/* pwhistory — see pwhistory.h. */
#include "password.h"
#include "pwhistory.h"

static const char sql_recent[] =
	"SELECT password_hash FROM password_history WHERE user_id = ?"
	" ORDER BY id DESC LIMIT ?";

static const char sql_insert[] =
	"INSERT INTO password_history (user_id, password_hash, created_at)"
	" VALUES (?, ?, UTC_TIMESTAMP())";

static const char sql_prune[] =
	"DELETE FROM password_history WHERE user_id = ? AND id NOT IN"
	" (SELECT id FROM (SELECT id FROM password_history WHERE user_id = ?"
	" ORDER BY id DESC LIMIT ?) AS keep)";

static const char sql_set[] =
	"UPDATE users SET password_hash = ?, must_change_password = ?,"
	" password_changed_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP()"
	" WHERE id = ?";

int pwhistory_reused(struct ctx *ctx, long long user_id,
		     const char *current_hash, int n, const char *pw,
		     size_t len, struct err *err)
{
	struct dbparam p[] = { P_INT(user_id), P_INT(n > 1 ? n - 1 : 0) };
	struct dbres r;

	if (n <= 0)
		return 0;
	if (current_hash && password_verify(current_hash, pw, len))
		return 1;
	if (n == 1)
		return 0;
	if (db_query(ctx->db, sql_recent, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		if (password_verify(dbres_get(&r, i, 0), pw, len))
			return 1;
	return 0;
}

int pwhistory_push(struct ctx *ctx, long long user_id, const char *old_hash,
		   struct err *err)
{
	struct dbparam ins[] = { P_INT(user_id), old_hash ? P_STR(old_hash) : P_NULL };
	struct dbparam pr[] = { P_INT(user_id), P_INT(user_id),
				P_INT(PWHISTORY_KEEP) };

	if (old_hash && db_exec(ctx->db, sql_insert, ins, 2, NULL, NULL, err) != 0)
		return -1;
	return db_exec(ctx->db, sql_prune, pr, 3, NULL, NULL, err);
}

int pwhistory_set_password(struct ctx *ctx, long long user_id,
			   const char *old_hash, const char *new_hash,
			   int must_change, struct err *err)
{
	struct dbparam p[] = { P_STR(new_hash), P_INT(must_change != 0),
			       P_INT(user_id) };

	if (pwhistory_push(ctx, user_id, old_hash, err) != 0)
		return -1;
	return db_exec(ctx->db, sql_set, p, 3, NULL, NULL, err);
}
