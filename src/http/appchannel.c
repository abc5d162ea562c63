/* appchannel — see appchannel.h. */
#include <string.h>
#include "appchannel.h"

#define ORIGIN_SEPARATORS " \t,"

int appchannel_origin_allowed(const struct conf *c, const char *origin)
{
	const char *list = conf_get(c, "app", "origins", "");
	size_t n;

	if (!origin || !*origin)
		return 0;
	n = strlen(origin);
	if (n > APPCHANNEL_ORIGIN_MAX)
		return 0;
	for (const char *p = list; *p;) {
		size_t len;

		p += strspn(p, ORIGIN_SEPARATORS);
		len = strcspn(p, ORIGIN_SEPARATORS);
		if (len == n && memcmp(p, origin, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

int appchannel_session_token(int app, const char *cookie, const char *bearer,
			     const char **token, struct err *err)
{
	*token = NULL;
	/* Two credentials on one request: which one acts is a question no
	 * answer makes safe, so the request is refused. */
	if (cookie && bearer)
		return err_set(err, E_AUTH_REQUIRED, "send either the session "
			       "cookie or a bearer token, not both");
	if (bearer && !app)
		return err_set(err, E_AUTH_REQUIRED, "a bearer token is accepted "
			       "only from an app origin the operator allowed");
	*token = app ? bearer : cookie;
	return 0;
}

void appchannel_reply_token(json_t *reply, const char *token)
{
	json_t *data = json_object_get(reply, "data");

	if (!token || !json_is_true(json_object_get(reply, "ok")) ||
	    !json_is_object(data))
		return;
	json_object_set_new(data, "token", json_string(token));
}
