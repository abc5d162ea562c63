/* loginlog — the login history (login_log, insert-only for the
 * application): every sign-in attempt with facility, the user name as
 * typed, result and reason, channel, device type, address and time. */
#ifndef INFOSYS_LOGINLOG_H
#define INFOSYS_LOGINLOG_H

#include "ctx.h"

/* Records one attempt. facility_id 0 when the facility is unknown; reason
 * NULL for a success. The user agent and address come from ctx. */
int loginlog_write(struct ctx *ctx, long long facility_id,
		   const char *user_name, int success, const char *reason,
		   const char *channel, struct err *err);

/* A coarse device type from a User-Agent: "iphone", "ipad",
 * "android-phone", "android-tablet", "windows", "mac", "linux",
 * "chromeos" or "other" (also for NULL). Static strings. */
const char *loginlog_device_type(const char *user_agent);

#endif
