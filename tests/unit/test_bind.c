/* Unit tests of src/proto/bind.c: binding to a verb spec and every value type's
 * edges. The specs are local so that these tests do not depend on the
 * real verb table (src/proto/verbs.c). */
#include <string.h>
#include "bind.h"
#include "test.h"

#define NOW 1717243200	/* 2024-06-01T12:00:00Z */

static const char *const status_words[] = { "active", "all", NULL };

enum { K_LIMIT, K_N, K_VALUE, K_ON, K_STATUS, K_FACILITY, K_USER, K_DEVICE,
       K_TS, K_DATE, K_NOTE, K_MSG, K_PASSWORD, K_HASH, K_EMAIL, K_AMOUNT };

static const struct argspec t_args[] = {
	[K_LIMIT] = { "limit", AT_INT, 0, 1, 5000, NULL, "" },
	[K_N] = { "n", AT_INT, 0, 0, 0, NULL, "" },
	[K_VALUE] = { "value", AT_DEC, 0, -10000, 20000, NULL, "" },
	[K_ON] = { "on", AT_BOOL, 0, 0, 0, NULL, "" },
	[K_STATUS] = { "status", AT_ENUM, 0, 0, 0, status_words, "" },
	[K_FACILITY] = { "facility", AT_CODE, 0, 0, 0, NULL, "" },
	[K_USER] = { "user", AT_NAME, 0, 0, 0, NULL, "" },
	[K_DEVICE] = { "device", AT_ID, 0, 0, 0, NULL, "" },
	[K_TS] = { "ts", AT_TS, 0, 0, 0, NULL, "" },
	[K_DATE] = { "date", AT_DATE, 0, 0, 0, NULL, "" },
	[K_NOTE] = { "note", AT_TEXT, 0, 0, 10, NULL, "" },
	[K_MSG] = { "msg", AT_TEXT, 0, 0, 0, NULL, "" },
	[K_PASSWORD] = { "password", AT_SECRET, 0, 0, 0, NULL, "" },
	[K_HASH] = { "hash", AT_HASH, 0, 0, 0, NULL, "" },
	[K_EMAIL] = { "email", AT_EMAIL, 0, 0, 0, NULL, "" },
	[K_AMOUNT] = { "amount", AT_DEC, 0, 0, 0, NULL, "" },
};

static const struct verb t_verb = {
	.name = "T", .program = PROG_SYNC, .roles = ROLE_PC, .args = t_args,
	.nargs = sizeof(t_args) / sizeof(t_args[0]), .summary = "all types",
};

static const struct argspec r_args[] = {
	{ "a", AT_INT, 1, 0, 9, NULL, "" },
	{ "b", AT_TEXT, 1, 0, 0, NULL, "" },
	{ "c", AT_ID, 0, 0, 0, NULL, "" },
};

static const struct verb r_verb = {
	.name = "R", .program = PROG_PORTAL, .roles = ROLE_USER,
	.args = r_args, .nargs = 3, .summary = "required keys",
};

static struct arena *arena;
static struct call call;
static struct err err;

/* Parses and binds line to verb: 0, or -1 with err filled. */
static int bind(const struct verb *verb, const char *line)
{
	struct cmd cmd;
	struct slice l = { line, strlen(line) };

	err_clear(&err);
	if (cmd_parse_line(l, 2, &cmd, &err) < 0)
		return -2;
	return call_bind_verb(&cmd, verb, arena, NOW, &call, &err);
}

/* Binds "T <key>=<value>" and returns the key's value, or NULL. */
static const struct argval *val(const char *arg)
{
	char line[2048];

	snprintf(line, sizeof(line), "T %s", arg);
	if (bind(&t_verb, line) < 0)
		return NULL;
	for (int k = 0; k < t_verb.nargs; k++)
		if (call.v[k].present)
			return &call.v[k];
	return NULL;
}

/* "T <arg>" is refused with code at column col, with msg in the message. */
static int refused(const struct verb *verb, const char *line,
		   enum errcode code, int col, const char *msg)
{
	if (bind(verb, line) != -1 || err.code != code || err.line != 2 ||
	    err.column != col || !strstr(err.msg, msg)) {
		fprintf(stderr, "\t%s: got %s %d:%d %s\n", line,
			err_name(err.code), err.line, err.column, err.msg);
		return 0;
	}
	return 1;
}

