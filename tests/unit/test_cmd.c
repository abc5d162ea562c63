/* Unit tests of src/proto/cmd.c: every rule of PROTOCOL.md §2's grammar and
 * every error with its line and column. */
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "test.h"

static struct slice lines[CMD_MAX_BATCH + 1];

/* cmd_split of body[0..len): the line count, or -1 with err filled. */
static int split(const char *body, size_t len, size_t max, struct err *err)
{
	size_t n = 0;

	err_clear(err);
	if (cmd_split(body, len, lines, max, &n, err) < 0)
		return -1;
	return (int)n;
}

#define SPLIT(lit, max, err) split(lit, sizeof(lit) - 1, max, err)

/* The error of a refused body, checked against line, column and a piece
 * of its message. */
static int split_fails(const char *body, size_t len, size_t max, int line,
		       int col, const char *msg)
{
	struct err err;

	if (split(body, len, max, &err) != -1)
		return 0;
	if (err.code != E_BAD_COMMAND || err.line != line || err.column != col
	    || !strstr(err.msg, msg)) {
		fprintf(stderr, "\tgot %d:%d %s\n", err.line, err.column,
			err.msg);
		return 0;
	}
	return 1;
}

#define SPLIT_FAILS(lit, max, line, col, msg) \
	CHECK(split_fails(lit, sizeof(lit) - 1, max, line, col, msg))

static int parse(const char *s, struct cmd *c, struct err *err)
{
	struct slice l = { s, strlen(s) };

	err_clear(err);
	return cmd_parse_line(l, 3, c, err);
}

static int parse_fails(const char *s, int col, const char *msg)
{
	struct cmd c;
	struct err err;

	if (parse(s, &c, &err) != -1)
		return 0;
	if (err.code != E_BAD_COMMAND || err.line != 3 || err.column != col ||
	    !strstr(err.msg, msg)) {
		fprintf(stderr, "\tgot %d:%d %s\n", err.line, err.column,
			err.msg);
		return 0;
	}
	return 1;
}

#define PARSE_FAILS(s, col, msg) CHECK(parse_fails(s, col, msg))

