/* portal_items — the lists the portal shows (PROTOCOL.md §5): devices with
 * their latest reading, queues, alarms and commands of the caller's
 * facility, as JSON items with the protocol's key names and `ts` times.
 * DASHBOARD and the single-list verbs share them, so an item looks the
 * same wherever it appears.
 *
 * Each function appends new references to `out` (an array the caller
 * owns) and returns 0, or -1 with err set. Everything is scoped to
 * ctx->facility_id. */
#ifndef INFOSYS_PORTAL_ITEMS_H
#define INFOSYS_PORTAL_ITEMS_H

#include <jansson.h>
#include "ctx.h"

/* Newest first: {device, name | null, kind, location, unit, range
 * (portal_range_item), pc_range {min, max} | null, latest {ts, value,
 * out_of_range} | null}. */
int portal_devices(struct ctx *ctx, json_t *out, struct err *err);

/* Most recently updated first: {queue, length, wait_min, ts}. */
int portal_queues(struct ctx *ctx, json_t *out, struct err *err);

/* Newest state first: {alarm, device, status, severity, ts, message,
 * ack {user, ts, command, status} | null}; active_only limits to active. */
int portal_alarms(struct ctx *ctx, int active_only, json_t *out,
		  struct err *err);

/* Newest first, at most limit: {id, line, user, status, ts, delivered,
 * settled, result}. status NULL: any; "open": pending or delivered. */
int portal_commands(struct ctx *ctx, const char *status, long long limit,
		    json_t *out, struct err *err);

/* One command as above; NOT_FOUND when the facility has no such id. */
json_t *portal_command(struct ctx *ctx, long long id, struct err *err);

/* The range a device's readings are flagged against, the same one its PC
 * alarms on: an admin's override (DEVICE.RANGE) when set, else the PC's
 * (DEVICE.UPSERT low/high). Three columns: low, high (either may be
 * NULL: a one-sided range) and 'admin' | 'pc' | NULL (no range at all).
 * Selected from `devices d`. */
#define PORTAL_RANGE_OVERRIDDEN "(d.admin_low IS NOT NULL OR d.admin_high IS NOT NULL)"
#define PORTAL_RANGE_COLS \
	"IF(" PORTAL_RANGE_OVERRIDDEN ", d.admin_low, d.pc_low), " \
	"IF(" PORTAL_RANGE_OVERRIDDEN ", d.admin_high, d.pc_high), " \
	"IF(" PORTAL_RANGE_OVERRIDDEN ", 'admin', " \
	"IF(d.pc_low IS NULL AND d.pc_high IS NULL, NULL, 'pc'))"

/* Row i's PORTAL_RANGE_COLS starting at col as {min, max, source}
 * (min or max null when open), or JSON null; a new reference. */
json_t *portal_range_item(const struct dbres *r, size_t i, size_t col);

/* 1 when v lies outside row i's range at col (never without a range). */
int portal_range_out(const struct dbres *r, size_t i, size_t col, double v);

/* The facility's PCs, last heard from first: {pc, last_seen, quiet_s}
 * (seconds since last_seen by the server's clock, ctx->now). */
int portal_pcs(struct ctx *ctx, json_t *out, struct err *err);

/* `ts` text of a MariaDB DATETIME, or JSON null. */
json_t *portal_ts(const char *db);

#endif
