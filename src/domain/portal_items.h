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

/* Newest first: {device, kind, location, unit, range {min,max} | null,
 * latest {ts, value, out_of_range} | null}. */
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

/* The acceptable range of a device kind in its unit, for the "out of
 * range" highlight: fridge 2–8 °C, freezer −50 to −15 °C, room 15–25 °C,
 * incubator 35–38 °C (converted for °F); 0 when the kind has none. */
int portal_range(const char *kind, const char *unit, double *min,
		 double *max);

/* `ts` text of a MariaDB DATETIME, or JSON null. */
json_t *portal_ts(const char *db);

#endif
