/* h_sessions — a user's own sessions on /api/auth (PROTOCOL.md §4,
 * ASVS 3.3.4): SESSION.LIST (with the owner's recovery address as a
 * hint, for the account page) and SESSION.REVOKE. Only the caller's own
 * sessions are ever named; another user's id is NOT_FOUND. */
#include "actlog.h"
#include "ctx.h"
#include "handlers.h"
#include "recovery.h"
#include "session.h"

HANDLER(h_session_list)
{
	json_t *list = json_array();

	const char *hint;

	(void)call;
	json_object_set_new(data, "sessions", list);
	if (recovery_email_hint(ctx, ctx->user_id, &hint, err) != 0)
		return -1;
	json_object_set_new(data, "recovery_email",
			    hint ? json_string(hint) : json_null());
	return session_list(ctx, ctx->user_id, list, err);
}

HANDLER(h_session_revoke)
{
	const struct argval *id = call_arg(call, "id");
	const struct argval *others = call_arg(call, "others");
	int all_others = others->present && others->n;

	if (id->present == all_others)
		return err_set(err, E_BAD_ARGUMENT, "give either id or others=true");
	if (all_others) {
		if (session_close_user(ctx->db, ctx->user_id, ctx->session_id,
				       err) != 0 ||
		    actlog_write(ctx, "auth", "session.revoke_others",
				 ctx->user_name, NULL, err) != 0)
			return -1;
		json_object_set_new(data, "others", json_true());
		return 0;
	}
	if (session_revoke(ctx, ctx->user_id, id->n, err) != 0 ||
	    actlog_write(ctx, "auth", "session.revoke", ctx->user_name, NULL,
			 err) != 0)
		return -1;
	json_object_set_new(data, "id", json_integer(id->n));
	return 0;
}
