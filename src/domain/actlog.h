/* actlog — the activity log (activity_log, insert-only for the
 * application): who did what to what, for admin actions, policy changes
 * and a user's own security changes. */
#ifndef INFOSYS_ACTLOG_H
#define INFOSYS_ACTLOG_H

#include "ctx.h"

/* One entry by the caller of ctx (facility, user name, address). target
 * and detail may be NULL; detail must never carry a secret. */
int actlog_write(struct ctx *ctx, const char *module, const char *action,
		 const char *target, const char *detail, struct err *err);

#endif
