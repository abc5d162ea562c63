/* agent_demo — `infosys-agent demo`: live, plausible data for the demo
 * facility, forever (until SIGTERM/SIGINT), so the portal has something
 * to show: eight devices with a reading each tick (default a minute) and
 * the occasional excursion raising an alarm that clears when the value
 * comes back, three queues following a clinic's day, and the commands
 * the portal queues settled "done" with a short result (written as .dat
 * files too when a commands folder is configured).
 *
 * On start it upserts the devices and fills the last two hours, so a
 * fresh portal is not empty; readings are keyed by time, so a restart
 * does not duplicate them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "agent.h"
#include "canon.h"

struct device {
	const char *id, *kind, *location;
	double lo, hi, mean;		/* acceptable range, resting value */
	double value;
	int excursion;			/* ticks left out of range; 0: none */
	double excursion_to;
	char alarm[64];			/* the active alarm's id, or "" */
};

#define DEVICE(i, k, loc, l, h, m) \
	{ .id = i, .kind = k, .location = loc, .lo = l, .hi = h, .mean = m }
static struct device devices[] = {
	DEVICE("FRIDGE-PHARM-1", "fridge", "Pharmacy vaccine fridge", 2, 8, 4.8),
	DEVICE("FRIDGE-LAB-1", "fridge", "Lab reagent fridge", 2, 8, 4.2),
	DEVICE("FRIDGE-WARD-2", "fridge", "Ward 2 medication fridge", 2, 8, 5.1),
	DEVICE("FREEZER-LAB-1", "freezer", "Lab freezer", -25, -15, -20.5),
	DEVICE("FREEZER-PHARM-1", "freezer", "Pharmacy freezer", -25, -15, -19.2),
	DEVICE("ROOM-STORE", "room", "Central store room", 15, 25, 21.0),
	DEVICE("ROOM-RECORDS", "room", "Records room", 15, 25, 20.2),
	DEVICE("INCUBATOR-MICRO", "incubator", "Microbiology incubator", 36, 38, 37.0),
};
#define NDEVICES (sizeof(devices) / sizeof(devices[0]))

static const struct {
	const char *id;
	int peak;		/* people at the busiest hour */
	int service_min;	/* minutes per person */
} queues[] = {
	{ "RECEPTION", 14, 3 }, { "LAB", 9, 6 }, { "PHARMACY", 11, 4 },
};
#define NQUEUES (sizeof(queues) / sizeof(queues[0]))

struct body {
	char *text;
	size_t len;
	int lines;
};

static double uniform(void)
{
	return randombytes_uniform(1000000) / 1000000.0;
}

/* Roughly normal noise with standard deviation sd. */
static double noise(double sd)
{
	return (uniform() + uniform() + uniform() - 1.5) * 2.0 * sd;
}

