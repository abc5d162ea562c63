/* cmd — the command syntax of PROTOCOL.md §2 (cmd.h).
 *
 * cmd_split checks the body as a whole (encoding, control characters, line
 * lengths and count) so that cmd_parse_line only deals with the grammar of
 * one line; cmd_parse_line still refuses anything outside the grammar on
 * its own, so it is safe on any slice. Errors name the first offending byte
 * in the order the body is read. */
#include <string.h>
#include "cmd.h"
#include "utf8.h"

static int is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

static int is_seg(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_key1(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_key(unsigned char c)
{
	return is_key1(c) || (c >= '0' && c <= '9') || c == '_';
}

int cmd_is_bare(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-_.:@+/,$=", c));
}

/* Per-line state of cmd_split. in_quote only picks the wording of a
 * control-character error. */
struct split {
	const char *body;
	size_t len;
	size_t start;	/* offset of the current line */
	int line;
	int in_quote, escaped;
	struct err *err;
};

static int split_col(const struct split *s, size_t i)
{
	return (int)(i - s->start) + 1;
}

static void split_quote_state(struct split *s, unsigned char c)
{
	if (s->escaped)
		s->escaped = 0;
	else if (c == '"')
		s->in_quote = !s->in_quote;
	else if (c == '\\' && s->in_quote)
		s->escaped = 1;
}

/* Checks the byte at i (not a LF); returns its length or 0 on error. */
static size_t split_byte(struct split *s, size_t i)
{
	const unsigned char *u = (const unsigned char *)s->body;
	uint32_t cp;
	size_t n = 1;

	if (u[i] == '\r' && i + 1 < s->len && u[i + 1] == '\n')
		return 1;
	if (u[i] >= 0x80) {
		n = utf8_decode(u + i, s->len - i, &cp);
		if (n == 0) {
			err_at(s->err, E_BAD_COMMAND, s->line, split_col(s, i),
			       "invalid UTF-8");
			return 0;
		}
	}
	if (i - s->start + n > CMD_MAX_LINE) {
		err_at(s->err, E_BAD_COMMAND, s->line, split_col(s, i),
		       "line longer than %d bytes", CMD_MAX_LINE);
		return 0;
	}
	if (n > 1)
		return n;
	if (u[i] == '\r') {
		err_at(s->err, E_BAD_COMMAND, s->line, split_col(s, i),
		       "CR not followed by LF");
		return 0;
	}
	if (is_ctl(u[i])) {
		err_at(s->err, E_BAD_COMMAND, s->line, split_col(s, i),
		       "control character U+%04X%s", u[i],
		       s->in_quote ? " in quoted value" : "");
		return 0;
	}
	split_quote_state(s, u[i]);
	return 1;
}

static int split_end_line(struct split *s, size_t end, struct slice *lines,
			  size_t *nlines)
{
	size_t len = end - s->start;

	if (len > 0 && s->body[end - 1] == '\r')
		len--;
	if (len == 0)
		return err_at(s->err, E_BAD_COMMAND, s->line, 1, "empty line");
	lines[*nlines].p = s->body + s->start;
	lines[*nlines].len = len;
	(*nlines)++;
	return 0;
}

int cmd_split(const char *body, size_t len, struct slice *lines,
	      size_t max_lines, size_t *nlines, struct err *err)
{
	struct split s = { body, len, 0, 1, 0, 0, err };
	size_t i = 0;

	*nlines = 0;
	if (len == 0)
		return err_at(err, E_BAD_COMMAND, 1, 1, "empty body");
	while (i < len) {
		if (i == s.start && *nlines >= max_lines) {
			if (max_lines == 1)
				return err_at(err, E_BAD_COMMAND, s.line, 1,
				    "only one command line is allowed here");
			return err_at(err, E_BAD_COMMAND, s.line, 1,
			    "more than %zu command lines", max_lines);
		}
		if (body[i] != '\n') {
			size_t n = split_byte(&s, i);
			if (n == 0)
				return -1;
			i += n;
			continue;
		}
		if (split_end_line(&s, i, lines, nlines) < 0)
			return -1;
		s.start = ++i;
		s.line++;
		s.in_quote = s.escaped = 0;
	}
	if (s.start < len)
		return split_end_line(&s, len, lines, nlines);
	return 0;
}

/* Parser state of one line: p[0..len), column = i + 1. */
struct lex {
	const unsigned char *p;
	size_t len, i;
	int line;
	struct err *err;
};

static int lex_fail(struct lex *x, const char *what)
{
	return err_at(x->err, E_BAD_COMMAND, x->line, (int)x->i + 1, "%s",
		      what);
}

static int lex_at_end(const struct lex *x)
{
	return x->i >= x->len;
}

static int parse_verb(struct lex *x, struct cmd *out)
{
	for (;;) {
		if (lex_at_end(x) || !is_seg(x->p[x->i]))
			return lex_fail(x, x->i == 0 ? "expected a verb"
			    " (A-Z, 0-9, '_' and '.')" :
			    "expected A-Z, 0-9 or '_' in verb");
		while (!lex_at_end(x) && is_seg(x->p[x->i]))
			x->i++;
		if (lex_at_end(x) || x->p[x->i] != '.')
			break;
		x->i++;
	}
	out->verb.p = (const char *)x->p;
	out->verb.len = x->i;
	if (!lex_at_end(x) && x->p[x->i] != ' ')
		return lex_fail(x, "expected a space after the verb");
	return 0;
}

/* Moves past the space before an argument; refuses stray spaces. */
static int parse_space(struct lex *x)
{
	x->i++;
	if (lex_at_end(x)) {
		x->i--;
		return lex_fail(x, "trailing space");
	}
	if (x->p[x->i] == ' ')
		return lex_fail(x, "more than one space");
	return 0;
}

static int parse_key(struct lex *x, struct cmd_arg *a)
{
	size_t start = x->i;

	if (!is_key1(x->p[x->i]))
		return lex_fail(x, "expected a key (a-z, then a-z, 0-9, '_')");
	while (!lex_at_end(x) && is_key(x->p[x->i])) {
		if (x->i - start >= CMD_MAX_KEY)
			return lex_fail(x, "key longer than 32 bytes");
		x->i++;
	}
	a->key.p = (const char *)x->p + start;
	a->key.len = x->i - start;
	a->key_col = (int)start + 1;
	if (lex_at_end(x) || x->p[x->i] != '=')
		return lex_fail(x, "expected '=' after key");
	x->i++;
	return 0;
}

static int parse_quoted_char(struct lex *x)
{
	unsigned char c = x->p[x->i];
	uint32_t cp;

	if (c == '\\') {
		if (x->i + 1 >= x->len || !strchr("\"\\nt", x->p[x->i + 1]) ||
		    x->p[x->i + 1] == '\0')
			return lex_fail(x, "invalid escape in quoted value"
			    " (only \\\" \\\\ \\n \\t)");
		x->i += 2;
	} else if (is_ctl(c)) {
		return err_at(x->err, E_BAD_COMMAND, x->line, (int)x->i + 1,
			      "control character U+%04X in quoted value", c);
	} else if (c >= 0x80) {
		size_t n = utf8_decode(x->p + x->i, x->len - x->i, &cp);
		if (n == 0)
			return lex_fail(x, "invalid UTF-8");
		x->i += n;
	} else {
		x->i++;
	}
	return 0;
}

static int parse_quoted(struct lex *x, struct cmd_arg *a)
{
	size_t start = ++x->i;

	while (!lex_at_end(x) && x->p[x->i] != '"')
		if (parse_quoted_char(x) < 0)
			return -1;
	if (lex_at_end(x))
		return lex_fail(x, "missing closing '\"' of quoted value");
	a->raw.p = (const char *)x->p + start;
	a->raw.len = x->i - start;
	a->quoted = 1;
	x->i++;
	return 0;
}

static int parse_bare(struct lex *x, struct cmd_arg *a)
{
	size_t start = x->i;

	while (!lex_at_end(x) && cmd_is_bare(x->p[x->i]))
		x->i++;
	if (!lex_at_end(x) && x->p[x->i] != ' ') {
		if (x->p[x->i] >= 0x80)
			return lex_fail(x, "non-ASCII character in a bare value"
			    " (quote the value)");
		if (is_ctl(x->p[x->i]))
			return err_at(x->err, E_BAD_COMMAND, x->line,
			    (int)x->i + 1, "control character U+%04X",
			    x->p[x->i]);
		return err_at(x->err, E_BAD_COMMAND, x->line, (int)x->i + 1,
		    "character '%c' not allowed in a bare value (quote the"
		    " value)", x->p[x->i]);
	}
	if (x->i == start)
		return lex_fail(x, "empty value (write \"\" for an empty"
		    " value)");
	a->raw.p = (const char *)x->p + start;
	a->raw.len = x->i - start;
	a->quoted = 0;
	return 0;
}

static int parse_arg(struct lex *x, struct cmd *out)
{
	struct cmd_arg a;

	if (parse_space(x) < 0)
		return -1;
	if (out->nargs >= CMD_MAX_ARGS)
		return err_at(x->err, E_BAD_COMMAND, x->line, (int)x->i + 1,
			      "more than %d arguments", CMD_MAX_ARGS);
	if (parse_key(x, &a) < 0)
		return -1;
	for (int k = 0; k < out->nargs; k++)
		if (out->args[k].key.len == a.key.len &&
		    memcmp(out->args[k].key.p, a.key.p, a.key.len) == 0)
			return err_at(x->err, E_BAD_COMMAND, x->line, a.key_col,
				      "key '%.*s' repeated", (int)a.key.len,
				      a.key.p);
	a.value_col = (int)x->i + 1;
	if (!lex_at_end(x) && x->p[x->i] == '"') {
		if (parse_quoted(x, &a) < 0)
			return -1;
		if (!lex_at_end(x) && x->p[x->i] != ' ')
			return lex_fail(x, "expected a space after the quoted"
			    " value");
	} else if (parse_bare(x, &a) < 0) {
		return -1;
	}
	out->args[out->nargs++] = a;
	return 0;
}

int cmd_parse_line(struct slice line, int lineno, struct cmd *out,
		   struct err *err)
{
	struct lex x = { (const unsigned char *)line.p, line.len, 0, lineno,
			 err };

	out->line = lineno;
	out->nargs = 0;
	out->verb.p = line.p;
	out->verb.len = 0;
	if (line.len == 0)
		return err_at(err, E_BAD_COMMAND, lineno, 1, "empty line");
	if (line.len > CMD_MAX_LINE)
		return err_at(err, E_BAD_COMMAND, lineno, CMD_MAX_LINE + 1,
			      "line longer than %d bytes", CMD_MAX_LINE);
	if (x.p[0] == ' ')
		return lex_fail(&x, "leading space");
	if (parse_verb(&x, out) < 0)
		return -1;
	while (!lex_at_end(&x))
		if (parse_arg(&x, out) < 0)
			return -1;
	return 0;
}

size_t cmd_unquote(const struct cmd_arg *a, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < a->raw.len; i++) {
		char c = a->raw.p[i];
		if (a->quoted && c == '\\' && i + 1 < a->raw.len) {
			c = a->raw.p[++i];
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}