#define OK_N(arg, num)                                          \
	do {                                                    \
		const struct argval *v_ = val(arg);             \
		CHECK(v_ != NULL);                              \
		if (v_)                                         \
			CHECK_EQ_INT(v_->n, num);               \
	} while (0)
#define OK(arg) CHECK(val(arg) != NULL)
#define BAD(arg, msg) \
	CHECK(refused(&t_verb, "T " arg, E_BAD_ARGUMENT, 3 + \
		      (int)strcspn(arg, "=") + 1, msg))

TEST(ints)
{
	OK_N("limit=1", 1);
	OK_N("limit=5000", 5000);
	OK_N("limit=\"42\"", 42);
	BAD("limit=0", "key 'limit': integer 1..5000 expected");
	BAD("limit=5001", "integer 1..5000");
	BAD("limit=-1", "integer 1..5000");
	BAD("limit=01", "integer 1..5000");
	BAD("limit=+1", "integer 1..5000");
	BAD("limit=1.0", "integer 1..5000");
	BAD("limit=1a", "integer 1..5000");
	BAD("limit=\"\"", "integer 1..5000");
	BAD("limit=\" 1\"", "integer 1..5000");
	BAD("limit=99999999999999999999999", "integer 1..5000");
	OK_N("n=0", 0);
	OK_N("n=-7", -7);
	OK_N("n=9223372036854775807", 9223372036854775807LL);
	OK_N("n=-9223372036854775808", -9223372036854775807LL - 1);
	BAD("n=9223372036854775808", "key 'n': integer expected");
	BAD("n=-9223372036854775809", "integer expected");
	BAD("n=18446744073709551616", "integer expected");
	BAD("n=-0", "integer expected");
	BAD("n=-", "integer expected");
	BAD("n=--1", "integer expected");
}

TEST(decimals)
{
	OK_N("value=4.5", 450);
	OK_N("value=4.05", 405);
	OK_N("value=0", 0);
	OK_N("value=0.5", 50);
	OK_N("value=-0.5", -50);
	OK_N("value=-100", -10000);
	OK_N("value=-100.00", -10000);
	OK_N("value=200", 20000);
	OK_N("value=200.0", 20000);
	BAD("value=200.01", "key 'value': decimal -100.00..200.00 with at most"
	    " 2 fraction digits expected");
	BAD("value=-100.01", "decimal -100.00..200.00");
	BAD("value=1.234", "decimal");
	BAD("value=1.", "decimal");
	BAD("value=.5", "decimal");
	BAD("value=00.5", "decimal");
	BAD("value=-0", "decimal");
	BAD("value=-0.00", "decimal");
	BAD("value=1e2", "decimal");
	BAD("value=1.2.3", "decimal");
	BAD("value=+1", "decimal");
	BAD("value=1.-5", "decimal");
	OK_N("amount=92233720368547757.99", 9223372036854775799LL);
	BAD("amount=92233720368547758", "key 'amount': decimal with at most"
	    " 2 fraction digits expected");
	BAD("amount=99999999999999999999", "decimal");
}

TEST(bools_and_enums)
{
	OK_N("on=0", 0);
	OK_N("on=1", 1);
	OK_N("on=true", 1);
	OK_N("on=false", 0);
	BAD("on=TRUE", "key 'on': 0, 1, true or false expected");
	BAD("on=yes", "0, 1, true or false");
	BAD("on=2", "0, 1, true or false");
	OK_N("status=active", 0);
	OK_N("status=all", 1);
	OK_N("status=\"all\"", 1);
	BAD("status=ALL", "key 'status': one of active|all expected");
	BAD("status=act", "one of active|all");
	BAD("status=alll", "one of active|all");
}

TEST(codes_names_ids)
{
	OK("facility=abc");
	OK("facility=DEMO01");
	OK("facility=0123456789abcdef");
	BAD("facility=ab", "key 'facility': facility code");
	BAD("facility=0123456789abcdefg", "facility code");
	BAD("facility=a-b1", "facility code");
	OK("user=a");
	OK("user=john.doe@x-y_z");
	OK("user=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	BAD("user=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "key 'user': user name");
	BAD("user=\"a b\"", "user name");
	BAD("user=\"\xC3\xA9\"", "user name");
	BAD("user=\"\"", "user name");
	BAD("user=a:b", "user name");
	OK("device=fr:1.a-b_c");
	BAD("device=a@b", "key 'device': id of 1..64");
	BAD("device=a/b", "id of");
}

