/* ctl_alerts — `infosysctl alerts run|timezone`: the one alert rule that
 * needs a clock rather than an event (src/domain/alert.h).
 *
 *   run                     for every active facility that has run a
 *                           daily sync before: past 02:00 facility time
 *                           with no claim for today, alert
 *                           daily_sync_missed (a timer, e.g. every 15 min;
 *                           the same date is alerted at most hourly);
 *                           and for every facility PC that synced within
 *                           7 days but not for [alerts] pc_quiet_min
 *                           minutes (10, as the portal's "PC offline"),
 *                           alert pc_offline once per quiet spell: the
 *                           subject names the PC and when it went quiet,
 *                           so the spell is mailed once, not hourly
 *   timezone CODE ZONE      the facility's IANA time zone (default UTC) */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "alert.h"
#include "ctl.h"
#include "ctx.h"
#include "metrics.h"
#include "timefmt.h"

#define DAILY_DEADLINE_HOUR 2
#define PC_RETIRED_S (7 * 24 * 3600)

static const char sql_active_facilities[] =
	"SELECT id FROM facilities WHERE active = 1 ORDER BY id";

/* The PCs quiet since before the threshold but seen within the week: a
 * loose scan of ix_request_log_facility_pc_ts, one dive per PC (as the
 * dashboard's). */
static const char sql_pcs_last[] =
	"SELECT pc_id, MAX(ts) FROM request_log WHERE facility_id = ?"
	" AND pc_id IS NOT NULL GROUP BY pc_id"
	" HAVING MAX(ts) < FROM_UNIXTIME(?) AND MAX(ts) > FROM_UNIXTIME(?)";

/* An alert for this spell was raised before (kept beyond the hour). */
static const char sql_spell_alerted[] =
	"SELECT 1 FROM alert_dedup WHERE facility_id = ? AND rule = ?"
	" AND subject = ?";

static const char sql_facilities[] =
	"SELECT f.id, f.code, f.time_zone FROM facilities f WHERE f.active = 1"
	" AND EXISTS (SELECT 1 FROM daily_syncs d WHERE d.facility_id = f.id)"
	" ORDER BY f.id";

static const char sql_claimed[] =
	"SELECT 1 FROM daily_syncs WHERE facility_id = ? AND sync_date = ?";

static const char sql_set_tz[] =
	"UPDATE facilities SET time_zone = ? WHERE code = ?";

/* A zone name as the system knows it (/usr/share/zoneinfo), never a path
 * that climbs out of it. */
