#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "alert.h"
#include "appchannel.h"
#include "build_info.h"
#include "devicecookie.h"
#include "events.h"
#include "fcgi_server.h"
#include "health.h"
#include "log.h"
#include "metrics.h"
#include "pipeline.h"
#include "reply.h"
#include "reqlog.h"
#include "seal.h"
#include "server.h"

#define MEDIA_TYPE "application/x-infosys-command"

struct worker {
	enum program program;
	struct conf *conf;
	struct db *db;
	struct arena *arena;
	struct events *events;
	int known_device_lane;	/* auth.fcgi --known-device */
	const char *body;	/* the request's, read by fcgi_server */
	size_t body_limit;
	struct schema_gate gate;
};

static long elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000L +
	       (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* "application/x-infosys-command" with optional parameters; a charset
 * parameter, when given, must say UTF-8. */
static int media_type_ok(const char *ct)
{
	size_t n = strlen(MEDIA_TYPE);
	const char *cs;

	if (!ct || strncasecmp(ct, MEDIA_TYPE, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (*ct == '\0')
		return 1;
	if (*ct != ';')
		return 0;
	cs = strcasestr(ct, "charset=");
	if (!cs)
		return 1;
	cs += 8;
	if (*cs == '"')
		cs++;
	return strncasecmp(cs, "utf-8", 5) == 0 &&
	       (cs[5] == '\0' || cs[5] == '"' || cs[5] == ';' || cs[5] == ' ');
}

/* The value of cookie name in a Cookie header, copied into the arena. */
static const char *cookie_value(struct arena *a, const char *header,
				const char *name)
{
	size_t n = strlen(name);

	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=')
			return arena_strndup(a, p + n + 1, len - n - 1);
		p = end;
	}
	return NULL;
}

static const char *bearer_token(const char *header)
{
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	return header + 7;
}

/* The request's parameters stay valid until serve_one returns, the
 * request log included. */
static void fill_transport(struct ctx *ctx, const struct fcgi_exchange *req)
{
	const char *bg = fcgi_getparam(req, "HTTP_INFOSYS_BACKGROUND");
	unsigned char id[8];

	ctx->remote_addr = fcgi_getparam(req, "REMOTE_ADDR");
	ctx->user_agent = fcgi_getparam(req, "HTTP_USER_AGENT");
	ctx->sync_key = bearer_token(fcgi_getparam(req, "HTTP_AUTHORIZATION"));
	ctx->pc_id = fcgi_getparam(req, "HTTP_INFOSYS_PC");
	ctx->background = bg && strcmp(bg, "1") == 0;
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(ctx->request_id, sizeof(ctx->request_id), id, sizeof(id));
}

/* The session credential of /api/auth and /api/portal: the cookie in a
 * browser, the bearer token from an allow-listed app origin (appchannel.h).
 * /api/sync's bearer is the facility key and stays in ctx->sync_key. */
static int pick_credentials(struct ctx *ctx, const struct fcgi_exchange *req,
			    struct err *err)
{
	const char *origin = fcgi_getparam(req, "HTTP_ORIGIN");
	const char *cookie = cookie_value(ctx->arena,
					  fcgi_getparam(req, "HTTP_COOKIE"),
					  "__Host-sid");

	if (ctx->program == PROG_SYNC)
		return 0;
	if (ctx->program == PROG_AUTH)
		ctx->device_cookie = cookie_value(ctx->arena,
						  fcgi_getparam(req, "HTTP_COOKIE"),
						  DEVICE_COOKIE);
	if (appchannel_origin_allowed(ctx->conf, origin))
		ctx->app_origin = arena_strdup(ctx->arena, origin);
	if (appchannel_session_token(ctx->app_origin != NULL, cookie,
				     ctx->sync_key, &ctx->session_token, err) != 0)
		return -1;
	ctx->sync_key = NULL;
	return 0;
}

/* Points w->body at the request's body. Returns its length, or -1 with
 * err set. */
static long read_body(struct worker *w, struct fcgi_exchange *req,
		      struct err *err)
{
	const char *cl = fcgi_getparam(req, "CONTENT_LENGTH");
	char *end;
	long want;

	w->body = "";
	if (!cl || !*cl)
		return 0;
	want = strtol(cl, &end, 10);
	if (*end != '\0' || want < 0)
		return err_set(err, E_BAD_COMMAND, "invalid Content-Length");
	if ((size_t)want > w->body_limit)
		return err_set(err, E_TOO_LARGE, "the body is larger than %zu bytes",
			       w->body_limit);
	if (req->req->body_seen != (size_t)want)
		return err_set(err, E_BAD_COMMAND, "the body is not as long as"
			       " its Content-Length");
	if (want > 0)
		w->body = req->req->body.data;
	return want;
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* 1 when the request is for path: GET /api/health and GET /metrics are
 * the resources of this transport that are not POSTed commands (nginx
 * routes them to a program by their exact path). */
static int is_path(struct fcgi_exchange *req, const char *path)
{
	const char *uri = fcgi_getparam(req, "DOCUMENT_URI");

	return uri && !strcmp(uri, path);
}

static int is_health(struct fcgi_exchange *req)
{
	return is_path(req, "/api/health");
}

static void write_reply(struct fcgi_exchange *req, const struct ctx *ctx,
			int status, const json_t *reply, const char *allow)
{
	char *text = reply_dump(reply);

	fcgi_printf(req,
		    "Status: %d %s\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "Cache-Control: no-store\r\n"
		    "X-Content-Type-Options: nosniff\r\n", status,
		    reason_phrase(status));
	if (status == 405)
		fcgi_printf(req, "Allow: %s\r\n", allow);
	if (ctx->set_cookie)
		fcgi_printf(req, "Set-Cookie: %s\r\n", ctx->set_cookie);
	if (ctx->set_device_cookie)
		fcgi_printf(req, "Set-Cookie: %s\r\n",
			    ctx->set_device_cookie);
	if (ctx->retry_after > 0)
		fcgi_printf(req, "Retry-After: %d\r\n", ctx->retry_after);
	fcgi_printf(req, "\r\n%s\n", text ? text : "{\"ok\":false}");
	free(text);
}

/* Health is not logged: load balancers ask every few seconds. */
static void serve_health(struct worker *w, struct fcgi_exchange *req,
			 struct ctx *ctx)
{
	const char *method = fcgi_getparam(req, "REQUEST_METHOD");
	json_t *reply;
	struct err err;
	int status;

	if (!method || (strcmp(method, "GET") && strcmp(method, "HEAD"))) {
		err_set(&err, E_METHOD, "only GET is allowed here");
		status = err_http_status(err.code);
		reply = reply_error(NULL, &err);
	} else {
		reply = health_answer(w->conf, w->db, w->arena, &status);
	}
	write_reply(req, ctx, status, reply, "GET");
	fcgi_finish(req);
	json_decref(reply);
	arena_reset(w->arena);
}

/* Prometheus text of every pool's counters; nginx lets only local
 * addresses ask. Not logged, like health. */
static void serve_metrics(struct worker *w, struct fcgi_exchange *req)
{
	const char *method = fcgi_getparam(req, "REQUEST_METHOD");
	char *text = NULL;
	int get = method && !strcmp(method, "GET");

	if (get)
		text = metrics_render(w->conf);
	fcgi_printf(req, "Status: %s\r\n"
		    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		    "Cache-Control: no-store\r\n%s\r\n%s",
		    !get ? "405 Method Not Allowed" : text ? "200 OK" : "404 Not Found",
		    get ? "" : "Allow: GET\r\n",
		    !get ? "only GET\n" : text ? text : "metrics are off: set [metrics] dir\n");
	fcgi_finish(req);
	free(text);
}

/* A transport refusal: answered before any command is looked at. */
static int check_transport(struct worker *w, struct fcgi_exchange *req,
			   long *len, struct err *err)
{
	const char *method = fcgi_getparam(req, "REQUEST_METHOD");

	if (!method || strcmp(method, "POST") != 0)
		return err_set(err, E_METHOD, "only POST is allowed");
	if (!media_type_ok(fcgi_getparam(req, "CONTENT_TYPE")))
		return err_set(err, E_MEDIA_TYPE,
			       "the body must be " MEDIA_TYPE);
	*len = read_body(w, req, err);
	return *len < 0 ? -1 : 0;
}

/* The program's events resource (events.h), the one GET it answers. */
static int is_events(const struct worker *w, struct fcgi_exchange *req)
{
	const char *path = events_path(w->program);
	const char *uri = fcgi_getparam(req, "DOCUMENT_URI");

	return path && uri && strcmp(uri, path) == 0;
}

/* A subscription: authorised here, then held by nginx on the facility's
 * channel (X-Accel-Redirect); refusals are answered like any request. */
static void serve_events(struct fcgi_exchange *req, struct ctx *ctx,
			 struct pipeline_result *r)
{
	const char *method = fcgi_getparam(req, "REQUEST_METHOD");
	char redirect[64];
	struct err err;

	r->verb = "EVENTS";
	if (!method || strcmp(method, "GET") != 0)
		err_set(&err, E_METHOD, "only GET is allowed here");
	else if (events_authorize(ctx, redirect, sizeof(redirect), &err) == 0) {
		r->status = 200;
		fcgi_printf(req, "Status: 200 OK\r\n"
			    "X-Accel-Redirect: %s\r\n\r\n", redirect);
		return;
	}
	if (err.code == E_INTERNAL || err.code == E_UNAVAILABLE) {
		/* The inside stays in the log, as for any request. */
		fprintf(stderr, "request %s: %s: %s\n", ctx->request_id,
			err_name(err.code), err.msg);
		snprintf(err.msg, sizeof(err.msg), "the service is unavailable; "
			 "try again later (reference %s)", ctx->request_id);
	}
	r->code = err.code;
	r->status = err_http_status(err.code);
	r->reply = reply_error(NULL, &err);
	write_reply(req, ctx, r->status, r->reply, "GET");
}

static void serve_one(void *arg, struct fcgi_exchange *req)
{
	struct worker *w = arg;
	struct ctx ctx = { 0 };
	struct pipeline_result r = { 0 };
	struct timespec t0;
	struct err err, cred_err;
	long len = 0, us;
	int creds, refused;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ctx.arena = w->arena;
	ctx.db = w->db;
	ctx.conf = w->conf;
	ctx.program = w->program;
	ctx.known_device_lane = w->known_device_lane;
	ctx.now = time(NULL);
	fill_transport(&ctx, req);
	if (is_health(req)) {
		serve_health(w, req, &ctx);
		return;
	}
	if (is_path(req, "/metrics")) {
		serve_metrics(w, req);
		arena_reset(w->arena);
		return;
	}
	/* Which credential counts (cookie, or an app's bearer token) is
	 * settled before anything, the portal's event subscription included. */
	creds = pick_credentials(&ctx, req, &cred_err);
	if (is_events(w, req)) {
		serve_events(req, &ctx, &r);
		db_reset(w->db);
		fcgi_finish(req);
		reqlog_write(&ctx, &r, elapsed_us(&t0));
		goto done;
	}
	refused = check_transport(w, req, &len, &err) != 0;
	if (!refused && creds != 0) {
		err = cred_err;
		refused = 1;
	}
	if (!refused)
		refused = schema_gate_pass(&w->gate, w->db, w->arena, ctx.now,
					   &err) != 0;
	if (refused && ctx.known_device_lane) {
		r.code = E_OTHER_LANE;
	} else if (refused) {
		r.code = err.code;
		r.status = err_http_status(err.code);
		r.reply = reply_error(NULL, &err);
	} else {
		pipeline_run(&ctx, w->body, (size_t)len, &r);
		/* No transaction outlives its request, whatever a handler did. */
		db_reset(w->db);
		/* Counted for operators: many means rows contended across
		 * cluster nodes. */
		if (r.retries > 0)
			log_warn("request %s: %s rerun %d time(s) after a"
				 " deadlock or certification conflict",
				 ctx.request_id, r.verb ? r.verb : "-", r.retries);
	}
	/* Handed back to nginx, which passes it to the ordinary lane: that
	 * lane answers and logs it. */
	if (r.code == E_OTHER_LANE) {
		fcgi_printf(req, "Status: 421 Misdirected Request\r\n\r\n");
		fcgi_finish(req);
		goto done;
	}
	/* The app channel has no cookie: a new session's token travels in
	 * the answer, and a cleared session is the app's to forget. */
	if (ctx.app_origin) {
		appchannel_reply_token(r.reply, ctx.new_session_token);
		ctx.set_cookie = NULL;
		ctx.set_device_cookie = NULL;
	}
	write_reply(req, &ctx, r.status, r.reply, "POST");
	/* Publishing and logging follow the answer (when it is sent: see
	 * fcgi_finish). */
	fcgi_finish(req);
	us = elapsed_us(&t0);
	metrics_count(r.verb, r.code, us);
	if (r.code == E_OK)
		events_publish(w->events, &ctx);
	if (!(r.code == E_OK && r.lines == 1 && ctx.quiet))
		reqlog_write(&ctx, &r, us);
	alert_after_request(&ctx, r.status, r.code);
done:
	json_decref(ctx.settled);
	json_decref(r.reply);
	json_decref(r.params);
	arena_reset(w->arena);
}

/* The program's own database account, [database.<name>] (one account
 * per program, each with only the grants its verbs need). */
static const char *program_account(enum program program)
{
	switch (program) {
	case PROG_AUTH: return "auth";
	case PROG_PORTAL: return "portal";
	default: return "sync";
	}
}

int server_main(enum program program, int argc, char **argv)
{
	struct worker w = { .program = program };
	struct err err;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("%s.fcgi %s (schema %ld)\n", reqlog_endpoint(program),
		       INFOSYS_VERSION, schema_required());
		return 0;
	}
	/* The known-device sign-in lane is auth.fcgi in a pool of its own
	 * (devicecookie.h). */
	if (program == PROG_AUTH && argc == 2 &&
	    !strcmp(argv[1], "--known-device"))
		w.known_device_lane = 1;
	else if (argc > 1) {
		fprintf(stderr, "usage: %s.fcgi [--version%s]\n",
			reqlog_endpoint(program),
			program == PROG_AUTH ? " | --known-device" : "");
		return 2;
	}

	log_setup(reqlog_endpoint(program), NULL);
	if (sodium_init() < 0) {
		log_error("libsodium failed to initialise");
		return 1;
	}
	w.conf = conf_load(NULL, &err);
	if (!w.conf) {
		log_error("configuration: %s", err.msg);
		return 1;
	}
	log_setup(NULL, conf_get(w.conf, "log", "level", NULL));
	/* A sealing key others can read, or none, is refused now rather than
	 * at the first sign-in that needs it (issue 8 defect 6). */
	if (seal_key_check(w.conf, &err) != 0) {
		log_error("refusing to start: %s", err.msg);
		conf_free(w.conf);
		return 1;
	}
	metrics_open(w.conf, program);
	w.gate.version = -1;
	w.body_limit = program == PROG_SYNC ? BODY_LIMIT_SYNC : BODY_LIMIT_WEB;
	w.db = db_new_account(w.conf, program_account(program));
	w.arena = arena_new();
	w.events = events_new(w.conf);
	if (!w.db || !w.arena || !w.events) {
		log_error("worker startup failed");
		return 1;
	}
	log_debug("worker ready (version %s, needs schema %ld)", INFOSYS_VERSION,
		  schema_required());
	/* spawn-fcgi hands the pool's listening socket over as stdin. */
	rc = fcgi_serve_forever(0, w.body_limit, serve_one, &w);
	arena_destroy(w.arena);
	events_free(w.events);
	db_free(w.db);
	conf_free(w.conf);
	return rc;
}