TEST(timestamps)
{
	OK_N("ts=2024-06-01T12:00:00Z", NOW);
	OK_N("ts=1970-01-01T00:00:00Z", 0);
	OK_N("ts=2000-02-29T23:59:59Z", 951868799);
	OK_N("ts=2024-06-01T12:05:00Z", NOW + 300);
	BAD("ts=2024-06-01T12:05:01Z",
	    "key 'ts': time more than 5 minutes in the future");
	BAD("ts=2099-01-01T00:00:00Z", "in the future");
	BAD("ts=2023-02-29T00:00:00Z", "key 'ts': UTC time YYYY-MM-DDTHH:MM:SSZ");
	BAD("ts=1900-02-29T00:00:00Z", "UTC time");
	BAD("ts=1969-12-31T23:59:59Z", "UTC time");
	BAD("ts=2024-04-31T00:00:00Z", "UTC time");
	BAD("ts=2024-13-01T00:00:00Z", "UTC time");
	BAD("ts=2024-00-10T00:00:00Z", "UTC time");
	BAD("ts=2024-01-00T00:00:00Z", "UTC time");
	BAD("ts=2024-01-01T24:00:00Z", "UTC time");
	BAD("ts=2024-01-01T23:60:00Z", "UTC time");
	BAD("ts=2024-01-01T23:59:60Z", "UTC time");
	BAD("ts=2024-01-01t00:00:00Z", "UTC time");
	BAD("ts=2024-01-01T00:00:00z", "UTC time");
	BAD("ts=2024-01-01T00:00:00", "UTC time");
	BAD("ts=2024-01-01T00:00:00ZZ", "UTC time");
	BAD("ts=2024-01-01T00:00:00+00:00", "UTC time");
	BAD("ts=2024-1-01T00:00:00Z", "UTC time");
	BAD("ts=2024-01-01", "UTC time");
	BAD("ts=+024-01-01T00:00:00Z", "UTC time");
}

TEST(dates)
{
	OK_N("date=1970-01-01", 0);
	OK_N("date=1969-12-31", -1);
	OK_N("date=2000-03-01", 11017);
	OK_N("date=2000-02-29", 11016);
	OK_N("date=9999-12-31", 2932896);
	OK_N("date=1000-01-01", -354285);
	BAD("date=0999-12-31", "key 'date': date YYYY-MM-DD expected");
	BAD("date=2023-02-29", "date YYYY-MM-DD");
	BAD("date=2024-06-31", "date YYYY-MM-DD");
	BAD("date=2024-1-01", "date YYYY-MM-DD");
	BAD("date=2024/01/01", "date YYYY-MM-DD");
	BAD("date=2024-01-01T00:00:00Z", "date YYYY-MM-DD");
	BAD("date=20240101", "date YYYY-MM-DD");
}