static void ts_of(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int flush(struct agent *a, struct body *b)
{
	long status = 0;
	json_t *reply = NULL;
	char msg[600];
	int ok;

	if (b->lines == 0)
		return 0;
	if (agent_call_retry(a, b->text, b->len, &status, &reply) != 0)
		return -1;
	ok = status == 200;
	if (!ok) {
		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("demo batch refused: %s", msg);
	}
	json_decref(reply);
	b->len = 0;
	b->lines = 0;
	return ok ? 0 : -1;
}

/* Appends one formatted line (values already canonical). */
static int add(struct agent *a, struct body *b, const char *line)
{
	if (b->lines == AGENT_BATCH_MAX && flush(a, b) != 0)
		return -1;
	b->len += (size_t)sprintf(b->text + b->len, "%s%s", b->lines ? "\n" : "", line);
	b->lines++;
	return 0;
}

static int upsert_devices(struct agent *a, struct body *b)
{
	char line[400];

	for (size_t i = 0; i < NDEVICES; i++) {
		/* The range the alarms below use: the portal flags by the same. */
		size_t n = (size_t)snprintf(line, sizeof(line), "DEVICE.UPSERT device=%s kind=%s"
					    " unit=C low=%.2f high=%.2f location=", devices[i].id,
					    devices[i].kind, devices[i].lo, devices[i].hi);
		line[n + canon_value(devices[i].location, strlen(devices[i].location),
				     line + n)] = '\0';
		devices[i].value = devices[i].mean;
		if (add(a, b, line) != 0)
			return -1;
	}
	return flush(a, b);
}

/* The next value of device d: back towards its resting value, or
 * drifting out of range during an excursion. */
static double step(struct device *d)
{
	double span = d->hi - d->lo, target = d->mean;

	if (d->excursion > 0) {
		target = d->excursion_to;
		d->excursion--;
	} else if (uniform() < 1.0 / 400) {
		d->excursion = 4 + (int)randombytes_uniform(8);
		d->excursion_to = uniform() < 0.7 ? d->hi + span * 0.25 : d->lo - span * 0.2;
	}
	d->value += (target - d->value) * 0.35 + noise(span * 0.02);
	return (double)(long)(d->value * 100 + (d->value < 0 ? -0.5 : 0.5)) / 100;
}

/* An alarm raised when a value leaves the range, cleared when back. */
static int alarm_for(struct agent *a, struct body *b, struct device *d,
		     double v, time_t t)
{
	int out = v < d->lo || v > d->hi;
	char line[400], ts[21];

	if (out == (d->alarm[0] != '\0'))
		return 0;
	ts_of(t, ts);
	if (out)
		snprintf(d->alarm, sizeof(d->alarm), "%s-%lld", d->id, (long long)t);
	snprintf(line, sizeof(line), "ALARM.PUSH alarm=%s device=%s status=%s severity=%s"
		 " ts=%s message=\"%s %.1f C, range %.0f to %.0f C\"", d->alarm, d->id,
		 out ? "active" : "cleared", !strcmp(d->kind, "freezer") ? "critical" : "high",
		 ts, out ? "Temperature out of range:" : "Back in range:", v, d->lo, d->hi);
	if (!out)
		d->alarm[0] = '\0';
	return add(a, b, line);
}

/* People waiting per hour of the day, as a share of the peak: busy
 * mid-morning and mid-afternoon, nearly empty at night (UTC hours stand in
 * for local ones; libm is not linked, hence a table). */
static const double day_load[25] = {
	0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.08, 0.25, 0.55, 0.85, 1.00, 0.90,
	0.60, 0.55, 0.75, 0.85, 0.70, 0.45, 0.25, 0.12, 0.06, 0.04, 0.03, 0.02, 0.02,
};

static int queue_line(char *line, size_t size, size_t q, time_t t)
{
	struct tm tm;
	double f, load;
	int len;
	char ts[21];

	gmtime_r(&t, &tm);
	f = tm.tm_min / 60.0;
	load = day_load[tm.tm_hour] * (1 - f) + day_load[tm.tm_hour + 1] * f;
	len = (int)(queues[q].peak * load + noise(1.0) + 0.5);
	len = len < 0 ? 0 : len;
	ts_of(t, ts);
	return snprintf(line, size, "QUEUE.PUSH queue=%s ts=%s length=%d wait_min=%d",
			queues[q].id, ts, len, len * queues[q].service_min);
}

/* One tick's data at time t into b. */
static int tick(struct agent *a, struct body *b, time_t t, int with_queues)
{
	char line[300], ts[21];

	ts_of(t, ts);
	for (size_t i = 0; i < NDEVICES; i++) {
		double v = step(&devices[i]);

		snprintf(line, sizeof(line), "READING.PUSH device=%s ts=%s value=%.2f",
			 devices[i].id, ts, v);
		if (add(a, b, line) != 0 || alarm_for(a, b, &devices[i], v, t) != 0)
			return -1;
	}
	for (size_t q = 0; with_queues && q < NQUEUES; q++) {
		queue_line(line, sizeof(line), q, t);
		if (add(a, b, line) != 0)
			return -1;
	}
	return 0;
}

/* Appends " key=<value canonical>" to line[0..*len). */
static void put_arg(char *line, size_t *len, const char *key, const char *value)
{
	*len += (size_t)sprintf(line + *len, " %s=", key);
	*len += canon_value(value, strlen(value), line + *len);
	line[*len] = '\0';
}

/* One report row, cells joined by tabs. */
static void put_row(struct body *b, const char *report, int n, const char *cells)
{
	char line[700];
	size_t len = (size_t)sprintf(line, "REPORT.ROW report=%s row=%d", report, n);

	put_arg(line, &len, "cells", cells);
	b->len += (size_t)sprintf(b->text + b->len, "\n%s", line);
	b->lines++;
}

/* The rows of a report of kind into b; their number. Made up like the
 * rest of the demo, from the devices' current state where there is one. */
static int report_rows(struct body *b, const char *report, const char *kind, time_t now)
{
	static const char *const items[][2] = {
		{ "Nitrile gloves, box of 100", "L-2291" }, { "Syringes 5 ml", "L-0412" },
		{ "Influenza vaccine, 10 doses", "FLU-26-118" }, { "Alcohol swabs", "L-7730" },
		{ "Saline 0.9 %, 500 ml", "S-5521" }, { "Specimen tubes", "T-0098" },
	};
	char cells[400];
	int n = 0;

	if (!strcmp(kind, "temperature")) {
		for (size_t i = 0; i < NDEVICES; i++) {
			snprintf(cells, sizeof(cells), "%s\t%s\t%.1f\t%.0f to %.0f", devices[i].id,
				 devices[i].location, devices[i].value, devices[i].lo, devices[i].hi);
			put_row(b, report, ++n, cells);
		}
	} else if (!strcmp(kind, "inventory")) {
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			snprintf(cells, sizeof(cells), "%s\t%s\t%u", items[i][0], items[i][1],
				 (unsigned)randombytes_uniform(400));
			put_row(b, report, ++n, cells);
		}
	} else {
		for (int d = 6; d >= 0; d--) {
			char day[21];

			ts_of(now - d * 86400, day);
			day[10] = '\0';
			snprintf(cells, sizeof(cells), "%s\t%u\t%u", day,
				 4 + (unsigned)randombytes_uniform(6), 30 + (unsigned)randombytes_uniform(25));
			put_row(b, report, ++n, cells);
		}
	}
	return n;
}

