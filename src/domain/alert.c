/* alert — see alert.h. Opening, counting and mailing an alert. */
#include <stdlib.h>
#include <string.h>
#include "alert.h"
#include "recovery.h"
#include "outbox.h"
#include "seal.h"
#include "timefmt.h"

static const struct {
	const char *name, *doc, *title;
} rules[ALERT_RULES] = {
	[ALERT_ACCOUNT_LOCKED] = { "account_locked",
		"an account was locked by failed sign-ins", "account locked" },
	[ALERT_ADDRESS_THROTTLED] = { "address_throttled",
		"an address was throttled after too many failed sign-ins"
		" (password spraying)", "address throttled" },
	[ALERT_DISTRIBUTED_GUESSING] = { "distributed_guessing",
		"many failed sign-ins for the facility from several addresses"
		" within 15 minutes", "distributed password guessing" },
	[ALERT_PHI_BURST] = { "phi_burst",
		"several requests from one PC or user refused as patient data"
		" within 15 minutes", "patient data refused repeatedly" },
	[ALERT_NEW_PC] = { "new_pc",
		"the facility's sync key was used by a PC name never seen before"
		" (the first PC of a facility is its installation)",
		"sync key used by a new PC" },
	[ALERT_ADMIN_NEW_ADDRESS] = { "admin_new_address",
		"an admin signed in from an address not seen for that admin in"
		" 30 days", "admin signed in from a new address" },
	[ALERT_DAILY_SYNC_MISSED] = { "daily_sync_missed",
		"no PC claimed the daily sync by 02:00 facility time",
		"daily sync missed" },
	[ALERT_PC_OFFLINE] = { "pc_offline",
		"a facility PC that synced in the last 7 days has been quiet for"
		" [alerts] pc_quiet_min minutes (10); once per quiet spell",
		"facility PC offline" },
};

const char *const alert_rule_names[] = {
	"account_locked", "address_throttled", "distributed_guessing",
	"phi_burst", "new_pc", "admin_new_address", "daily_sync_missed",
	"pc_offline", NULL,
};

void (*alert_counter)(enum alert_rule rule, int opened);

const char *alert_rule_name(enum alert_rule r)
{
	return rules[r].name;
}

const char *alert_rule_doc(enum alert_rule r)
{
	return rules[r].doc;
}

/* Takes the subject's row lock; alert_id 0 when no alert of it was opened
 * within the hour (MariaDB assigns left to right: alert_id is decided on
 * the old opened_at). */
static const char sql_dedup[] =
	"INSERT INTO alert_dedup (facility_id, rule, subject, alert_id, opened_at)"
	" VALUES (?, ?, ?, 0, FROM_UNIXTIME(?)) ON DUPLICATE KEY UPDATE"
	" alert_id = IF(opened_at <= FROM_UNIXTIME(?), 0, alert_id),"
	" opened_at = IF(alert_id = 0, VALUES(opened_at), opened_at)";

static const char sql_dedup_get[] =
	"SELECT alert_id FROM alert_dedup WHERE facility_id = ? AND rule = ?"
	" AND subject = ?";

static const char sql_dedup_set[] =
	"UPDATE alert_dedup SET alert_id = ? WHERE facility_id = ? AND rule = ?"
	" AND subject = ?";

static const char sql_count[] =
	"UPDATE alerts SET occurrences = occurrences + 1,"
	" last_at = GREATEST(last_at, FROM_UNIXTIME(?)) WHERE id = ?";

static const char sql_open[] =
	"INSERT INTO alerts (facility_id, rule, subject, detail, first_at,"
	" last_at) VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))";

static const char sql_mailed[] =
	"UPDATE alerts SET mailed = ? WHERE id = ?";

/* The facility's active admins with a recovery address, when the
 * facility has not turned this rule's mail off. */
static const char sql_recipients[] =
	"SELECT u.email_sealed, u.id FROM users u WHERE u.facility_id = ?"
	" AND u.role = 'admin' AND u.status = 'active'"
	" AND u.email_sealed IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	" alert_rule_mail m WHERE m.facility_id = u.facility_id AND m.rule = ?"
	" AND m.mail = 0) ORDER BY u.id";

static const char sql_facility_code[] =
	"SELECT code FROM facilities WHERE id = ?";

static const char *mail_body(struct ctx *ctx, const char *code,
			     enum alert_rule rule, const char *subject,
			     const char *detail)
{
	char ts[TS_LEN + 1];

	ts_format(ctx->now, ts);
	return arena_printf(ctx->arena,
		"Security alert for facility %s at %s (UTC):\n\n"
		"%s: %s\n%s\n\n"
		"Admins see every alert under Alerts in the portal and"
		" acknowledge it there. The same alert is mailed at most once an"
		" hour; later occurrences are counted on it.\n",
		code, ts, rules[rule].title, subject, detail);
}

