/* authn — who is calling, and may they call this verb.
 *
 * /api/sync callers prove themselves with the facility sync key
 * (Authorization: Bearer) and name their PC (Infosys-PC); /api/auth and
 * /api/portal callers with the session cookie. Verbs open to ROLE_ANON
 * need neither. On success ctx's caller fields are set. */
#ifndef INFOSYS_AUTHN_H
#define INFOSYS_AUTHN_H

#include "ctx.h"
#include "verb.h"

/* AUTH_REQUIRED (or the session's own refusal) when the caller is not
 * who the verb needs; FORBIDDEN when the role may not call it. */
int authn_check(struct ctx *ctx, const struct verb *v, struct err *err);

/* The facility of a sync key; sets ctx facility_id, facility_code and
 * role ROLE_PC. AUTH_REQUIRED for a missing, malformed or unknown key or
 * a missing or malformed Infosys-PC header. */
int authn_sync_key(struct ctx *ctx, struct err *err);

/* authn_sync_key with the command queue's "is anything due for this
 * facility now" answered by the same statement (*due 0 or 1): the empty
 * COMMAND.POLL, the hottest request there is, costs one statement. */
int authn_sync_key_due(struct ctx *ctx, int *due, struct err *err);

#endif
