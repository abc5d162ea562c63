/* alert — breach alerts (issue 12): a rule fired for a subject of a
 * facility (an account, an address, a PC, a date) becomes a row of
 * `alerts`, shown to the facility's admins in the portal (ALERT.LIST,
 * ALERT.ACK) and mailed through the outbox to its admins (unless the
 * facility turned that rule's mail off, ALERT.RULE.SET) and to the
 * operator's [alerts] operator_email when configured.
 *
 * The same rule and subject open at most one alert an hour: later events
 * within the hour only count on it (occurrences, last_at) and mail
 * nobody. No alert carries a secret or text a user typed: the detail is
 * the server's own wording, the subject a name, address, PC id or date.
 *
 * The rules themselves run where their events happen (alert_rules.c):
 * alert_after_login from the login log, alert_after_request after each
 * request, and `infosysctl alerts run` for the missed daily sync and a
 * facility PC gone quiet. */
#ifndef INFOSYS_ALERT_H
#define INFOSYS_ALERT_H

#include "ctx.h"

enum alert_rule {
	ALERT_ACCOUNT_LOCKED,
	ALERT_ADDRESS_THROTTLED,
	ALERT_DISTRIBUTED_GUESSING,
	ALERT_PHI_BURST,
	ALERT_NEW_PC,
	ALERT_ADMIN_NEW_ADDRESS,
	ALERT_DAILY_SYNC_MISSED,
	ALERT_PC_OFFLINE,
	ALERT_RULES
};

#define ALERT_DEDUP_S 3600

/* The rule's name as stored and on the wire ("account_locked", …), and
 * one sentence saying when it fires. Static strings. */
const char *alert_rule_name(enum alert_rule r);
const char *alert_rule_doc(enum alert_rule r);

/* NULL-terminated list of the names, for the verb table's enum. */
extern const char *const alert_rule_names[];

/* Told of every alert_raise that succeeded (opened: 1 for a new alert,
 * 0 for one only counted); NULL by default. The programs point it at
 * their metrics (src/http/metrics.h) so that the domain needs no
 * knowledge of how they are counted. */
extern void (*alert_counter)(enum alert_rule rule, int opened);

/* Records that rule fired for subject (cut to 128 characters) of facility
 * (ctx->now is the time): a new alert, mailed, unless one of the same rule
 * and subject was opened within ALERT_DEDUP_S; then only counted. *opened
 * (may be NULL) is 1 for a new alert. Runs in its own (nested)
 * transaction. */
int alert_raise(struct ctx *ctx, long long facility_id, enum alert_rule rule,
		const char *subject, const char *detail, int *opened,
		struct err *err);

/* The rules that watch sign-ins, run by loginlog_write for every attempt
 * it records: account locked, address throttled, distributed guessing, an
 * admin from a new address. Only a database outage or a deadlock is
 * returned as an error (the request is retried or refused); any other
 * failure is written to standard error and the sign-in goes on. */
int alert_after_login(struct ctx *ctx, long long facility_id,
		      const char *user_name, int success, const char *reason,
		      const char *channel, struct err *err);

/* The rules that watch requests, run once the answer is sent: a burst of
 * PHI refusals from one PC or user, and a sync key used by a PC name never
 * seen before. Failures go to standard error. */
void alert_after_request(struct ctx *ctx, int status, enum errcode code);


#endif
