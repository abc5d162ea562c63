/* agent_push — `infosys-agent push [FILE]`: CSV records to sync command
 * lines, sent in batches of up to 1000 lines (each batch one transaction
 * on the server, so a refused batch kept nothing and can be fixed and sent
 * again; retries of a stored batch are no-ops).
 *
 * Records: the first field names the kind (usage() in agent_main.c);
 * fields may be quoted "…" with "" for a quote; blank lines, # comments
 * and a header line (first field "type" or "kind") are skipped. Values are
 * written in canonical form (src/proto/canon.h), so a value needing quotes gets
 * them; checking them is the server's job, and its error names the line,
 * which is mapped back to the input line here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "canon.h"

#define CSV_LINE_MAX 16384
#define CSV_FIELDS 8

struct batch {
	char *body;
	size_t len;
	int lines;
	long src[AGENT_BATCH_MAX];	/* input line of each batch line */
	long sent_lines, sent_batches;
};

/* Splits line (modified in place) into at most CSV_FIELDS fields; their
 * count, or -1 for an unterminated quote or too many fields. */
static int csv_split(char *line, char *f[CSV_FIELDS])
{
	int n = 0;
	char *r = line, *w;

	for (;;) {
		if (n == CSV_FIELDS)
			return -1;
		f[n++] = w = r;
		if (*r == '"') {
			for (r++;; r++) {
				if (*r == '\0')
					return -1;
				if (*r == '"' && r[1] == '"')
					*w++ = *r++;
				else if (*r == '"')
					break;
				else
					*w++ = *r;
			}
			r++;
			if (*r != ',' && *r != '\0')
				return -1;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r == '\0') {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
}

/* Appends " key=<canonical value>" to the batch body. */
static void put_arg(struct batch *b, const char *key, const char *value)
{
	b->len += (size_t)sprintf(b->body + b->len, " %s=", key);
	b->len += canon_value(value, strlen(value), b->body + b->len);
}

/* One record as a command line; 0, or -1 with a message. */
static int put_record(struct batch *b, char **f, int n, long lineno)
{
	static const struct {
		const char *kind, *verb;
		int min, max;
		const char *keys[7];
	} recs[] = {
		{ "reading", "READING.PUSH", 4, 4, { "device", "ts", "value" } },
		{ "queue", "QUEUE.PUSH", 5, 5, { "queue", "ts", "length", "wait_min" } },
		{ "alarm", "ALARM.PUSH", 6, 7,
		  { "alarm", "device", "status", "severity", "ts", "message" } },
		{ "device", "DEVICE.UPSERT", 4, 8,
		  { "device", "kind", "location", "unit", "low", "high", "name" } },
	};

	for (size_t r = 0; r < sizeof(recs) / sizeof(recs[0]); r++) {
		if (strcmp(f[0], recs[r].kind))
			continue;
		if (n < recs[r].min || n > recs[r].max) {
			agent_log("input line %ld: a %s record has %d to %d fields", lineno,
				  f[0], recs[r].min, recs[r].max);
			return -1;
		}
		b->len += (size_t)sprintf(b->body + b->len, "%s%s", b->lines ? "\n" : "",
					  recs[r].verb);
		for (int i = 1; i < n; i++)
			if (*f[i] || i < recs[r].min)
				put_arg(b, recs[r].keys[i - 1], f[i]);
		b->src[b->lines++] = lineno;
		return 0;
	}
	agent_log("input line %ld: unknown record '%s' (reading, queue, alarm, device)",
		  lineno, f[0]);
	return -1;
}

static int flush(struct agent *a, struct batch *b)
{
	long status = 0;
	json_t *reply = NULL;
	char msg[600];
	int rc = 0;

	if (b->lines == 0)
		return 0;
	if (agent_call_retry(a, b->body, b->len, &status, &reply) != 0)
		return -1;
	if (status != 200 || !json_is_true(json_object_get(reply, "ok"))) {
		json_int_t line = json_integer_value(json_object_get(
			json_object_get(reply, "error"), "line"));

		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("batch of %d lines refused, nothing of it kept: %s%s%ld", b->lines,
			  msg, line > 0 && line <= b->lines ? " = input line " : "",
			  line > 0 && line <= b->lines ? b->src[line - 1] : 0L);
		rc = -1;
	} else {
		b->sent_lines += b->lines;
		b->sent_batches++;
	}
	json_decref(reply);
	b->len = 0;
	b->lines = 0;
	return rc;
}

static int push_stream(struct agent *a, FILE *in, struct batch *b)
{
	char line[CSV_LINE_MAX + 2], *f[CSV_FIELDS];
	long lineno = 0;
	int n;

	while (fgets(line, sizeof(line), in)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			agent_log("input line %ld: longer than %d bytes", lineno, CSV_LINE_MAX);
			return -1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((n = csv_split(line, f)) < 0) {
			agent_log("input line %ld: bad CSV (quotes or too many fields)", lineno);
			return -1;
		}
		if (lineno == 1 && (!strcmp(f[0], "type") || !strcmp(f[0], "kind")))
			continue;
		/* Room for the longest line: every byte escaped, plus keys. */
		if (b->lines == AGENT_BATCH_MAX ||
		    b->len + 2 * CSV_LINE_MAX + 256 > AGENT_BODY_MAX)
			if (flush(a, b) != 0)
				return -1;
		if (put_record(b, f, n, lineno) != 0)
			return -1;
	}
	return flush(a, b);
}

int agent_push(struct agent *a, int argc, char **argv)
{
	struct batch *b = calloc(1, sizeof(*b));
	FILE *in = stdin;
	int rc = AGENT_FAIL;

	if (argc > 2) {
		agent_log("push takes at most one FILE");
		free(b);
		return AGENT_USAGE;
	}
	if (!b || !(b->body = malloc(AGENT_BODY_MAX + 1)))
		goto done;
	if (argc == 2 && strcmp(argv[1], "-") && !(in = fopen(argv[1], "re"))) {
		agent_log("%s: cannot open", argv[1]);
		goto done;
	}
	if (push_stream(a, in, b) == 0)
		rc = AGENT_OK;
	printf("pushed %ld lines in %ld batches\n", b->sent_lines, b->sent_batches);
	if (in != stdin)
		fclose(in);
done:
	if (b)
		free(b->body);
	free(b);
	return rc;
}
