#include <stdlib.h>
#include <string.h>
#include "authn.h"
#include "phi.h"
#include "bind.h"
#include "session.h"
#include "token.h"

static const char sql_facility_by_key[] =
	"SELECT id, code FROM facilities WHERE sync_key_hash = ? AND active = 1";

/* The same look-up with the command queue's "is anything due" beside it,
 * from command_due (cmdqueue.c): two primary-key reads the server plans
 * as constants, where asking `commands` itself cost a subquery's
 * planning and a range estimate on every poll. */
static const char sql_facility_by_key_due[] =
	"SELECT f.id, f.code, IFNULL(d.due_at <= ?, 0)"
	" FROM facilities f LEFT JOIN command_due d ON d.facility_id = f.id"
	" WHERE f.sync_key_hash = ? AND f.active = 1";

/* Runs sql (key hash as its last parameter, now before it when it has
 * two) and sets the caller; res keeps the row for extra columns. */
static int key_lookup(struct ctx *ctx, const char *sql, int with_now,
		      struct dbres *res, struct err *err)
{
	char hash[SHA256_HEX_LEN + 1];
	const char *key = ctx->sync_key;

	if (!ctx->pc_id || value_is_id(ctx->pc_id, strlen(ctx->pc_id)) != 0)
		return err_set(err, E_AUTH_REQUIRED,
			       "an Infosys-PC header naming the PC is required");
	/* A PC's name is made up by a person like any id (PROTOCOL.md §7). */
	if (phi_screen(ctx->pc_id, strlen(ctx->pc_id), NULL) != PHI_CLEAN)
		return err_set(err, E_PHI_REJECTED, "the Infosys-PC header looks"
			       " like patient-identifying data; name the PC by"
			       " its place or number");
	/* A key that cannot be one of ours costs no database round trip. */
	if (!key || strlen(key) != TOKEN_B64_LEN)
		return err_set(err, E_AUTH_REQUIRED, "a valid sync key is required");
	token_sha256_hex(key, TOKEN_B64_LEN, hash);
	struct dbparam p[] = { P_INT((long long)ctx->now),
			       P_STRN(hash, SHA256_HEX_LEN) };
	if (db_query(ctx->db, sql, p + !with_now, 1 + (with_now != 0),
		     ctx->arena, res, err) != 0)
		return -1;
	if (res->nrows != 1)
		return err_set(err, E_AUTH_REQUIRED, "a valid sync key is required");
	ctx->facility_id = strtoll(dbres_get(res, 0, 0), NULL, 10);
	ctx->facility_code = dbres_get(res, 0, 1);
	ctx->role = ROLE_PC;
	return 0;
}

int authn_sync_key(struct ctx *ctx, struct err *err)
{
	struct dbres res;

	return key_lookup(ctx, sql_facility_by_key, 0, &res, err);
}

int authn_sync_key_due(struct ctx *ctx, int *due, struct err *err)
{
	struct dbres res;

	if (key_lookup(ctx, sql_facility_by_key_due, 1, &res, err) != 0)
		return -1;
	*due = strcmp(dbres_get(&res, 0, 2), "0") != 0;
	return 0;
}

/* The session, and the restrictions of PROTOCOL.md §3 it may carry; the
 * verb table says which verbs stay open in each. A password change comes
 * first: until it is done nothing else, MFA enrolment included, is open,
 * so the two never lock each other out. */
static int authn_session(struct ctx *ctx, const struct verb *v,
			 struct err *err)
{
	struct session_state st;

	if (session_check(ctx, &st, err) != 0)
		return -1;
	ctx->session_restricted = st.password_change_required ||
				  st.mfa_enroll_required;
	if (st.password_change_required && !(v->flags & VF_WHILE_PASSWORD_CHANGE))
		return err_set(err, E_PASSWORD_CHANGE_REQUIRED,
			       "change your password first");
	if (st.mfa_enroll_required && !(v->flags & VF_WHILE_MFA_ENROLL))
		return err_set(err, E_MFA_ENROLL_REQUIRED,
			       "set up two-factor sign-in first");
	return 0;
}

int authn_check(struct ctx *ctx, const struct verb *v, struct err *err)
{
	if (ctx->program == PROG_SYNC) {
		if (ctx->role != ROLE_PC && authn_sync_key(ctx, err) != 0)
			return -1;
	} else if (v->roles & ROLE_ANON) {
		return 0;
	} else if (ctx->role == 0 && authn_session(ctx, v, err) != 0) {
		return -1;
	}
	if (!(v->roles & ctx->role))
		return err_set(err, E_FORBIDDEN, "your role may not use %s", v->name);
	return 0;
}
