/* useradmin — what an administrator does to another account of a
 * facility: list, unlock, set a temporary password, disable, enable,
 * reset MFA. The portal's admin verbs (h_users.c) and the operator's
 * `infosysctl user` (ctl_user.c) both call these, so the two cannot drift
 * apart.
 *
 * Each change runs in one transaction together with what it implies (the
 * PCs' user change, the end of the user's sessions, the notice mail) and
 * its activity-log entry, written as ctx's caller: an admin's session, or
 * the operator when ctx->program is 0 (module "infosysctl", no user name,
 * ctx->remote_addr "local"). Strings are allocated in ctx->arena. */
#ifndef INFOSYS_USERADMIN_H
#define INFOSYS_USERADMIN_H

#include "ctx.h"

struct useradmin_user {
	long long id;
	const char *name;	/* as stored */
	const char *hash;	/* the current password hash, or NULL */
};

/* The named user of the facility; NOT_FOUND when it has none. */
int useradmin_find(struct ctx *ctx, long long facility_id, const char *name,
		   struct useradmin_user *u, struct err *err);

/* The facility's users, newest first, appended to users as USER.LIST's
 * items: user, role, status (active, disabled or locked), failed_logins,
 * locked, last_login, mfa, must_change_password. */
int useradmin_list(struct ctx *ctx, long long facility_id, json_t *users,
		   struct err *err);

/* Clears the lockout and the failure count. */
int useradmin_unlock(struct ctx *ctx, const struct useradmin_user *u,
		     struct err *err);

/* Sets a temporary password the user must change at the next sign-in,
 * clears a lockout and ends the user's sessions. pw NULL: a random one,
 * which *out then points to (shown once, never stored in clear); a given
 * pw must pass the facility's whole policy (POLICY naming the rule). */
int useradmin_set_password(struct ctx *ctx, long long facility_id,
			   const struct useradmin_user *u, const char *pw,
			   const char **out, struct err *err);

/* Disables sign-in and ends the user's sessions at once. */
int useradmin_disable(struct ctx *ctx, const struct useradmin_user *u,
		      struct err *err);

/* Allows sign-in again; a lockout stays until unlocked. */
int useradmin_enable(struct ctx *ctx, const struct useradmin_user *u,
		     struct err *err);

/* Clears the TOTP enrolment and ends the user's sessions: the account
 * signs in with its password and enrols again. */
int useradmin_mfa_reset(struct ctx *ctx, const struct useradmin_user *u,
			struct err *err);

#endif