static int mail_one(struct ctx *ctx, long long fac, const char *to,
		    const char *subj, const char *body, struct err *err)
{
	return outbox_enqueue(ctx, fac, "alert", to, subj, body, err);
}

static int mail_admins(struct ctx *ctx, long long fac, enum alert_rule rule,
		       const char *subj, const char *body, int *sent,
		       struct err *err)
{
	struct dbparam p[] = { P_INT(fac), P_STR(rules[rule].name) };
	struct dbres r;

	if (db_query(ctx->db, sql_recipients, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *addr = recovery_email_open(
			ctx, atoll(dbres_get(&r, i, 1)), dbres_get(&r, i, 0), err);

		if (!addr)
			return -1;
		if (mail_one(ctx, fac, addr, subj, body, err) != 0)
			return -1;
		(*sent)++;
	}
	return 0;
}

/* Queues the alert's mails; *sent counts them (the operator's too). */
static int alert_mail(struct ctx *ctx, long long fac, enum alert_rule rule,
		      const char *subject, const char *detail, int *sent,
		      struct err *err)
{
	struct dbparam p[] = { P_INT(fac) };
	const char *op = conf_get(ctx->conf, "alerts", "operator_email", NULL);
	const char *code = "?", *subj, *body;
	struct dbres r;

	if (db_query(ctx->db, sql_facility_code, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows == 1)
		code = dbres_get(&r, 0, 0);
	subj = arena_printf(ctx->arena, "Infosys %s: %s (%s)", code,
			    rules[rule].title, subject);
	body = mail_body(ctx, code, rule, subject, detail);
	if (!subj || !body)
		return err_set(err, E_INTERNAL, "out of memory");
	if (mail_admins(ctx, fac, rule, subj, body, sent, err) != 0)
		return -1;
	if (op && *op) {
		if (mail_one(ctx, fac, op, subj, body, err) != 0)
			return -1;
		(*sent)++;
	}
	return 0;
}

static int alert_open(struct ctx *ctx, long long fac, enum alert_rule rule,
		      const char *subject, const char *detail, struct err *err)
{
	unsigned long long id = 0;
	int sent = 0;
	struct dbparam p[] = { P_INT(fac), P_STR(rules[rule].name),
			       P_STR(subject), P_STR(detail),
			       P_INT((long long)ctx->now),
			       P_INT((long long)ctx->now) };

	if (db_exec(ctx->db, sql_open, p, 6, NULL, &id, err) != 0)
		return -1;
	struct dbparam s[] = { P_INT((long long)id), P_INT(fac),
			       P_STR(rules[rule].name), P_STR(subject) };
	if (db_exec(ctx->db, sql_dedup_set, s, 4, NULL, NULL, err) != 0 ||
	    alert_mail(ctx, fac, rule, subject, detail, &sent, err) != 0)
		return -1;
	struct dbparam m[] = { P_INT(sent), P_INT((long long)id) };
	return db_exec(ctx->db, sql_mailed, m, 2, NULL, NULL, err);
}

/* subject cut to at most 128 characters, on a character boundary. */
static const char *subject_cut(struct ctx *ctx, const char *s)
{
	size_t n = 0, chars = 0;

	while (s[n] && chars < 128) {
		n++;
		while (((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	return arena_strndup(ctx->arena, s, n);
}

static int raise_locked(struct ctx *ctx, long long fac, enum alert_rule rule,
			const char *subject, const char *detail, int *opened,
			struct err *err)
{
	long long now = (long long)ctx->now;
	struct dbparam d[] = { P_INT(fac), P_STR(rules[rule].name),
			       P_STR(subject), P_INT(now),
			       P_INT(now - ALERT_DEDUP_S) };
	struct dbres r;
	long long id;

	if (db_exec(ctx->db, sql_dedup, d, 5, NULL, NULL, err) != 0 ||
	    db_query(ctx->db, sql_dedup_get, d, 3, ctx->arena, &r, err) != 0)
		return -1;
	id = r.nrows ? strtoll(dbres_get(&r, 0, 0), NULL, 10) : 0;
	*opened = id == 0;
	if (id == 0)
		return alert_open(ctx, fac, rule, subject, detail, err);
	struct dbparam c[] = { P_INT(now), P_INT(id) };
	return db_exec(ctx->db, sql_count, c, 2, NULL, NULL, err);
}

int alert_raise(struct ctx *ctx, long long facility_id, enum alert_rule rule,
		const char *subject, const char *detail, int *opened,
		struct err *err)
{
	const char *subj = subject_cut(ctx, subject ? subject : "-");
	int o = 0;

	if (!subj)
		return err_set(err, E_INTERNAL, "out of memory");
	if (db_begin(ctx->db, err) != 0)
		return -1;
	if (db_end(ctx->db, raise_locked(ctx, facility_id, rule, subj, detail,
					 &o, err) != 0, err) != 0)
		return -1;
	if (alert_counter)
		alert_counter(rule, o);
	if (opened)
		*opened = o;
	return 0;
}