static int slice_is(struct slice s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

TEST(split_line_ends)
{
	struct err err;

	CHECK_EQ_INT(SPLIT("PING", 1, &err), 1);
	CHECK(slice_is(lines[0], "PING"));
	CHECK_EQ_INT(SPLIT("PING\n", 1, &err), 1);
	CHECK(slice_is(lines[0], "PING"));
	CHECK_EQ_INT(SPLIT("PING\r\n", 1, &err), 1);
	CHECK(slice_is(lines[0], "PING"));
	CHECK_EQ_INT(SPLIT("A\nB x=1\r\nC", 10, &err), 3);
	CHECK(slice_is(lines[0], "A"));
	CHECK(slice_is(lines[1], "B x=1"));
	CHECK(slice_is(lines[2], "C"));
	CHECK_EQ_INT(SPLIT("A\r\nB\r\n", 2, &err), 2);
	CHECK(slice_is(lines[1], "B"));
}

TEST(split_empty)
{
	SPLIT_FAILS("", 1, 1, 1, "empty body");
	SPLIT_FAILS("\n", 1, 1, 1, "empty line");
	SPLIT_FAILS("\r\n", 1, 1, 1, "empty line");
	SPLIT_FAILS("A\n\nB", 5, 2, 1, "empty line");
	SPLIT_FAILS("A\n\n", 5, 2, 1, "empty line");
	SPLIT_FAILS("A\r\n\r\n", 5, 2, 1, "empty line");
}

TEST(split_cr)
{
	SPLIT_FAILS("PING\r", 1, 1, 5, "CR not followed by LF");
	SPLIT_FAILS("PI\rNG", 1, 1, 3, "CR not followed by LF");
	SPLIT_FAILS("A\nB\r\r\n", 5, 2, 2, "CR not followed by LF");
}

TEST(split_controls)
{
	SPLIT_FAILS("PING\x01", 1, 1, 5, "control character U+0001");
	SPLIT_FAILS("A x=\"a\x01\"", 1, 1, 7,
		    "control character U+0001 in quoted value");
	SPLIT_FAILS("A x=\"a\\\"\x7f\"", 1, 1, 9,
		    "control character U+007F in quoted value");
	SPLIT_FAILS("A x=\"a\tb\"", 1, 1, 7, "U+0009 in quoted value");
	SPLIT_FAILS("A\tx=1", 1, 1, 2, "control character U+0009");
	SPLIT_FAILS("A\nB x=\"\x1b\"", 2, 2, 6, "U+001B");
	CHECK(split_fails("A x=\"a\0b\"", 9, 1, 1, 7,
			  "control character U+0000 in quoted value"));
	CHECK(split_fails("\0", 1, 1, 1, 1, "control character U+0000"));
}

TEST(split_utf8)
{
	struct err err;

	CHECK_EQ_INT(SPLIT("A t=\"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\"", 1, &err), 1);
	SPLIT_FAILS("A t=\"\xC0\x80\"", 1, 1, 6, "invalid UTF-8");
	SPLIT_FAILS("A t=\"\xE0\x80\x80\"", 1, 1, 6, "invalid UTF-8");
	SPLIT_FAILS("A t=\"\xF0\x80\x80\x80\"", 1, 1, 6, "invalid UTF-8");
	SPLIT_FAILS("A t=\"\xED\xA0\x80\"", 1, 1, 6, "invalid UTF-8");
	SPLIT_FAILS("A t=\"\xF4\x90\x80\x80\"", 1, 1, 6, "invalid UTF-8");
	SPLIT_FAILS("A t=\"ab\xE2\x82\"", 1, 1, 8, "invalid UTF-8");
	SPLIT_FAILS("A t=\"\xC3", 1, 1, 6, "invalid UTF-8");
	SPLIT_FAILS("A\n\xC3\xA9\xFF", 2, 2, 3, "invalid UTF-8");
	/* A multibyte character cut by the line end. */
	SPLIT_FAILS("A t=\"\xC3\n\"", 2, 1, 6, "invalid UTF-8");
}

TEST(split_line_count)
{
	struct err err;

	SPLIT_FAILS("PING\nPING", 1, 2, 1,
		    "only one command line is allowed here");
	SPLIT_FAILS("PING\r\nPING\n", 1, 2, 1, "only one command line");
	SPLIT_FAILS("A\nB\nC\n", 2, 3, 1, "more than 2 command lines");
	CHECK_EQ_INT(SPLIT("A\nB\n", 2, &err), 2);

	size_t len = 2 * (CMD_MAX_BATCH + 1);
	char *body = malloc(len);
	for (size_t i = 0; i < len; i += 2)
		memcpy(body + i, "A\n", 2);
	CHECK_EQ_INT(split(body, len - 2, CMD_MAX_BATCH, &err), CMD_MAX_BATCH);
	CHECK(split_fails(body, len, CMD_MAX_BATCH, CMD_MAX_BATCH + 1, 1,
			  "more than 1000 command lines"));
	free(body);
}

TEST(split_line_length)
{
	struct err err;
	size_t len = CMD_MAX_LINE + 10;
	char *body = malloc(len);

	memset(body, 'A', len);
	CHECK_EQ_INT(split(body, CMD_MAX_LINE, 1, &err), 1);
	CHECK_EQ_INT(lines[0].len, CMD_MAX_LINE);
	CHECK(split_fails(body, CMD_MAX_LINE + 1, 1, 1, CMD_MAX_LINE + 1,
			  "line longer than 16384 bytes"));
	/* The CR LF does not count towards the length. */
	body[CMD_MAX_LINE] = '\r';
	body[CMD_MAX_LINE + 1] = '\n';
	CHECK_EQ_INT(split(body, CMD_MAX_LINE + 2, 1, &err), 1);
	/* A character that would cross the limit. */
	body[CMD_MAX_LINE - 1] = (char)0xC3;
	body[CMD_MAX_LINE] = (char)0xA9;
	CHECK(split_fails(body, CMD_MAX_LINE + 1, 1, 1, CMD_MAX_LINE,
			  "line longer"));
	free(body);
}

TEST(parse_verb_only)
{
	struct cmd c;
	struct err err;

	CHECK_EQ_INT(parse("PING", &c, &err), 0);
	CHECK(slice_is(c.verb, "PING"));
	CHECK_EQ_INT(c.nargs, 0);
	CHECK_EQ_INT(c.line, 3);
	CHECK_EQ_INT(parse("PASSWORD.RESET.REQUEST", &c, &err), 0);
	CHECK(slice_is(c.verb, "PASSWORD.RESET.REQUEST"));
	CHECK_EQ_INT(parse("A_1.B2", &c, &err), 0);
	CHECK_EQ_INT(parse("9", &c, &err), 0);
}

TEST(parse_verb_errors)
{
	PARSE_FAILS("", 1, "empty line");
	PARSE_FAILS("ping", 1, "expected a verb");
	PARSE_FAILS(" PING", 1, "leading space");
	PARSE_FAILS(".PING", 1, "expected a verb");
	PARSE_FAILS("PING.", 6, "in verb");
	PARSE_FAILS("ALARM..ACK", 7, "in verb");
	PARSE_FAILS("ALARM.ack", 7, "in verb");
	PARSE_FAILS("PINg", 4, "expected a space after the verb");
	PARSE_FAILS("PING-X", 5, "expected a space after the verb");
	PARSE_FAILS("PING ", 5, "trailing space");
	PARSE_FAILS("PING  a=1", 6, "more than one space");
}

TEST(parse_args)
{
	struct cmd c;
	struct err err;

	CHECK_EQ_INT(parse("LOGIN facility=DEMO01 user=alice password="
			   "\"p w\\\"d\" x_1=-12.5", &c, &err), 0);
	CHECK(slice_is(c.verb, "LOGIN"));
	CHECK_EQ_INT(c.nargs, 4);
	CHECK(slice_is(c.args[0].key, "facility"));
	CHECK(slice_is(c.args[0].raw, "DEMO01"));
	CHECK_EQ_INT(c.args[0].quoted, 0);
	CHECK_EQ_INT(c.args[0].key_col, 7);
	CHECK_EQ_INT(c.args[0].value_col, 16);
	CHECK(slice_is(c.args[1].key, "user"));
	CHECK_EQ_INT(c.args[1].key_col, 23);
	CHECK_EQ_INT(c.args[1].value_col, 28);
	CHECK(slice_is(c.args[2].raw, "p w\\\"d"));
	CHECK_EQ_INT(c.args[2].quoted, 1);
	CHECK_EQ_INT(c.args[2].value_col, 43);
	CHECK(slice_is(c.args[3].key, "x_1"));
	CHECK(slice_is(c.args[3].raw, "-12.5"));
}

TEST(parse_bare_set)
{
	struct cmd c;
	struct err err;

	CHECK_EQ_INT(parse("A v=azAZ09-_.:@+/,$=", &c, &err), 0);
	CHECK(slice_is(c.args[0].raw, "azAZ09-_.:@+/,$="));
	CHECK_EQ_INT(parse("A h=$argon2id$v=19$m=65536,t=2,p=1$abc$def", &c,
			   &err), 0);
	CHECK(slice_is(c.args[0].raw, "$argon2id$v=19$m=65536,t=2,p=1$abc$def"));
	PARSE_FAILS("A v=a\"b", 6, "character '\"' not allowed in a bare value");
	PARSE_FAILS("A v=a#b", 6, "character '#' not allowed");
	PARSE_FAILS("A v=a\\b", 6, "not allowed in a bare value");
	PARSE_FAILS("A v=\xC3\xA9", 5, "non-ASCII character in a bare value");
	PARSE_FAILS("A v=", 5, "empty value");
	PARSE_FAILS("A v= b=1", 5, "empty value");
	PARSE_FAILS("A v=1 ", 6, "trailing space");
	PARSE_FAILS("A v=\x01", 5, "control character U+0001");
}

TEST(parse_keys)
{
	struct cmd c;
	struct err err;

	PARSE_FAILS("PING x", 7, "expected '=' after key");
	PARSE_FAILS("PING x y=1", 7, "expected '=' after key");
	PARSE_FAILS("PING X=1", 6, "expected a key");
	PARSE_FAILS("PING 1x=1", 6, "expected a key");
	PARSE_FAILS("PING _x=1", 6, "expected a key");
	PARSE_FAILS("PING =1", 6, "expected a key");
	PARSE_FAILS("PING xY=1", 7, "expected '=' after key");
	PARSE_FAILS("PING x-y=1", 7, "expected '=' after key");
	/* 32 bytes is the longest key. */
	CHECK_EQ_INT(parse("A abcdefghijklmnopqrstuvwxyz_12345=1", &c, &err),
		     0);
	PARSE_FAILS("A abcdefghijklmnopqrstuvwxyz_123456=1", 35,
		    "key longer than 32 bytes");
	PARSE_FAILS("A a=1 b=2 a=3", 11, "key 'a' repeated");
	CHECK_EQ_INT(parse("A a=1 aa=2", &c, &err), 0);
}

TEST(parse_quoted)
{
	struct cmd c;
	struct err err;
	char buf[64];

	CHECK_EQ_INT(parse("A t=\"\"", &c, &err), 0);
	CHECK_EQ_INT(c.args[0].raw.len, 0);
	CHECK_EQ_INT(cmd_unquote(&c.args[0], buf), 0);
	CHECK_EQ_STR(buf, "");
	CHECK_EQ_INT(parse("A t=\"a \\\"b\\\" \\\\ \\n\\t \xC3\xA9=\" u=2", &c,
			   &err), 0);
	CHECK_EQ_INT(c.nargs, 2);
	CHECK_EQ_INT(cmd_unquote(&c.args[0], buf), 14);
	CHECK_EQ_STR(buf, "a \"b\" \\ \n\t \xC3\xA9=");
	CHECK_EQ_INT(cmd_unquote(&c.args[1], buf), 1);
	CHECK_EQ_STR(buf, "2");
	PARSE_FAILS("A t=\"abc", 9, "missing closing '\"'");
	PARSE_FAILS("A t=\"abc\\\"", 11, "missing closing");
	PARSE_FAILS("A t=\"a\\x\"", 7, "invalid escape");
	PARSE_FAILS("A t=\"a\\", 7, "invalid escape");
	PARSE_FAILS("A t=\"a\"b", 8, "expected a space after the quoted value");
	PARSE_FAILS("A t=\"a\"\"b\"", 8, "expected a space after the quoted");
	PARSE_FAILS("A t=\"a\x01\"", 7,
		    "control character U+0001 in quoted value");
	PARSE_FAILS("A t=\"a\x7f\"", 7,
		    "control character U+007F in quoted value");
	PARSE_FAILS("A t=\"\xC0\x80\"", 6, "invalid UTF-8");
	PARSE_FAILS("A t=\"\xED\xA0\x80\"", 6, "invalid UTF-8");
}

TEST(parse_nul_in_quotes)
{
	struct cmd c;
	struct err err;
	struct slice l = { "A t=\"a\0b\"", 9 };

	CHECK_EQ_INT(cmd_parse_line(l, 1, &c, &err), -1);
	CHECK_EQ_INT(err.column, 7);
	CHECK(strstr(err.msg, "U+0000") != NULL);
}

TEST(parse_arg_count)
{
	struct cmd c;
	struct err err;
	char line[512];
	size_t n = (size_t)snprintf(line, sizeof(line), "A");

	for (int i = 0; i < CMD_MAX_ARGS; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " k%d=%d", i,
				      i);
	CHECK_EQ_INT(parse(line, &c, &err), 0);
	CHECK_EQ_INT(c.nargs, CMD_MAX_ARGS);
	snprintf(line + n, sizeof(line) - n, " z=1");
	PARSE_FAILS(line, (int)n + 2, "more than 32 arguments");
}

TEST(parse_long_line)
{
	struct cmd c;
	struct err err;
	char *buf = malloc(CMD_MAX_LINE + 1);
	struct slice l = { buf, CMD_MAX_LINE + 1 };

	memset(buf, 'A', CMD_MAX_LINE + 1);
	CHECK_EQ_INT(cmd_parse_line(l, 1, &c, &err), -1);
	CHECK_EQ_INT(err.column, CMD_MAX_LINE + 1);
	l.len = CMD_MAX_LINE;
	CHECK_EQ_INT(cmd_parse_line(l, 1, &c, &err), 0);
	free(buf);
}

TEST(split_then_parse)
{
	struct err err;
	struct cmd c;
	const char body[] = "READING.PUSH device=fr1 ts=2024-01-01T00:00:00Z "
			    "value=4.5\r\nQUEUE.PUSH queue=lab length=3\n";

	CHECK_EQ_INT(SPLIT(body, 1000, &err), 2);
	CHECK_EQ_INT(cmd_parse_line(lines[1], 2, &c, &err), 0);
	CHECK(slice_is(c.verb, "QUEUE.PUSH"));
	CHECK_EQ_INT(c.nargs, 2);
	CHECK_EQ_INT(c.line, 2);
}

/* The error values every parser error travels in (src/core/err.c). */
TEST(err_values)
{
	struct err err;

	CHECK_EQ_INT(err_at(&err, E_BAD_COMMAND, 1, 7, "expected '%c'", '='),
		     -1);
	CHECK_EQ_INT(err.line, 1);
	CHECK_EQ_INT(err.column, 7);
	CHECK_EQ_STR(err.msg, "expected '='");
	CHECK_EQ_INT(err_set(&err, E_NOT_FOUND, "no %s", "device"), -1);
	CHECK_EQ_INT(err.line, 0);
	CHECK_EQ_INT(err.column, 0);
	CHECK_EQ_STR(err_name(E_BAD_ARGUMENT), "BAD_ARGUMENT");
	CHECK_EQ_STR(err_name(E_PASSWORD_CHANGE_REQUIRED),
		     "PASSWORD_CHANGE_REQUIRED");
	CHECK_EQ_STR(err_name(E_RETRY), "UNAVAILABLE");
	CHECK_EQ_STR(err_name((enum errcode)999), "INTERNAL");
	CHECK_EQ_INT(err_http_status(E_BAD_COMMAND), 400);
	CHECK_EQ_INT(err_http_status(E_AUTH_FAILED), 401);
	CHECK_EQ_INT(err_http_status(E_MFA_ENROLL_REQUIRED), 403);
	CHECK_EQ_INT(err_http_status(E_NOT_FOUND), 404);
	CHECK_EQ_INT(err_http_status(E_METHOD), 405);
	CHECK_EQ_INT(err_http_status(E_CONFLICT), 409);
	CHECK_EQ_INT(err_http_status(E_TOO_LARGE), 413);
	CHECK_EQ_INT(err_http_status(E_MEDIA_TYPE), 415);
	CHECK_EQ_INT(err_http_status(E_PHI_REJECTED), 422);
	CHECK_EQ_INT(err_http_status(E_POLICY), 422);
	CHECK_EQ_INT(err_http_status(E_THROTTLED), 429);
	CHECK_EQ_INT(err_http_status(E_INTERNAL), 500);
	CHECK_EQ_INT(err_http_status(E_UNAVAILABLE), 503);
	CHECK_EQ_INT(err_http_status(E_RETRY), 503);
	char longmsg[400];
	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	err_set(&err, E_INTERNAL, "%s", longmsg);
	CHECK_EQ_INT(strlen(err.msg), ERR_MSG_MAX - 1);
	err_clear(&err);
	CHECK_EQ_INT(err.code, E_OK);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(err_values);
	RUN(split_line_ends);
	RUN(split_empty);
	RUN(split_cr);
	RUN(split_controls);
	RUN(split_utf8);
	RUN(split_line_count);
	RUN(split_line_length);
	RUN(parse_verb_only);
	RUN(parse_verb_errors);
	RUN(parse_args);
	RUN(parse_bare_set);
	RUN(parse_keys);
	RUN(parse_quoted);
	RUN(parse_nul_in_quotes);
	RUN(parse_arg_count);
	RUN(parse_long_line);
	RUN(split_then_parse);
	return test_summary(argv[0]);
}
