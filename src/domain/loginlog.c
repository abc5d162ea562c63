/* loginlog — see loginlog.h. */
#include <string.h>
#include "alert.h"
#include "auditchain.h"
#include "loginlog.h"

static const char sql_insert[] =
	"INSERT INTO login_log (ts, facility_id, user_name, result, reason,"
	" channel, device_type, address, user_agent" AUDITCHAIN_COLUMNS ")"
	" VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?"
	AUDITCHAIN_VALUES_LOGIN_LOG ")";

const char *loginlog_device_type(const char *ua)
{
	if (!ua)
		return "other";
	/* Order matters: iPad and Android UAs also say "Mac OS X"/"Linux". */
	if (strstr(ua, "iPad"))
		return "ipad";
	if (strstr(ua, "iPhone") || strstr(ua, "iPod"))
		return "iphone";
	if (strstr(ua, "Android"))
		return strstr(ua, "Mobile") ? "android-phone" : "android-tablet";
	if (strstr(ua, "CrOS"))
		return "chromeos";
	if (strstr(ua, "Windows"))
		return "windows";
	if (strstr(ua, "Macintosh") || strstr(ua, "Mac OS X"))
		return "mac";
	if (strstr(ua, "Linux") || strstr(ua, "X11"))
		return "linux";
	return "other";
}

/* At most max bytes, cut on a character boundary (columns count
 * characters, and a half character would be refused). */
static struct dbparam text_param(const char *s, size_t max)
{
	size_t n;

	if (!s)
		return P_NULL;
	n = strnlen(s, max);
	while (n > 0 && n < strlen(s) && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return P_STRN(s, n);
}

int loginlog_write(struct ctx *ctx, long long facility_id,
		   const char *user_name, int success, const char *reason,
		   const char *channel, struct err *err)
{
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	struct dbparam p[] = {
		P_INT(ctx->now),
		facility_id ? P_INT(facility_id) : P_NULL,
		text_param(user_name, 64),
		P_STR(success ? "success" : "failure"),
		text_param(reason, 32),
		P_STR(channel),
		P_STR(loginlog_device_type(ctx->user_agent)),
		text_param(addr, 45),
		text_param(ctx->user_agent, 255),
		AUDITCHAIN_PARAMS,
	};

	if (auditchain_insert(ctx->db, ctx->arena, AUDIT_LOGIN_LOG, facility_id,
			      sql_insert, p, sizeof(p) / sizeof(p[0]), err) != 0)
		return -1;
	return alert_after_login(ctx, facility_id, user_name, success, reason,
				 channel, err);
}
