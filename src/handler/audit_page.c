/* audit_page — see audit_page.h. */
#include <stdlib.h>
#include "audit_page.h"

static long long limit_of(const struct call *call)
{
	return call_arg_n(call, "limit", AUDIT_PAGE_LIMIT_DEFAULT);
}

size_t audit_page_params(const struct ctx *ctx, const struct call *call,
			 int with_user, struct dbparam *p)
{
	const struct argval *user = call_arg(call, "user");
	long long to = call_arg_n(call, "to", 0), before = call_arg_n(call, "before", 0);
	size_t n = 0;

	p[n++] = P_INT(ctx->facility_id);
	if (with_user) {
		p[n++] = user->present ? P_STR(user->s) : P_NULL;
		p[n++] = user->present ? P_STR(user->s) : P_NULL;
	}
	p[n++] = P_INT(call_arg_n(call, "from", 0));
	p[n++] = P_INT(to);
	p[n++] = P_INT(to);
	p[n++] = P_INT(before);
	p[n++] = P_INT(before);
	p[n++] = P_INT(limit_of(call) + 1);
	return n;
}

size_t audit_page_rows(const struct call *call, const struct dbres *r,
		       size_t idcol, json_t *data)
{
	size_t limit = (size_t)limit_of(call);

	if (r->nrows <= limit) {
		json_object_set_new(data, "next", json_null());
		return r->nrows;
	}
	json_object_set_new(data, "next",
			    json_integer(atoll(dbres_get(r, limit - 1, idcol))));
	return limit;
}
