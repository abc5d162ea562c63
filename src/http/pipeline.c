#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "authn.h"
#include "bind.h"
#include "log.h"
#include "pipeline.h"
#include "reply.h"

/* A deadlock, or on Galera a certification conflict (another node
 * committed a row this transaction wrote), reruns the whole request.
 * Two application nodes contending for one row (a command lease) can
 * collide again at once, so each rerun waits a random few milliseconds,
 * longer each time. */
#define RETRIES 5
#define RETRY_WAIT_MS 4

static void retry_wait(int attempt)
{
	long ms = (long)randombytes_uniform(RETRY_WAIT_MS << attempt) + 1;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct batch {
	struct slice *lines;
	size_t n;
	struct call *calls;
};

/* Everything is parsed and bound before anything runs: a bad line
 * anywhere refuses the request with nothing done. */
static int batch_bind(struct ctx *ctx, const char *body, size_t len,
		      struct batch *b, struct err *err)
{
	size_t max = ctx->program == PROG_SYNC ? CMD_MAX_BATCH : 1;
	struct cmd cmd;

	b->lines = arena_alloc(ctx->arena, max * sizeof(*b->lines));
	if (!b->lines)
		return err_set(err, E_INTERNAL, "out of memory");
	if (cmd_split(body, len, b->lines, max, &b->n, err) != 0) {
		b->n = 0;
		return -1;
	}
	b->calls = arena_calloc(ctx->arena, b->n * sizeof(*b->calls));
	if (!b->calls)
		return err_set(err, E_INTERNAL, "out of memory");
	for (size_t i = 0; i < b->n; i++) {
		if (cmd_parse_line(b->lines[i], (int)i + 1, &cmd, err) != 0)
			return -1;
		if (call_bind(&cmd, ctx->arena, ctx->now, &b->calls[i], err) != 0) {
			/* Named in the answer and the log even when refused. */
			b->calls[i].verb = verb_find(cmd.verb.p, cmd.verb.len);
			return -1;
		}
		if (!(b->calls[i].verb->program & ctx->program))
			return err_at(err, E_BAD_COMMAND, (int)i + 1, 1,
				      "unknown verb '%s' on this endpoint",
				      b->calls[i].verb->name);
	}
	return 0;
}

static int batch_authorize(struct ctx *ctx, const struct batch *b,
			   struct err *err)
{
	if (b->n == 1 && (b->calls[0].verb->flags & VF_SELF_AUTH))
		return 0;
	for (size_t i = 0; i < b->n; i++)
		if (authn_check(ctx, b->calls[i].verb, err) != 0) {
			if (b->n > 1)
				err->line = (int)i + 1;
			return -1;
		}
	return 0;
}

/* How many calls from i on run together: a run of one verb with a bulk
 * form, or just the one. */
static size_t batch_run(const struct batch *b, size_t i)
{
	size_t n = 1;

	if (b->calls[i].verb->bulk)
		while (i + n < b->n && b->calls[i + n].verb == b->calls[i].verb)
			n++;
	return n;
}

/* Runs every call once; results gets one answer object per line. */
static int batch_execute(struct ctx *ctx, const struct batch *b,
			 json_t *results, struct err *err)
{
	if (b->n > 1 && db_begin(ctx->db, err) != 0)
		return -1;
	for (size_t i = 0, run; i < b->n; i += run) {
		const struct call *c = &b->calls[i];
		json_t *data;

		if ((run = batch_run(b, i)) > 1) {
			if (c->verb->bulk(ctx, c, run, results, err) != 0) {
				db_rollback(ctx->db);
				return -1;
			}
			continue;
		}
		data = json_object();
		if (c->verb->handler(ctx, c, data, err) != 0) {
			json_decref(data);
			if (b->n > 1) {
				db_rollback(ctx->db);
				err->line = (int)i + 1;
			}
			return -1;
		}
		json_array_append_new(results, reply_ok(c->verb->name, data));
	}
	if (b->n > 1 && db_commit(ctx->db, err) != 0)
		return -1;
	return 0;
}

/* What the request log keeps of a line's arguments (PROTOCOL.md §7): for
 * an accepted request the values, but never a secret, a password hash
 * (crackable) or an e-mail address (sealed at rest); for a refused or
 * malformed one only which keys were sent — a refused value may be the
 * very identifier it was refused for, and an over-long or mistyped one
 * may carry one that screening never reached. */
static json_t *params_logged(const struct call *c, enum errcode code)
{
	json_t *p = json_object();

	for (int i = 0; i < c->verb->nargs; i++) {
		const struct argspec *s = &c->verb->args[i];
		const struct argval *v = &c->v[i];

		if (!v->present)
			continue;
		if (code != E_OK)
			json_object_set_new(p, s->key, json_string("[withheld]"));
		else if (s->type == AT_SECRET || s->type == AT_HASH ||
			 s->type == AT_EMAIL)
			json_object_set_new(p, s->key, json_string("[redacted]"));
		else
			json_object_set_new(p, s->key, json_stringn(v->s, v->len));
	}
	return p;
}

/* The server's own words about a bug or an outage go to the log, with the
 * request id the client sees; the client learns nothing of the inside. */
static void hide_details(struct ctx *ctx, struct err *err)
{
	log_error("request %s: %s: %s", ctx->request_id, err_name(err->code),
		  err->msg);
	if (err->code == E_INTERNAL)
		snprintf(err->msg, sizeof(err->msg),
			 "internal error; reference %s", ctx->request_id);
	else
		snprintf(err->msg, sizeof(err->msg),
			 "the service is unavailable; try again later "
			 "(reference %s)", ctx->request_id);
	if (ctx->retry_after == 0 && err->code == E_UNAVAILABLE)
		ctx->retry_after = 5;
}

/* A PHI refusal is counted per PC and per user (AUDIT.PHI), so the caller
 * is identified even though the request is refused: the same check as for
 * an accepted one, read-only (a background request keeps the session's
 * idle clock as it is), its own refusal ignored. */
static void identify_refused(struct ctx *ctx, const struct batch *b)
{
	struct err ignored;
	int background = ctx->background;

	for (size_t i = 0; i < b->n && b->calls; i++)
		if (b->calls[i].verb && b->calls[i].phi_rule) {
			ctx->background = 1;
			err_clear(&ignored);
			(void)authn_check(ctx, b->calls[i].verb, &ignored);
			ctx->background = background;
			return;
		}
}

void pipeline_run(struct ctx *ctx, const char *body, size_t len,
		  struct pipeline_result *out)
{
	struct batch b = { 0 };
	struct err err;
	json_t *results = NULL;
	int rc;

	err_clear(&err);
	memset(out, 0, sizeof(*out));
	rc = batch_bind(ctx, body, len, &b, &err);
	/* The known-device lane runs LOGIN alone; its handler decides. */
	if (ctx->known_device_lane &&
	    (rc != 0 || strcmp(b.calls[0].verb->name, "LOGIN") != 0)) {
		out->code = E_OTHER_LANE;
		return;
	}
	if (rc == 0)
		rc = batch_authorize(ctx, &b, &err);
	else if (err.code == E_PHI_REJECTED)
		identify_refused(ctx, &b);
	for (int attempt = 0; rc == 0; attempt++) {
		json_decref(results);
		results = json_array();
		err_clear(&err);
		rc = batch_execute(ctx, &b, results, &err);
		if (rc == 0 || err.code != E_RETRY || attempt + 1 >= RETRIES)
			break;
		out->retries++;
		if (ctx->db)
			db_reset(ctx->db);
		retry_wait(attempt);
		rc = 0;
	}
	if (rc != 0 && err.code == E_RETRY)
		err.code = E_UNAVAILABLE;
	if (rc != 0 && (err.code == E_INTERNAL || err.code == E_UNAVAILABLE))
		hide_details(ctx, &err);

	out->lines = (int)b.n;
	out->code = rc == 0 ? E_OK : err.code;
	out->status = rc == 0 ? 200 : err_http_status(err.code);
	if (b.n > 0 && b.calls[0].verb) {
		out->verb = b.calls[0].verb->name;
		out->params = params_logged(&b.calls[0], out->code);
	}
	for (size_t i = 0; out->code == E_PHI_REJECTED && i < b.n; i++)
		if (b.calls && b.calls[i].phi_rule)
			out->phi_rule = b.calls[i].phi_rule;
	if (b.n > 1) {
		out->reply = reply_batch(results, rc == 0 ? NULL : &err);
	} else if (rc == 0) {
		out->reply = json_incref(json_array_get(results, 0));
		json_decref(results);
	} else {
		json_decref(results);
		out->reply = reply_error(out->verb, &err);
	}
}
