/* ctl_user_admin — `infosysctl user list|unlock|disable|enable|passwd|
 * reset-mfa`: the operator's hand on a facility's accounts, for a
 * facility whose only admin is locked out or gone, or for a support
 * desk. Each is the portal admin's action (useradmin.h), written to the
 * activity log as done by the operator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ctl.h"
#include "ctl_user.h"
#include "ctx.h"
#include "policy.h"
#include "useradmin.h"

static const char sql_facility[] =
	"SELECT id, code FROM facilities WHERE code = ?";

/* Operands: [--facility CODE] and positionals, as `user list CODE`,
 * `user disable --facility CODE NAME` or `user disable CODE NAME`. */
struct operands {
	const char *code, *name;
	int generate;		/* passwd --generate */
};

static int operands_parse(int argc, char **argv, int want_name,
			  struct operands *o)
{
	const char *pos[2] = { NULL, NULL };
	int npos = 0;

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--facility") && i + 1 < argc)
			o->code = argv[++i];
		else if (!strncmp(argv[i], "--facility=", 11))
			o->code = argv[i] + 11;
		else if (!strcmp(argv[i], "--generate") &&
			 !strcmp(argv[0], "passwd"))
			o->generate = 1;
		else if (argv[i][0] != '-' && npos < 2)
			pos[npos++] = argv[i];
		else
			return ctl_usage("unexpected argument '%s'", argv[i]);
	}
	if (!o->code && npos > 0) {
		o->code = pos[0];
		memmove(pos, pos + 1, sizeof(pos[0]));
		npos--;
	}
	if (!o->code || npos != want_name)
		return ctl_usage(want_name ? "usage: user %s --facility CODE NAME"
				 : "usage: user %s --facility CODE", argv[0]);
	o->name = pos[0];
	if (!ctl_valid_code(o->code))
		return ctl_usage("facility code must be 3 to 16 letters or digits");
	if (o->name && !ctl_valid_user_name(o->name))
		return ctl_usage("user name must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
	return CTL_OK;
}

int ctl_user_ctx(const char *code, struct ctx *ctx, struct err *err)
{
	struct dbres r;

	if (ctl_ctx(ctx, 0) != 0)
		return err_set(err, E_INTERNAL, "cannot start");
	struct dbparam p[] = { P_STR(code) };
	if (db_query(ctx->db, sql_facility, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows == 0)
		return err_set(err, E_NOT_FOUND, "no facility %s", code);
	ctx->facility_id = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	ctx->facility_code = dbres_get(&r, 0, 1);
	return 0;
}

static const char *yes_no(json_t *v)
{
	return json_is_true(v) ? "yes" : "no";
}

static int user_list(const struct operands *o)
{
	json_t *users = json_array(), *u;
	struct ctx ctx;
	struct err err;
	size_t i;

	err_clear(&err);
	if (ctl_user_ctx(o->code, &ctx, &err) != 0 ||
	    useradmin_list(&ctx, ctx.facility_id, users, &err) != 0) {
		json_decref(users);
		return ctl_fail(&err);
	}
	printf("%-24s %-5s %-8s %-6s %-6s %-3s %s\n", "NAME", "ROLE", "STATUS",
	       "LOCKED", "FAILED", "MFA", "LAST SIGN-IN");
	json_array_foreach(users, i, u) {
		json_t *last = json_object_get(u, "last_login");
		printf("%-24s %-5s %-8s %-6s %6lld %-3s %s\n",
		       json_string_value(json_object_get(u, "user")),
		       json_string_value(json_object_get(u, "role")),
		       json_string_value(json_object_get(u, "status")),
		       yes_no(json_object_get(u, "locked")),
		       (long long)json_integer_value(json_object_get(u, "failed_logins")),
		       yes_no(json_object_get(u, "mfa")),
		       json_is_string(last) ? json_string_value(last) : "never");
	}
	json_decref(users);
	return CTL_OK;
}

/* passwd: the operator's password from stdin, or a generated one shown
 * once. A password the policy refuses is a usage error; nothing changed. */
static int user_passwd(struct ctx *ctx, const struct operands *o,
		       const struct useradmin_user *u, struct err *err)
{
	char pw[POLICY_PASSWORD_MAX + 2];
	const char *shown = NULL;
	int rc;

	if (!o->generate && ctl_read_password(pw, sizeof(pw), 1) != 0)
		return CTL_USAGE;
	rc = useradmin_set_password(ctx, ctx->facility_id, u,
				    o->generate ? NULL : pw, &shown, err);
	sodium_memzero(pw, sizeof(pw));
	if (rc != 0 && err->code == E_POLICY) {
		fprintf(stderr, "infosysctl: password refused by the facility's"
			" policy: %s\n", err->msg);
		return CTL_USAGE;
	}
	if (rc != 0)
		return ctl_fail(err);
	printf("temporary password set for %s in facility %s; it must be"
	       " changed at the next sign-in\n", u->name, ctx->facility_code);
	if (o->generate)
		printf("%s\n", shown);
	return CTL_OK;
}

static int user_change(const char *verb, const struct operands *o)
{
	struct useradmin_user u;
	struct ctx ctx;
	struct err err;
	int rc = 0;

	err_clear(&err);
	if (ctl_user_ctx(o->code, &ctx, &err) != 0 ||
	    useradmin_find(&ctx, ctx.facility_id, o->name, &u, &err) != 0) {
		if (err.code == E_NOT_FOUND && ctx.facility_id)
			fprintf(stderr, "infosysctl: no user %s in facility %s\n",
				o->name, ctx.facility_code);
		else
			ctl_fail(&err);
		return CTL_FAIL;
	}
	if (!strcmp(verb, "passwd"))
		return user_passwd(&ctx, o, &u, &err);
	if (!strcmp(verb, "unlock"))
		rc = useradmin_unlock(&ctx, &u, &err);
	else if (!strcmp(verb, "disable"))
		rc = useradmin_disable(&ctx, &u, &err);
	else if (!strcmp(verb, "enable"))
		rc = useradmin_enable(&ctx, &u, &err);
	else
		rc = useradmin_mfa_reset(&ctx, &u, &err);
	if (rc != 0)
		return ctl_fail(&err);
	printf("%s: %s in facility %s\n", verb, u.name, ctx.facility_code);
	return CTL_OK;
}

int ctl_user_admin(int argc, char **argv)
{
	static const char *const verbs[] = { "unlock", "disable", "enable",
					     "passwd", "reset-mfa" };
	struct operands o;
	int rc;

	if (!strcmp(argv[0], "list")) {
		if ((rc = operands_parse(argc, argv, 0, &o)) != CTL_OK)
			return rc;
		return user_list(&o);
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[0], verbs[i])) {
			if ((rc = operands_parse(argc, argv, 1, &o)) != CTL_OK)
				return rc;
			return user_change(verbs[i], &o);
		}
	return ctl_usage("unknown user command '%s'", argv[0]);
}
