/* libFuzzer target of the command syntax: cmd_split, cmd_parse_line,
 * call_bind (the real verb table, and a local spec with every type for
 * verbs the table does not know), canon_line.
 *
 * Invariants checked (abort() on violation, so the fuzzer reports it):
 * - every error is BAD_COMMAND, BAD_ARGUMENT or (text values screened
 *   by src/phi/phi.c) PHI_REJECTED, and names a line of the body and a column
 *   within that line (1..length + 1);
 * - a bound call's canonical line parses and binds again, to the same
 *   values and the same canonical line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bind.h"
#include "canon.h"
#include "cmd.h"

#define NOW 1717243200	/* fixed, so that runs are reproducible */

static const char *const words[] = { "active", "all", "in", NULL };

static const struct argspec all_args[] = {
	{ "i", AT_INT, 0, -5, 5000, NULL, "" },
	{ "n", AT_INT, 0, 0, 0, NULL, "" },
	{ "d", AT_DEC, 0, -10000, 20000, NULL, "" },
	{ "b", AT_BOOL, 0, 0, 0, NULL, "" },
	{ "e", AT_ENUM, 0, 0, 0, words, "" },
	{ "code", AT_CODE, 0, 0, 0, NULL, "" },
	{ "name", AT_NAME, 0, 0, 0, NULL, "" },
	{ "id", AT_ID, 0, 0, 0, NULL, "" },
	{ "ts", AT_TS, 0, 0, 0, NULL, "" },
	{ "date", AT_DATE, 0, 0, 0, NULL, "" },
	{ "t", AT_TEXT, 0, 0, 20, NULL, "" },
	{ "text", AT_TEXT, 0, 0, 0, NULL, "" },
	{ "s", AT_SECRET, 0, 0, 0, NULL, "" },
	{ "h", AT_HASH, 0, 0, 0, NULL, "" },
	{ "m", AT_EMAIL, 0, 0, 0, NULL, "" },
	{ "r", AT_ID, 1, 0, 0, NULL, "" },
};

static const struct verb all_verb = {
	.name = "ALL", .program = PROG_SYNC, .roles = ROLE_PC,
	.args = all_args, .nargs = sizeof(all_args) / sizeof(all_args[0]),
};

static struct slice lines[CMD_MAX_BATCH];
static struct arena *arena;

static void require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

/* Line lineno of body (1-based) without its line end; len 0 past the
 * end. */
static struct slice body_line(const char *body, size_t len, int lineno)
{
	struct slice s = { body, 0 };
	size_t i = 0;

	for (int l = 1; l < lineno && i < len; i++)
		if (body[i] == '\n')
			l++;
	s.p = body + i;
	while (i < len && body[i] != '\n')
		i++;
	s.len = (size_t)(body + i - s.p);
	if (s.len > 0 && s.p[s.len - 1] == '\r')
		s.len--;
	return s;
}

static void check_pos(const struct err *err, struct slice line, int lineno)
{
	require(err->code == E_BAD_COMMAND || err->code == E_BAD_ARGUMENT ||
		err->code == E_PHI_REJECTED,
		"error code is BAD_COMMAND, BAD_ARGUMENT or PHI_REJECTED");
	require(err->line == lineno, "error names the line");
	require(err->column >= 1 && (size_t)err->column <= line.len + 1,
		"error column within the line");
	require(err->msg[0] != '\0', "error has a message");
}

static void check_same(const struct call *a, const struct call *b)
{
	for (int k = 0; k < a->verb->nargs; k++) {
		const struct argval *x = &a->v[k], *y = &b->v[k];
		require(x->present == y->present, "same keys after canon");
		if (!x->present)
			continue;
		require(x->len == y->len && memcmp(x->s, y->s, x->len) == 0,
			"same value after canon");
		require(x->n == y->n, "same number after canon");
	}
}

static void check_canon(const struct call *call, const struct verb *verb)
{
	struct cmd cmd2;
	struct call call2;
	struct err err;
	char *c1 = canon_line(call, arena);

	require(c1 != NULL, "canon_line allocates");
	struct slice l = { c1, strlen(c1) };
	require(cmd_parse_line(l, 1, &cmd2, &err) == 0, "canon re-parses");
	require(call_bind_verb(&cmd2, verb, arena, NOW, &call2, &err) == 0,
		"canon re-binds");
	check_same(call, &call2);
	char *c2 = canon_line(&call2, arena);
	require(c2 && strcmp(c1, c2) == 0, "canon is a fixed point");
}

static void run_line(struct slice line, int lineno)
{
	struct cmd cmd;
	struct call call;
	struct err err;
	const struct verb *verb;

	if (cmd_parse_line(line, lineno, &cmd, &err) < 0) {
		check_pos(&err, line, lineno);
		return;
	}
	require(cmd.nargs <= CMD_MAX_ARGS, "argument count bounded");
	verb = verb_find(cmd.verb.p, cmd.verb.len);
	if (verb) {
		if (call_bind(&cmd, arena, NOW, &call, &err) < 0)
			check_pos(&err, line, lineno);
	} else {
		verb = &all_verb;
	}
	if (call_bind_verb(&cmd, verb, arena, NOW, &call, &err) < 0) {
		check_pos(&err, line, lineno);
		return;
	}
	check_canon(&call, verb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct err err;
	size_t n;

	if (!arena)
		arena = arena_new();
	if (cmd_split(body, size, lines, CMD_MAX_BATCH, &n, &err) < 0) {
		check_pos(&err, body_line(body, size, err.line), err.line);
	} else {
		require(n >= 1 && n <= CMD_MAX_BATCH, "line count bounded");
		for (size_t i = 0; i < n; i++)
			run_line(lines[i], (int)i + 1);
	}
	arena_reset(arena);
	return 0;
}
