/* ctl_purge — `infosysctl purge`: retention. Deletes log and history rows
 * older than their retention, table by table, as the purge database
 * account (which may delete those rows and nothing else; the programs'
 * accounts cannot delete a log row at all).
 *
 * Retention in days per table from [retention] (0 keeps rows forever),
 * overridden per facility by [retention.<CODE>], or for every table by
 * --older-than DAYS. Deletes go in batches of PURGE_BATCH rows so that no
 * transaction grows large (Galera replicates each as a write set).
 * Before a log table loses rows, purge_checkpoint() runs: the hook where
 * the audit chain (issue 12) records a checkpoint of what is removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define PURGE_BATCH 5000	/* the LIMIT of every DELETE below */

enum scope { BY_FACILITY, BY_DEVICE, BY_QUEUE, SENT_MAIL };

struct target {
	const char *table;
	enum scope scope;
	long days;		/* default retention */
	const char *sql_owned;	/* rows of one facility/device/queue: (id, days) */
	const char *sql_unowned;	/* rows of no facility: (days) */
};

static const struct target targets[] = {
	{ "request_log", BY_FACILITY, 90,
	  "DELETE FROM request_log WHERE facility_id = ? AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
	  "DELETE FROM request_log WHERE facility_id IS NULL AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000" },
	{ "login_log", BY_FACILITY, 365,
	  "DELETE FROM login_log WHERE facility_id = ? AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
	  "DELETE FROM login_log WHERE facility_id IS NULL AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000" },
	{ "activity_log", BY_FACILITY, 365,
	  "DELETE FROM activity_log WHERE facility_id = ? AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
	  "DELETE FROM activity_log WHERE facility_id IS NULL AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000" },
	{ "sync_log", BY_FACILITY, 365,
	  "DELETE FROM sync_log WHERE facility_id = ? AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
	  NULL },
	{ "readings", BY_DEVICE, 400,
	  "DELETE FROM readings WHERE device_id = ? AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
	  NULL },
	{ "queue_history", BY_QUEUE, 90,
	  "DELETE FROM queue_history WHERE queue_id = ? AND ts < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
	  NULL },
	{ "mail_outbox", SENT_MAIL, 30, NULL,
	  "DELETE FROM mail_outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL)"
	  " AND created_at < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000" },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static const char sql_facilities[] = "SELECT id, code FROM facilities ORDER BY id";
static const char sql_devices[] = "SELECT id FROM devices WHERE facility_id = ?";
static const char sql_queues[] = "SELECT id FROM queues WHERE facility_id = ?";

/* The audit chain's checkpoint before rows of a log table go: a no-op
 * until the tamper-evident chain (issue 12) records here what a purge
 * removes (table, facility, cutoff) so that verification can tell a purge
 * from tampering. 0, or -1 with err set to stop the purge of that table. */
static int purge_checkpoint(struct db *db, const char *table,
			    long long facility_id, long days, struct err *err)
{
	(void)db, (void)table, (void)facility_id, (void)days, (void)err;
	return 0;
}

/* Runs sql (params) until a batch deletes fewer than PURGE_BATCH rows. */
static int delete_batches(struct db *db, const char *sql,
			  const struct dbparam *p, size_t np,
			  unsigned long long *total, struct err *err)
{
	unsigned long long n;

	do {
		if (db_exec(db, sql, p, np, &n, NULL, err) != 0)
			return -1;
		*total += n;
	} while (n == PURGE_BATCH);
	return 0;
}

/* The retention of t for facility code: --older-than, [retention.CODE],
 * [retention], the default; 0 keeps forever. */
static long retention(const struct target *t, const char *code, long forced)
{
	char sec[64];
	long d = (long)conf_get_int(ctl_conf(), "retention", t->table, t->days);

	if (forced >= 0)
		return forced;
	if (code) {
		snprintf(sec, sizeof(sec), "retention.%s", code);
		d = (long)conf_get_int(ctl_conf(), sec, t->table, d);
	}
	return d < 0 ? 0 : d;
}

/* One facility's rows of t: directly, or through its devices/queues. */
static int purge_owned(struct db *db, const struct target *t, long long fid,
		       long days, unsigned long long *total, struct err *err)
{
	struct dbparam q[] = { P_INT(fid) };
	struct dbres r;

	if (t->scope == BY_FACILITY) {
		struct dbparam p[] = { P_INT(fid), P_INT(days) };

		return delete_batches(db, t->sql_owned, p, 2, total, err);
	}
	if (db_query(db, t->scope == BY_DEVICE ? sql_devices : sql_queues, q, 1,
		     ctl_arena(), &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		struct dbparam p[] = { P_INT(atoll(dbres_get(&r, i, 0))), P_INT(days) };

		if (delete_batches(db, t->sql_owned, p, 2, total, err) != 0)
			return -1;
	}
	return 0;
}

static int purge_table(struct db *db, const struct target *t,
		       const struct dbres *fac, long forced, struct err *err)
{
	unsigned long long total = 0;
	long days;

	for (size_t i = 0; t->sql_owned && i < fac->nrows; i++) {
		long long fid = atoll(dbres_get(fac, i, 0));

		days = retention(t, dbres_get(fac, i, 1), forced);
		if (days > 0 && (purge_checkpoint(db, t->table, fid, days, err) != 0 ||
				 purge_owned(db, t, fid, days, &total, err) != 0))
			return -1;
	}
	days = retention(t, NULL, forced);
	if (t->sql_unowned && days > 0) {
		struct dbparam p[] = { P_INT(days) };

		if (purge_checkpoint(db, t->table, 0, days, err) != 0 ||
		    delete_batches(db, t->sql_unowned, p, 1, &total, err) != 0)
			return -1;
	}
	printf("%s: %llu row%s deleted\n", t->table, total, total == 1 ? "" : "s");
	return 0;
}

int ctl_purge(int argc, char **argv)
{
	const char *only = NULL;
	long forced = -1;
	struct dbres fac;
	struct err err;
	struct db *db;
	int rc = CTL_OK, found = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--older-than") && i + 1 < argc &&
		    (forced = strtol(argv[i + 1], NULL, 10)) > 0 &&
		    forced <= 36500)
			i++;
		else if (!strcmp(argv[i], "--table") && i + 1 < argc)
			only = argv[++i];
		else
			return ctl_usage("usage: purge [--older-than DAYS] [--table TABLE]");
	if (!ctl_conf() || !ctl_arena() || !(db = db_new_account(ctl_conf(), "purge")))
		return CTL_FAIL;
	err_clear(&err);
	if (db_query(db, sql_facilities, NULL, 0, ctl_arena(), &fac, &err) != 0) {
		db_free(db);
		return ctl_fail(&err);
	}
	for (size_t i = 0; i < NTARGETS && rc == CTL_OK; i++) {
		if (only && strcmp(only, targets[i].table))
			continue;
		found = 1;
		if (purge_table(db, &targets[i], &fac, forced, &err) != 0)
			rc = ctl_fail(&err);
	}
	db_free(db);
	if (!found)
		return ctl_usage("no table '%s' to purge", only);
	return rc;
}
