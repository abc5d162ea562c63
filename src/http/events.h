/* events — the programs' side of the per-facility event channels (nchan
 * in nginx, PROTOCOL.md §6 Events).
 *
 * Publishing: after a request that queued commands (portal) or settled
 * some (sync), the worker POSTs a small message to nginx's internal
 * publisher on the unix socket [events] publish_socket: "commands
 * waiting" to the facility's PC channel, the settled ids and states to
 * its portal channel. Never a command's content. The database stays the
 * truth: a lost message costs a subscriber only latency, so a failure
 * here is logged and otherwise ignored.
 *
 * Subscribing: GET /api/sync/events (sync key + PC name) and GET
 * /api/portal/events (session cookie) are authorised here and answered
 * with X-Accel-Redirect to the caller's own facility channel, which nginx
 * then holds without the program. */
#ifndef INFOSYS_EVENTS_H
#define INFOSYS_EVENTS_H

#include "ctx.h"

#define EVENTS_PATH_SYNC   "/api/sync/events"
#define EVENTS_PATH_PORTAL "/api/portal/events"
#define EVENTS_SOCKET_DEFAULT "/run/infosys/events.sock"

struct events;

/* A publisher for one worker, reading [events] publish_socket from conf.
 * NULL only when out of memory. Free with events_free. */
struct events *events_new(const struct conf *conf);
void events_free(struct events *ev);

/* Publishes what ctx asked for (ctx->commands_queued, ctx->settled). */
void events_publish(struct events *ev, const struct ctx *ctx);

/* The events resource of program p, or NULL (auth has none). */
const char *events_path(enum program p);

/* Authorises a subscription: on 0, redirect[size] is the internal
 * location of the caller's facility channel. AUTH_REQUIRED (and the
 * session's own refusals on the portal) otherwise. */
int events_authorize(struct ctx *ctx, char *redirect, size_t size,
		     struct err *err);

#endif