TEST(texts)
{
	const struct argval *v;
	char arg[1200];

	OK("note=0123456789");
	OK("note=\"\"");
	BAD("note=01234567890", "key 'note': text of at most 10 characters");
	/* Characters, not bytes: 10 two-byte characters fit. */
	v = val("note=\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
		"\xC3\xA9\xC3\xA9\xC3\xA9\"");
	CHECK(v != NULL);
	if (v)
		CHECK_EQ_INT(v->len, 20);
	BAD("note=\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"", "at most 10 characters");
	v = val("note=\"a\\nb\\t\\\"\\\\\"");
	CHECK(v != NULL);
	if (v) {
		CHECK_EQ_STR(v->s, "a\nb\t\"\\");
		CHECK_EQ_INT(v->len, 6);
	}
	memcpy(arg, "msg=", 4);
	memset(arg + 4, 'x', 500);
	arg[504] = '\0';
	OK(arg);
	memcpy(arg + 504, "y", 2);
	CHECK(val(arg) == NULL);
	CHECK(strstr(err.msg, "key 'msg': text of at most 500 characters"));
	CHECK_EQ_INT(err.column, 7);
}

TEST(secrets)
{
	char arg[1100];
	const char *needle = "hunter2";

	OK("password=x");
	OK("password=\"correct horse battery staple\"");
	BAD("password=\"\"", "key 'password': secret of 1..1024 bytes");
	memcpy(arg, "password=", 9);
	memset(arg + 9, 'p', 1024);
	arg[9 + 1024] = '\0';
	OK(arg);
	memcpy(arg + 9 + 1024, "q", 2);
	CHECK(val(arg) == NULL);
	CHECK(strstr(err.msg, "secret of 1..1024 bytes") != NULL);
	/* A refused value never appears in the message. */
	CHECK(val("limit=hunter2") == NULL);
	CHECK(strstr(err.msg, needle) == NULL);
}

#define SALT "c29tZXNhbHRzb21lc2FsdA"
#define HASH "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

TEST(hashes)
{
	OK("hash=$argon2id$v=19$m=65536,t=2,p=1$" SALT "$" HASH);
	OK("hash=\"$argon2id$v=19$m=262144,t=3,p=4$" SALT "$" HASH "\"");
	CHECK_EQ_INT(value_is_hash("$argon2id$v=19$m=1,t=1,p=1$" SALT "$" HASH,
				   strlen("$argon2id$v=19$m=1,t=1,p=1$" SALT
					  "$" HASH)), 0);
	BAD("hash=$argon2i$v=19$m=65536,t=2,p=1$" SALT "$" HASH,
	    "key 'hash': argon2id PHC string expected");
	BAD("hash=$argon2id$v=16$m=65536,t=2,p=1$" SALT "$" HASH, "argon2id");
	BAD("hash=$argon2id$v=19$m=0,t=2,p=1$" SALT "$" HASH, "argon2id");
	BAD("hash=$argon2id$v=19$m=065536,t=2,p=1$" SALT "$" HASH, "argon2id");
	BAD("hash=$argon2id$v=19$m=99999999999,t=2,p=1$" SALT "$" HASH,
	    "argon2id");
	BAD("hash=$argon2id$v=19$m=65536,t=2$" SALT "$" HASH, "argon2id");
	BAD("hash=$argon2id$v=19$t=2,m=65536,p=1$" SALT "$" HASH, "argon2id");
	BAD("hash=$argon2id$v=19$m=65536,t=2,p=1$" SALT "$" HASH "=",
	    "argon2id");
	BAD("hash=$argon2id$v=19$m=65536,t=2,p=1$" SALT "$" HASH "$",
	    "argon2id");
	BAD("hash=$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" HASH, "argon2id");
	BAD("hash=$argon2id$v=19$m=65536,t=2,p=1$" SALT "$aGFzaA", "argon2id");
	BAD("hash=$argon2id$v=19$m=65536,t=2,p=1$" SALT, "argon2id");
	/* 45 base64 characters cannot end an unpadded encoding. */
	BAD("hash=$argon2id$v=19$m=65536,t=2,p=1$" SALT "$" HASH "ab",
	    "argon2id");
}

TEST(emails)
{
	OK("email=a@b.co");
	OK("email=first.last+tag@sub.example.org");
	OK("email=\"x_y-z!#$%&'*+/=?^`{|}~@a-b.c0\"");
	BAD("email=ab.co", "key 'email': e-mail address");
	BAD("email=a@b", "e-mail");
	BAD("email=@b.co", "e-mail");
	BAD("email=a@", "e-mail");
	BAD("email=.a@b.co", "e-mail");
	BAD("email=a.@b.co", "e-mail");
	BAD("email=a..b@b.co", "e-mail");
	BAD("email=a@-b.co", "e-mail");
	BAD("email=a@b-.co", "e-mail");
	BAD("email=a@b..co", "e-mail");
	BAD("email=a@.b.co", "e-mail");
	BAD("email=a@b.co.", "e-mail");
	BAD("email=a@b@c.de", "e-mail");
	BAD("email=\"a b@c.de\"", "e-mail");
	BAD("email=a@b_c.de", "e-mail");
	BAD("email=\"\xC3\xA9@c.de\"", "e-mail");

	char e[300];
	memset(e, 'a', sizeof(e));
	memcpy(e, "x@", 2);
	for (int i = 2 + 63; i < 254; i += 64)
		e[i] = '.';
	e[253] = 'b';
	CHECK_EQ_INT(value_is_email(e, 254), 0);
	CHECK_EQ_INT(value_is_email(e, 255), -1);
	memset(e, 'l', 65);
	memcpy(e + 65, "@a.bc", 5);
	CHECK_EQ_INT(value_is_email(e + 1, 69), 0);
	CHECK_EQ_INT(value_is_email(e, 70), -1);	/* local part of 65 */
	memcpy(e, "a@", 2);
	memset(e + 2, 'd', 64);
	memcpy(e + 66, ".com", 4);
	CHECK_EQ_INT(value_is_email(e, 70), -1);	/* label of 64 */
	CHECK_EQ_INT(value_is_email(e, 69), -1);	/* ".co" ok, but 64 */
}

TEST(structure)
{
	CHECK(refused(&t_verb, "T nope=1", E_BAD_COMMAND, 3,
		      "unknown key 'nope' for T"));
	CHECK(refused(&t_verb, "T limit=5 nope=1", E_BAD_COMMAND, 11,
		      "unknown key 'nope'"));
	CHECK(refused(&r_verb, "R", E_BAD_ARGUMENT, 2,
		      "missing required key 'a'"));
	CHECK(refused(&r_verb, "R a=1", E_BAD_ARGUMENT, 6,
		      "missing required key 'b'"));
	CHECK(refused(&r_verb, "R c=x a=1", E_BAD_ARGUMENT, 10,
		      "missing required key 'b'"));
	CHECK(refused(&r_verb, "R a=1 c=\"xy\"", E_BAD_ARGUMENT, 13,
		      "missing required key 'b'"));
	/* The first problem in line order wins; a bad value before a
	 * missing key. */
	CHECK(refused(&r_verb, "R a=10", E_BAD_ARGUMENT, 5,
		      "key 'a': integer 0..9 expected"));
	CHECK(refused(&r_verb, "R b=\"x\" a=\"10\"", E_BAD_ARGUMENT, 11,
		      "integer 0..9"));
	CHECK_EQ_INT(bind(&r_verb, "R b=\"\" a=9"), 0);
	CHECK(call.verb == &r_verb);
	CHECK_EQ_INT(call.line, 2);
	CHECK_EQ_INT(call.v[0].present, 1);
	CHECK_EQ_INT(call.v[0].n, 9);
	CHECK_EQ_STR(call.v[0].s, "9");
	CHECK_EQ_INT(call.v[1].present, 1);
	CHECK_EQ_STR(call.v[1].s, "");
	CHECK_EQ_INT(call.v[2].present, 0);
}

TEST(value_helpers)
{
	CHECK_EQ_INT(value_is_code("abc", 3), 0);
	CHECK_EQ_INT(value_is_code("ab", 2), -1);
	CHECK_EQ_INT(value_is_name("a.b", 3), 0);
	CHECK_EQ_INT(value_is_name("", 0), -1);
	CHECK_EQ_INT(value_is_id("a:b", 3), 0);
	CHECK_EQ_INT(value_is_id("a\0b", 3), -1);
	CHECK_EQ_INT(value_is_email("a@b.cd", 6), 0);
	CHECK_EQ_INT(value_is_hash("", 0), -1);
}

TEST(unknown_verb)
{
	struct cmd cmd;
	struct slice l = { "NO.SUCH.VERB x=1", 16 };

	CHECK_EQ_INT(cmd_parse_line(l, 4, &cmd, &err), 0);
	CHECK_EQ_INT(call_bind(&cmd, arena, NOW, &call, &err), -1);
	CHECK_EQ_INT(err.code, E_BAD_COMMAND);
	CHECK_EQ_INT(err.line, 4);
	CHECK_EQ_INT(err.column, 1);
	CHECK_EQ_STR(err.msg, "unknown verb 'NO.SUCH.VERB'");
}

int main(int argc, char **argv)
{
	(void)argc;
	arena = arena_new();
	RUN(ints);
	RUN(decimals);
	RUN(bools_and_enums);
	RUN(codes_names_ids);
	RUN(timestamps);
	RUN(dates);
	RUN(texts);
	RUN(secrets);
	RUN(hashes);
	RUN(emails);
	RUN(structure);
	RUN(value_helpers);
	RUN(unknown_verb);
	arena_destroy(arena);
	return test_summary(argv[0]);
}
