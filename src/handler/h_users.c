/* h_users — the admin verbs of /api/portal for accounts, the security
 * policy and the login history (PROTOCOL.md §5): USER.LIST, USER.UNLOCK,
 * USER.RESET, USER.DISABLE, USER.ENABLE, USER.SESSIONS, USER.REVOKE,
 * USER.MFA.RESET, POLICY.GET, POLICY.SET, AUDIT.LOGINS.
 *
 * Every look-up is scoped to the caller's facility, so another facility's
 * user is NOT_FOUND. The account changes themselves are useradmin's,
 * shared with `infosysctl user`. */
#include <stdlib.h>
#include <string.h>
#include "actlog.h"
#include "audit_page.h"
#include "ctx.h"
#include "handlers.h"
#include "policy.h"
#include "reply.h"
#include "session.h"
#include "useradmin.h"


static const char sql_logins[] =
	"SELECT ts, user_name, result, reason, channel, device_type, address, id"
	" FROM login_log WHERE facility_id = ?"
	" AND (? IS NULL OR user_name = ?)" AUDIT_PAGE_SQL;

HANDLER(h_user_list)
{
	json_t *users = json_array();

	(void)call;
	json_object_set_new(data, "users", users);
	return useradmin_list(ctx, ctx->facility_id, users, err);
}

/* The named user of the caller's facility. */
static int target_find(struct ctx *ctx, const struct call *call,
		       struct useradmin_user *u, struct err *err)
{
	return useradmin_find(ctx, ctx->facility_id, call_arg(call, "user")->s,
			      u, err);
}

