#include <stdio.h>
#include <string.h>
#include "authn.h"
#include "bind.h"
#include "log.h"
#include "pipeline.h"
#include "reply.h"

#define RETRIES 3

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

/* Runs every call once; results gets one answer object per line. */
static int batch_execute(struct ctx *ctx, const struct batch *b,
			 json_t *results, struct err *err)
{
	if (b->n > 1 && db_begin(ctx->db, err) != 0)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		const struct call *c = &b->calls[i];
		json_t *data = json_object();

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

static json_t *params_redacted(const struct call *c, enum errcode code)
{
	json_t *p = json_object();

	for (int i = 0; i < c->verb->nargs; i++) {
		const struct argspec *s = &c->verb->args[i];
		const struct argval *v = &c->v[i];

		if (!v->present)
			continue;
		/* Secrets, password hashes (crackable) and e-mail addresses
		 * (sealed at rest) never reach the log; nor does a refused
		 * text, which may be the very identifier it was refused for. */
		if (s->type == AT_SECRET || s->type == AT_HASH ||
		    s->type == AT_EMAIL ||
		    (s->type == AT_TEXT && code == E_PHI_REJECTED))
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
	if (rc == 0)
		rc = batch_authorize(ctx, &b, &err);
	for (int attempt = 0; rc == 0; attempt++) {
		json_decref(results);
		results = json_array();
		err_clear(&err);
		rc = batch_execute(ctx, &b, results, &err);
		if (rc == 0 || err.code != E_RETRY || attempt + 1 >= RETRIES)
			break;
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
		out->params = params_redacted(&b.calls[0], out->code);
	}
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
