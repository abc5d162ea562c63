/* The pipeline's refusals that come before any database work: every bad
 * line refuses the whole request, names its line and column, and the
 * answer has the shape of PROTOCOL.md §3. No database is opened here, so
 * reaching one would crash the test: that too is asserted. */
#include <string.h>
#include "pipeline.h"
#include "test.h"

static struct arena *arena;

static struct pipeline_result run(enum program prog, const char *body)
{
	struct ctx ctx = { .arena = arena, .program = prog, .now = 1700000000 };
	struct pipeline_result r;

	pipeline_run(&ctx, body, strlen(body), &r);
	return r;
}

static const char *code_of(const struct pipeline_result *r)
{
	json_t *e = json_object_get(r->reply, "error");
	return json_string_value(json_object_get(e, "code"));
}

static long long field(const struct pipeline_result *r, const char *k)
{
	json_t *e = json_object_get(r->reply, "error");
	return json_integer_value(json_object_get(e, k));
}

static void done(struct pipeline_result *r)
{
	json_decref(r->reply);
	json_decref(r->params);
	arena_reset(arena);
}

TEST(unknown_verb_is_bad_command_at_column_1)
{
	struct pipeline_result r = run(PROG_SYNC, "NOSUCH.VERB");

	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_STR(code_of(&r), "BAD_COMMAND");
	CHECK_EQ_INT(field(&r, "line"), 1);
	CHECK_EQ_INT(field(&r, "column"), 1);
	CHECK(json_is_false(json_object_get(r.reply, "ok")));
	done(&r);
}

TEST(verb_of_another_program_is_refused)
{
	struct pipeline_result r = run(PROG_PORTAL, "PING");

	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_STR(code_of(&r), "BAD_COMMAND");
	done(&r);
}

TEST(second_line_on_single_line_endpoint_is_refused)
{
	struct pipeline_result r = run(PROG_AUTH, "NOSUCH\nNOSUCH");

	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_STR(code_of(&r), "BAD_COMMAND");
	CHECK_EQ_INT(field(&r, "line"), 2);
	done(&r);
}

TEST(bad_line_in_batch_names_its_line_and_keeps_no_results)
{
	struct pipeline_result r = run(PROG_SYNC, "PING\nPING\nPING x=1\nPING");

	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_STR(code_of(&r), "BAD_COMMAND");
	CHECK_EQ_INT(field(&r, "line"), 3);
	CHECK_EQ_INT(field(&r, "column"), 6);
	CHECK(json_object_get(r.reply, "results") == NULL);
	CHECK_EQ_INT(r.lines, 4);
	done(&r);
}

TEST(invalid_utf8_names_line_and_byte_column)
{
	struct pipeline_result r = run(PROG_SYNC, "PING\nPING \xc0\x80");

	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_STR(code_of(&r), "BAD_COMMAND");
	CHECK_EQ_INT(field(&r, "line"), 2);
	CHECK_EQ_INT(field(&r, "column"), 6);
	done(&r);
}

TEST(empty_body_is_bad_command)
{
	struct pipeline_result r = run(PROG_SYNC, "");

	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_STR(code_of(&r), "BAD_COMMAND");
	CHECK(r.verb == NULL);
	done(&r);
}

TEST(batch_over_1000_lines_is_refused_at_line_1001)
{
	static char body[1001 * 5 + 1];
	struct pipeline_result r;

	for (int i = 0; i < 1001; i++)
		memcpy(body + i * 5, "PING\n", 5);
	r = run(PROG_SYNC, body);
	CHECK_EQ_INT(r.status, 400);
	CHECK_EQ_INT(field(&r, "line"), 1001);
	done(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	arena = arena_new();
	RUN(unknown_verb_is_bad_command_at_column_1);
	RUN(verb_of_another_program_is_refused);
	RUN(second_line_on_single_line_endpoint_is_refused);
	RUN(bad_line_in_batch_names_its_line_and_keeps_no_results);
	RUN(invalid_utf8_names_line_and_byte_column);
	RUN(empty_body_is_bad_command);
	RUN(batch_over_1000_lines_is_refused_at_line_1001);
	arena_destroy(arena);
	return test_summary(argv[0]);
}
