/* err — error values (err.h). The names and HTTP statuses follow
 * PROTOCOL.md §3; E_RETRY never reaches the wire on purpose, but if a bug
 * lets it through it reads as a temporary outage rather than a crash. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "err.h"

static const struct {
	const char *name;
	int status;
} codes[E__COUNT] = {
	[E_OK] = { "OK", 200 },
	[E_BAD_COMMAND] = { "BAD_COMMAND", 400 },
	[E_BAD_ARGUMENT] = { "BAD_ARGUMENT", 400 },
	[E_AUTH_FAILED] = { "AUTH_FAILED", 401 },
	[E_MFA_REQUIRED] = { "MFA_REQUIRED", 401 },
	[E_AUTH_REQUIRED] = { "AUTH_REQUIRED", 401 },
	[E_SESSION_EXPIRED] = { "SESSION_EXPIRED", 401 },
	[E_FORBIDDEN] = { "FORBIDDEN", 403 },
	[E_MFA_ENROLL_REQUIRED] = { "MFA_ENROLL_REQUIRED", 403 },
	[E_PASSWORD_CHANGE_REQUIRED] = { "PASSWORD_CHANGE_REQUIRED", 403 },
	[E_NOT_FOUND] = { "NOT_FOUND", 404 },
	[E_METHOD] = { "METHOD", 405 },
	[E_TOO_LARGE] = { "TOO_LARGE", 413 },
	[E_MEDIA_TYPE] = { "MEDIA_TYPE", 415 },
	[E_CONFLICT] = { "CONFLICT", 409 },
	[E_PHI_REJECTED] = { "PHI_REJECTED", 422 },
	[E_POLICY] = { "POLICY", 422 },
	[E_THROTTLED] = { "THROTTLED", 429 },
	[E_INTERNAL] = { "INTERNAL", 500 },
	[E_UNAVAILABLE] = { "UNAVAILABLE", 503 },
	[E_RETRY] = { "UNAVAILABLE", 503 },
	[E_OTHER_LANE] = { "OTHER_LANE", 421 },
};

static void err_vfill(struct err *err, enum errcode code, int line,
		      int column, const char *fmt, va_list ap)
{
	err->code = code;
	err->line = line;
	err->column = column;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int err_set(struct err *err, enum errcode code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vfill(err, code, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int err_at(struct err *err, enum errcode code, int line, int column,
	   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vfill(err, code, line, column, fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *err)
{
	memset(err, 0, sizeof(*err));
}

const char *err_name(enum errcode code)
{
	if ((unsigned)code >= E__COUNT || code == E_OK)
		return code == E_OK ? "OK" : "INTERNAL";
	return codes[code].name;
}

int err_http_status(enum errcode code)
{
	if ((unsigned)code >= E__COUNT)
		return 500;
	return codes[code].status;
}
