/* Unit tests of src/proto/canon.c: bare or quoted values, spec key order, and
 * the round trip parse -> bind -> canon -> parse -> bind -> canon. */
#include <string.h>
#include "bind.h"
#include "canon.h"
#include "test.h"

#define NOW 1717243200	/* 2024-06-01T12:00:00Z */

static const char *const kinds[] = { "fridge", "freezer", NULL };

static const struct argspec d_args[] = {
	{ "device", AT_ID, 1, 0, 0, NULL, "" },
	{ "kind", AT_ENUM, 1, 0, 0, kinds, "" },
	{ "location", AT_TEXT, 0, 0, 120, NULL, "" },
	{ "value", AT_DEC, 0, -10000, 20000, NULL, "" },
	{ "ts", AT_TS, 0, 0, 0, NULL, "" },
	{ "password", AT_SECRET, 0, 0, 0, NULL, "" },
	{ "email", AT_EMAIL, 0, 0, 0, NULL, "" },
};

static const struct verb d_verb = {
	.name = "DEVICE.UPSERT", .program = PROG_SYNC, .roles = ROLE_PC,
	.args = d_args, .nargs = 7,
};

static struct arena *arena;

static char *canon_of(const char *line)
{
	struct cmd cmd;
	struct call call;
	struct err err;
	struct slice l = { line, strlen(line) };

	if (cmd_parse_line(l, 1, &cmd, &err) < 0 ||
	    call_bind_verb(&cmd, &d_verb, arena, NOW, &call, &err) < 0) {
		fprintf(stderr, "\t%s: %d %s\n", line, err.column, err.msg);
		return NULL;
	}
	return canon_line(&call, arena);
}

static const char *value(const char *s)
{
	char *buf = arena_alloc(arena, 2 * strlen(s) + 4);
	size_t n = canon_value(s, strlen(s), buf);

	buf[n] = '\0';
	return buf;
}

TEST(values)
{
	CHECK_EQ_STR(value("abc"), "abc");
	CHECK_EQ_STR(value("azAZ09-_.:@+/,$="), "azAZ09-_.:@+/,$=");
	CHECK_EQ_STR(value(""), "\"\"");
	CHECK_EQ_STR(value("a b"), "\"a b\"");
	CHECK_EQ_STR(value("say \"hi\""), "\"say \\\"hi\\\"\"");
	CHECK_EQ_STR(value("a\\b"), "\"a\\\\b\"");
	CHECK_EQ_STR(value("l1\nl2\tx"), "\"l1\\nl2\\tx\"");
	CHECK_EQ_STR(value("6.1\xC2\xB0" "C"), "\"6.1\xC2\xB0" "C\"");
	CHECK_EQ_STR(value("#"), "\"#\"");
	CHECK_EQ_STR(value("\x01"), "\"?\"");
	/* The documented worst case fits: every byte escaped. */
	CHECK_EQ_INT(canon_value("\"\"\"", 3, (char[9]){ 0 }), 8);
}

TEST(lines)
{
	CHECK_EQ_STR(canon_of("DEVICE.UPSERT kind=fridge device=fr1"),
		     "DEVICE.UPSERT device=fr1 kind=fridge");
	CHECK_EQ_STR(canon_of("DEVICE.UPSERT value=4.50 location=\"Lab 2\" "
			      "device=\"fr1\" kind=\"freezer\""),
		     "DEVICE.UPSERT device=fr1 kind=freezer "
		     "location=\"Lab 2\" value=4.50");
	CHECK_EQ_STR(canon_of("DEVICE.UPSERT device=a kind=fridge "
			      "location=\"\""),
		     "DEVICE.UPSERT device=a kind=fridge location=\"\"");
	CHECK_EQ_STR(canon_of("DEVICE.UPSERT device=a kind=fridge "
			      "location=\"x\\ty\\\\z\\\"\""),
		     "DEVICE.UPSERT device=a kind=fridge "
		     "location=\"x\\ty\\\\z\\\"\"");
	CHECK_EQ_STR(canon_of("DEVICE.UPSERT device=a kind=fridge "
			      "location=\"plain\""),
		     "DEVICE.UPSERT device=a kind=fridge location=plain");
}

/* parse -> bind -> canon, then the same again on the canonical line: the
 * second canonical line equals the first, and so do the bound values. */
static int round_trip(const char *line)
{
	char *c1 = canon_of(line);
	char *c2 = c1 ? canon_of(c1) : NULL;

	if (!c1 || !c2 || strcmp(c1, c2) != 0) {
		fprintf(stderr, "\t%s\n\t-> %s\n\t-> %s\n", line,
			c1 ? c1 : "(null)", c2 ? c2 : "(null)");
		return 0;
	}
	return 1;
}

TEST(round_trips)
{
	CHECK(round_trip("DEVICE.UPSERT device=fr1 kind=fridge"));
	CHECK(round_trip("DEVICE.UPSERT email=a@b.co ts=2024-06-01T12:00:00Z "
			 "password=\"p a s s\\\\\" value=-0.5 kind=freezer "
			 "location=\"K\xC3\xBC" "che \\\"3\\\"\\n2. OG\" "
			 "device=x:y"));
	CHECK(round_trip("DEVICE.UPSERT device=\"a.b\" kind=fridge "
			 "location=\"=,$/+@:.-_\""));
	CHECK(round_trip("DEVICE.UPSERT device=a kind=fridge location=\"\\t\""));
}

int main(int argc, char **argv)
{
	(void)argc;
	arena = arena_new();
	RUN(values);
	RUN(lines);
	RUN(round_trips);
	arena_destroy(arena);
	return test_summary(argv[0]);
}
