/* handlers — the verb handlers the table in verbs.c points at, one
 * declaration per verb, grouped by the module that implements them. Each
 * is a verb_handler (see verb.h): plain functions of (ctx, call) that fill
 * data or err. */
#ifndef INFOSYS_HANDLERS_H
#define INFOSYS_HANDLERS_H

#include "verb.h"

#define HANDLER(fn) int fn(struct ctx *ctx, const struct call *call, \
			   json_t *data, struct err *err)

/* §4 authentication and sessions */
/* h_auth.c */
HANDLER(h_login);
HANDLER(h_logout);
HANDLER(h_session);
HANDLER(h_password_change);
HANDLER(h_email_change);
/* h_sessions.c */
HANDLER(h_session_list);
HANDLER(h_session_revoke);
/* h_recovery.c */
HANDLER(h_password_reset_request);
HANDLER(h_password_reset);
HANDLER(h_username_recover);
/* h_mfa.c */
HANDLER(h_mfa_enroll);
HANDLER(h_mfa_confirm);

/* §5 portal */
/* h_users.c: users, policy, audit */
HANDLER(h_user_list);
HANDLER(h_user_unlock);
HANDLER(h_user_reset);
HANDLER(h_user_disable);
HANDLER(h_user_enable);
HANDLER(h_user_sessions);
HANDLER(h_user_revoke);
HANDLER(h_user_mfa_reset);
HANDLER(h_policy_get);
HANDLER(h_policy_set);
HANDLER(h_audit_logins);

/* §5 portal: h_portal.c (reads), h_commands.c (queued commands),
 * h_audit.c (audit views) */
HANDLER(h_dashboard);
/* h_series.c */
HANDLER(h_dashboard_series);
HANDLER(h_device_list);
/* h_history.c */
HANDLER(h_device_history);
HANDLER(h_readings);
HANDLER(h_device_range);
HANDLER(h_queue_list);
HANDLER(h_alarm_list);
HANDLER(h_alarm_ack);
HANDLER(h_attendance_clock);
HANDLER(h_message_post);
HANDLER(h_report_request);
/* h_reports.c */
HANDLER(h_report_list);
HANDLER(h_report_get);
HANDLER(h_command_list);
HANDLER(h_command_get);
HANDLER(h_audit_activity);
HANDLER(h_audit_requests);
HANDLER(h_audit_phi);
HANDLER(h_sync_log);
/* h_alerts.c (issue 12) */
HANDLER(h_alert_list);
HANDLER(h_alert_ack);
HANDLER(h_alert_rules);
HANDLER(h_alert_rule_set);

/* §6 PC sync: h_sync.c */
HANDLER(h_ping);
HANDLER(h_device_upsert);
HANDLER(h_reading_push);
/* h_sync_bulk.c: a run of READING.PUSH or QUEUE.PUSH lines at once
 * (verb_bulk) */
int hb_reading_push(struct ctx *ctx, const struct call *calls, size_t n,
		    json_t *results, struct err *err);
/* The one rule of a queue's current state, for QUEUE.PUSH alone and in
 * bulk: an older state never replaces a newer one. */
#define SQL_QUEUE_NEWEST_WINS \
	" ON DUPLICATE KEY UPDATE" \
	" length = IF(VALUES(ts) >= ts, VALUES(length), length)," \
	" wait_min = IF(VALUES(ts) >= ts, VALUES(wait_min), wait_min)," \
	" ts = GREATEST(ts, VALUES(ts))"
int hb_queue_push(struct ctx *ctx, const struct call *calls, size_t n,
		  json_t *results, struct err *err);
HANDLER(h_queue_push);
HANDLER(h_alarm_push);
HANDLER(h_command_poll);
HANDLER(h_command_ack);
/* h_reports.c */
HANDLER(h_report_push);
HANDLER(h_report_row);
HANDLER(h_dailysync_claim);
HANDLER(h_dailysync_report);
HANDLER(h_error_report);
/* h_sync_users.c */
HANDLER(h_user_upsert);
HANDLER(h_user_remove);
HANDLER(h_user_changes);
HANDLER(h_login_report);
/* h_update.c */
HANDLER(h_update_check);

#endif
