/* cmd — the command syntax of PROTOCOL.md §2.
 *
 * Works on slices of the request body and never allocates: the results
 * point into the caller's buffer, which must outlive them. Errors are
 * BAD_COMMAND with the 1-based line and byte column where parsing stopped. */
#ifndef INFOSYS_CMD_H
#define INFOSYS_CMD_H

#include <stddef.h>
#include "err.h"

#define CMD_MAX_ARGS 32
#define CMD_MAX_LINE (16 * 1024)	/* bytes, without the line end */
#define CMD_MAX_KEY 32
#define CMD_MAX_BATCH 1000

struct slice {
	const char *p;
	size_t len;
};

struct cmd_arg {
	struct slice key;
	/* The value as written; for a quoted value the bytes between the
	 * quotes with escapes still in place (see cmd_unquote). */
	struct slice raw;
	int quoted;
	int key_col;	/* byte column of the key's first byte */
	int value_col;	/* byte column of the value's first byte (the quote) */
};

struct cmd {
	int line;
	struct slice verb;
	int nargs;
	struct cmd_arg args[CMD_MAX_ARGS];
};

/* Checks the whole body (valid shortest-form UTF-8 without surrogates,
 * no NUL or control characters outside the line ends, no empty line,
 * no line over CMD_MAX_LINE) and cuts it into at most max_lines lines,
 * without their CR LF / LF. lines[] must hold max_lines slices.
 * A body with more lines than max_lines is refused, naming the first
 * line too many. */
int cmd_split(const char *body, size_t len, struct slice *lines,
	      size_t max_lines, size_t *nlines, struct err *err);

/* Parses one line (as cmd_split returned it) into out. lineno is the
 * 1-based line number used in errors. Refuses syntax errors, more than
 * CMD_MAX_ARGS arguments and a repeated key. Does not look at the verb
 * table: see bind.h. */
int cmd_parse_line(struct slice line, int lineno, struct cmd *out,
		   struct err *err);

/* 1 when c may stand in a bare (unquoted) value. */
int cmd_is_bare(unsigned char c);

/* Decodes a value's escapes into out, which must have room for
 * a->raw.len + 1 bytes; NUL-terminates it and returns the decoded length.
 * For a bare value this is a copy. */
size_t cmd_unquote(const struct cmd_arg *a, char *out);

#endif