static int zone_valid(const char *z)
{
	char path[256];

	if (!*z || strlen(z) > 64 || strstr(z, "..") || z[0] == '/' ||
	    strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789_/+-") != strlen(z))
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	return access(path, R_OK) == 0;
}

/* The local date (YYYY-MM-DD) and hour of now in zone. */
static void local_time(const char *zone, time_t now, char date[11], int *hour)
{
	struct tm tm;

	setenv("TZ", zone_valid(zone) ? zone : "UTC", 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(date, 11, "%Y-%m-%d", &tm);
	*hour = tm.tm_hour;
}

static int check_facility(struct ctx *ctx, long long fac, const char *zone,
			  int *raised, struct err *err)
{
	char date[11];
	int hour, opened = 0;
	struct dbres r;

	local_time(zone, ctx->now, date, &hour);
	if (hour < DAILY_DEADLINE_HOUR)
		return 0;
	struct dbparam p[] = { P_INT(fac), P_STR(date) };
	if (db_query(ctx->db, sql_claimed, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	if (r.nrows > 0)
		return 0;
	if (alert_raise(ctx, fac, ALERT_DAILY_SYNC_MISSED, date,
			arena_printf(ctx->arena, "No PC claimed the daily sync of"
				     " %s by 02:00 (%s).", date, zone),
			&opened, err) != 0)
		return -1;
	*raised += opened;
	return 0;
}

static int check_pcs(struct ctx *ctx, long long fac, int *raised,
		     struct err *err)
{
	long long quiet = 60 * conf_get_int(ctx->conf, "alerts",
					    "pc_quiet_min", 10);
	struct dbparam p[] = { P_INT(fac), P_INT((long long)ctx->now - quiet),
			       P_INT((long long)ctx->now - PC_RETIRED_S) };
	struct dbres r, seen;
	char since[TS_LEN + 1];

	if (db_query(ctx->db, sql_pcs_last, p, 3, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *pc = dbres_get(&r, i, 0);
		int opened = 0;

		if (ts_from_db(dbres_get(&r, i, 1), since) != 0)
			continue;
		const char *subject = arena_printf(ctx->arena, "%s since %s",
						   pc, since);
		struct dbparam q[] = {
			P_INT(fac), P_STR(alert_rule_name(ALERT_PC_OFFLINE)),
			P_STR(subject) };
		if (db_query(ctx->db, sql_spell_alerted, q, 3, ctx->arena,
			     &seen, err) != 0)
			return -1;
		if (seen.nrows > 0)
			continue;
		if (alert_raise(ctx, fac, ALERT_PC_OFFLINE, subject,
				arena_printf(ctx->arena, "The facility PC %s has not"
					     " synced since %s: readings, queues and"
					     " alarms in the portal are out of date"
					     " until it does.", pc, since),
				&opened, err) != 0)
			return -1;
		*raised += opened;
	}
	return 0;
}

static int alerts_run(void)
{
	struct ctx ctx = { .conf = ctl_conf(), .db = ctl_db(0),
			   .arena = ctl_arena(), .now = time(NULL) };
	struct dbres r;
	struct err err;
	int raised = 0;

	if (!ctx.conf || !ctx.db || !ctx.arena)
		return CTL_FAIL;
	metrics_open(ctx.conf, METRICS_CTL);
	err_clear(&err);
	if (db_query(ctx.db, sql_facilities, NULL, 0, ctx.arena, &r, &err) != 0)
		return ctl_fail(&err);
	for (size_t i = 0; i < r.nrows; i++)
		if (check_facility(&ctx, strtoll(dbres_get(&r, i, 0), NULL, 10),
				   dbres_get(&r, i, 2), &raised, &err) != 0)
			return ctl_fail(&err);
	struct dbres all;
	if (db_query(ctx.db, sql_active_facilities, NULL, 0, ctx.arena, &all,
		     &err) != 0)
		return ctl_fail(&err);
	for (size_t i = 0; i < all.nrows; i++)
		if (check_pcs(&ctx, strtoll(dbres_get(&all, i, 0), NULL, 10),
			      &raised, &err) != 0)
			return ctl_fail(&err);
	printf("alerts: %zu facilities checked, %d new alerts\n", all.nrows, raised);
	return CTL_OK;
}

static int alerts_timezone(const char *code, const char *zone)
{
	struct db *db = ctl_db(0);
	unsigned long long n = 0;
	struct err err;

	if (!ctl_valid_code(code))
		return ctl_usage("bad facility code");
	if (!zone_valid(zone))
		return ctl_usage("unknown time zone '%s'", zone);
	if (!db)
		return CTL_FAIL;
	struct dbparam p[] = { P_STR(zone), P_STR(code) };
	err_clear(&err);
	if (db_exec(db, sql_set_tz, p, 2, &n, NULL, &err) != 0)
		return ctl_fail(&err);
	if (n == 0) {
		fprintf(stderr, "infosysctl: no facility %s (or no change)\n", code);
		return CTL_FAIL;
	}
	ctl_activity(db, 0, "facility.timezone", code);
	return CTL_OK;
}

int ctl_alerts(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "run") == 0)
		return alerts_run();
	if (argc == 4 && strcmp(argv[1], "timezone") == 0)
		return alerts_timezone(argv[2], argv[3]);
	return ctl_usage("alerts run | alerts timezone CODE ZONE");
}