/* A REPORT.REQUEST answered the way the PC does: the report made and
 * uploaded (header and rows in one batch), then acknowledged. */
static const char *demo_report(struct agent *a, long long id, const char *line)
{
	static const char *const kinds[][3] = {
		{ "temperature", "Temperatures now", "Device\tLocation\tLatest (C)\tAcceptable (C)" },
		{ "inventory", "Stock on hand", "Item\tLot\tOn hand" },
		{ "attendance", "Attendance, last 7 days", "Day\tStaff on duty\tHours worked" },
	};
	static char msg[120];
	const char *k = strstr(line, " kind=");
	struct body b = { malloc(64 * 1024), 0, 0 };
	char head[600], report[32], from[21], now_ts[21];
	time_t now = time(NULL);
	size_t i = 0, len;
	int rows;

	while (i < 2 && !(k && !strncmp(k + 6, kinds[i][0], strlen(kinds[i][0]))))
		i++;
	if (!b.text)
		return "Report not made: out of memory";
	snprintf(report, sizeof(report), "RPT-%lld", id);
	b.text[0] = '\0';
	rows = report_rows(&b, report, kinds[i][0], now);
	ts_of(now, now_ts);
	ts_of(now - (i == 2 ? 7 * 86400 : 86400), from);
	len = (size_t)snprintf(head, sizeof(head), "REPORT.PUSH report=%s kind=%s ts=%s rows=%d"
			       " from=%s to=%s command=%lld", report, kinds[i][0], now_ts, rows,
			       from, now_ts, id);
	put_arg(head, &len, "title", kinds[i][1]);
	put_arg(head, &len, "columns", kinds[i][2]);
	memmove(b.text + len, b.text, b.len + 1);
	memcpy(b.text, head, len);
	b.len += len;
	b.lines++;
	if (flush(a, &b) != 0)
		snprintf(msg, sizeof(msg), "Report could not be uploaded; see the PC's log");
	else
		snprintf(msg, sizeof(msg), "Report %s uploaded: %d rows", report, rows);
	free(b.text);
	return msg;
}

static const char *demo_result(struct agent *a, long long id, const char *line)
{
	if (!strncmp(line, "ALARM.ACK ", 10))
		return "Alarm acknowledged at the facility PC";
	if (!strncmp(line, "MESSAGE.POST ", 13))
		return "Shown on the display board";
	if (!strncmp(line, "ATTENDANCE.CLOCK ", 17))
		return "Recorded by the attendance tracker";
	if (!strncmp(line, "REPORT.REQUEST ", 15))
		return demo_report(a, id, line);
	return "Done";
}

/* The last two hours, a tick apart (queues every fifth tick). */
static int backfill(struct agent *a, struct body *b, time_t now)
{
	long n = 7200 / a->tick_s;

	for (long k = n; k > 0; k--)
		if (tick(a, b, now - k * a->tick_s, k % 5 == 0) != 0)
			return -1;
	return flush(a, b);
}

int agent_demo(struct agent *a, int argc, char **argv)
{
	struct body b = { malloc(AGENT_BODY_MAX + 1), 0, 0 };
	time_t next;
	int rc = AGENT_FAIL;

	(void)argv;
	if (argc != 1 || !b.text) {
		free(b.text);
		return argc != 1 ? AGENT_USAGE : AGENT_FAIL;
	}
	/* The server may still be starting: keep trying the first step. */
	while (!agent_stopping && upsert_devices(a, &b) != 0)
		agent_sleep_ms(5000);
	if (agent_commands_clean(a) != 0 || (!agent_stopping && backfill(a, &b, time(NULL)) != 0))
		agent_log("backfill failed; going on with live data");
	agent_log("demo data for %s as %s, a reading every %ld s", a->url, a->pc, a->tick_s);
	next = time(NULL);
	while (!agent_stopping) {
		if (time(NULL) >= next) {
			if (tick(a, &b, time(NULL), 1) != 0 || flush(a, &b) != 0)
				b.len = 0, b.lines = 0;	/* lost tick; the next one follows */
			next += a->tick_s;
			if (next <= time(NULL))	/* fell behind: no burst to catch up */
				next = time(NULL) + a->tick_s;
		}
		if (agent_listen_once(a, demo_result) <= 0)
			agent_sleep_ms(a->poll_ms);
	}
	agent_log("stopped");
	rc = AGENT_OK;
	free(b.text);
	return rc;
}