HANDLER(h_user_unlock)
{
	struct useradmin_user u;

	if (target_find(ctx, call, &u, err) != 0 ||
	    useradmin_unlock(ctx, &u, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "failed_logins", json_integer(0));
	json_object_set_new(data, "locked", json_false());
	return 0;
}

HANDLER(h_user_reset)
{
	struct useradmin_user u;
	const char *pw;

	if (target_find(ctx, call, &u, err) != 0 ||
	    useradmin_set_password(ctx, ctx->facility_id, &u, NULL, &pw,
				   err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "password", json_string(pw));
	json_object_set_new(data, "must_change_password", json_true());
	return 0;
}

HANDLER(h_user_disable)
{
	struct useradmin_user u;

	if (target_find(ctx, call, &u, err) != 0)
		return -1;
	if (u.id == ctx->user_id)
		return err_set(err, E_CONFLICT, "you cannot disable your own account");
	if (useradmin_disable(ctx, &u, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "status", json_string("disabled"));
	return 0;
}

HANDLER(h_user_enable)
{
	struct useradmin_user u;

	if (target_find(ctx, call, &u, err) != 0 ||
	    useradmin_enable(ctx, &u, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "status", json_string("active"));
	return 0;
}

HANDLER(h_user_sessions)
{
	json_t *list = json_array();
	struct useradmin_user u;

	json_object_set_new(data, "sessions", list);
	if (target_find(ctx, call, &u, err) != 0 ||
	    session_list(ctx, u.id, list, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	return 0;
}

HANDLER(h_user_revoke)
{
	struct useradmin_user u;

	if (target_find(ctx, call, &u, err) != 0 ||
	    db_begin(ctx->db, err) != 0)
		return -1;
	int rc = session_close_user(ctx->db, u.id, 0, err) != 0 ||
		 actlog_write(ctx, "users", "user.revoke", u.name, NULL, err) != 0;
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	if (u.id == ctx->user_id)
		ctx->set_cookie = session_cookie_clear(ctx->arena);
	json_object_set_new(data, "user", json_string(u.name));
	return 0;
}

/* Another admin's lost authenticator: the account signs in with its
 * password and enrols again in a restricted session. Its sessions end,
 * so none outlives the factor it was opened with. */
HANDLER(h_user_mfa_reset)
{
	struct useradmin_user u;

	if (target_find(ctx, call, &u, err) != 0)
		return -1;
	if (u.id == ctx->user_id)
		return err_set(err, E_CONFLICT, "another admin must reset your"
			       " two-factor sign-in");
	if (useradmin_mfa_reset(ctx, &u, err) != 0)
		return -1;
	json_object_set_new(data, "user", json_string(u.name));
	json_object_set_new(data, "mfa", json_false());
	return 0;
}

HANDLER(h_policy_get)
{
	struct policy pol;
	json_t *j;

	(void)call;
	if (policy_load(ctx, ctx->facility_id, &pol, err) != 0)
		return -1;
	j = policy_to_json(&pol);
	json_object_update(data, j);
	json_decref(j);
	return 0;
}

/* The keys of POLICY.SET, in the order of its spec, and where each goes. */
static int *policy_field(struct policy *p, const char *key)
{
	if (!strcmp(key, "idle_timeout_s")) return &p->idle_timeout_s;
	if (!strcmp(key, "min_length")) return &p->min_length;
	if (!strcmp(key, "min_score")) return &p->min_score;
	if (!strcmp(key, "require_digit")) return &p->require_digit;
	if (!strcmp(key, "require_special")) return &p->require_special;
	if (!strcmp(key, "require_mixed_case")) return &p->require_mixed_case;
	if (!strcmp(key, "max_age_days")) return &p->max_age_days;
	if (!strcmp(key, "history")) return &p->history;
	if (!strcmp(key, "mfa_admins")) return &p->mfa_admins;
	return NULL;
}

HANDLER(h_policy_set)
{
	json_t *changed = json_object();
	struct policy pol;
	char *detail;
	int rc;

	if (policy_load(ctx, ctx->facility_id, &pol, err) != 0)
		goto fail;
	for (int i = 0; i < call->verb->nargs; i++) {
		int *f = policy_field(&pol, call->verb->args[i].key);
		if (!call->v[i].present || !f)
			continue;
		*f = (int)call->v[i].n;
		json_object_set_new(changed, call->verb->args[i].key,
				    json_integer(*f));
	}
	if (json_object_size(changed) == 0) {
		err_set(err, E_BAD_ARGUMENT, "name at least one setting to change");
		goto fail;
	}
	detail = json_dumps(changed, JSON_COMPACT | JSON_SORT_KEYS);
	if (db_begin(ctx->db, err) != 0) {
		free(detail);
		goto fail;
	}
	rc = policy_store(ctx, ctx->facility_id, &pol, err) != 0 ||
	     actlog_write(ctx, "policy", "policy.set", ctx->facility_code,
			  detail, err) != 0;
	free(detail);
	json_decref(changed);
	if (db_end(ctx->db, rc, err) != 0)
		return -1;
	changed = policy_to_json(&pol);
	json_object_update(data, changed);
	json_decref(changed);
	return 0;
fail:
	json_decref(changed);
	return -1;
}

static json_t *login_item(const struct dbres *r, size_t i)
{
	const char *reason = dbres_get(r, i, 3);

	return json_pack("{s:o,s:s?,s:s,s:o,s:s,s:s?,s:s}",
			 "ts", reply_ts_or_null(dbres_get(r, i, 0)),
			 "user", dbres_get(r, i, 1),
			 "result", dbres_get(r, i, 2),
			 "reason", reason ? json_string(reason) : json_null(),
			 "channel", dbres_get(r, i, 4),
			 "device", dbres_get(r, i, 5),
			 "address", dbres_get(r, i, 6));
}

HANDLER(h_audit_logins)
{
	struct dbparam p[AUDIT_PAGE_MAX_PARAMS];
	size_t np = audit_page_params(ctx, call, 1, p);
	json_t *logins = json_array();
	struct dbres r;

	json_object_set_new(data, "logins", logins);
	if (db_query(ctx->db, sql_logins, p, np, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0, n = audit_page_rows(call, &r, 7, data); i < n; i++)
		json_array_append_new(logins, login_item(&r, i));
	return 0;
}
