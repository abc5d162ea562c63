/* Unit tests of src/core/conf.c: parsing, look-ups, and errors that name the
 * file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "test.h"

static char path[64];

/* Writes text to a fresh temporary file named in path. */
static void write_conf(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_conf_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		perror("mkstemp");
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static struct conf *load(const char *text, struct err *err)
{
	struct conf *c;

	write_conf(text);
	err_clear(err);
	c = conf_load(path, err);
	unlink(path);
	return c;
}

TEST(parses_sections_keys_and_comments)
{
	struct err err;
	struct conf *c = load("; comment\n# another\n\n[database]\n"
			      "  socket =  /run/db.sock  \r\n"
			      "user=app\npassword = a;b#c = d\n"
			      "[ migrate ]\nuser = mig\n", &err);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ_STR(conf_get(c, "database", "socket", NULL), "/run/db.sock");
	CHECK_EQ_STR(conf_get(c, "database", "user", NULL), "app");
	/* No inline comments: a password may contain ';' and '#'. */
	CHECK_EQ_STR(conf_get(c, "database", "password", NULL), "a;b#c = d");
	CHECK_EQ_STR(conf_get(c, "migrate", "user", NULL), "mig");
	CHECK_EQ_STR(conf_get(c, "migrate", "password", "dflt"), "dflt");
	CHECK(conf_get(c, "nosuch", "user", NULL) == NULL);
	CHECK_EQ_STR(conf_path(c), path);
	conf_free(c);
}

TEST(last_duplicate_wins)
{
	struct err err;
	struct conf *c = load("[a]\nk = 1\nk = 2\n[b]\nk = 3\n[a]\nk = 4\n", &err);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ_STR(conf_get(c, "a", "k", NULL), "4");
	CHECK_EQ_STR(conf_get(c, "b", "k", NULL), "3");
	conf_free(c);
}

TEST(empty_value_is_present)
{
	struct err err;
	struct conf *c = load("[a]\nk =\n", &err);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ_STR(conf_get(c, "a", "k", "dflt"), "");
	CHECK_EQ_INT(conf_get_int(c, "a", "k", 7), 7);
	conf_free(c);
}

TEST(integers)
{
	struct err err;
	struct conf *c = load("[n]\na = 42\nb = -3\nc = 12x\nd = 99999999999\n", &err);

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_EQ_INT(conf_get_int(c, "n", "a", 0), 42);
	CHECK_EQ_INT(conf_get_int(c, "n", "b", 0), -3);
	CHECK_EQ_INT(conf_get_int(c, "n", "c", 5), 5);
	CHECK_EQ_INT(conf_get_int(c, "n", "d", 0), 99999999999LL);
	CHECK_EQ_INT(conf_get_int(c, "n", "missing", 9), 9);
	conf_free(c);
}

static void check_malformed(const char *text, const char *line)
{
	struct err err;
	struct conf *c = load(text, &err);
	char want[96];

	CHECK(c == NULL);
	conf_free(c);
	snprintf(want, sizeof(want), "%s:%s:", path, line);
	CHECK(strstr(err.msg, want) != NULL);
	if (!strstr(err.msg, want))
		fprintf(stderr, "\tmessage: %s\n", err.msg);
}

TEST(malformed_lines_name_file_and_line)
{
	check_malformed("[a]\nk = 1\nno equals sign\n", "3");
	check_malformed("[a\nk = 1\n", "1");
	check_malformed("k = 1\n", "1");
	check_malformed("[a]\n = 1\n", "2");
	check_malformed("[a]\nbad key = 1\n", "2");
	check_malformed("[]\n", "1");
}

TEST(unreadable_file_names_path)
{
	struct err err;
	struct conf *c;

	err_clear(&err);
	c = conf_load("/nonexistent/infosys.conf", &err);
	CHECK(c == NULL);
	CHECK(strstr(err.msg, "/nonexistent/infosys.conf") != NULL);
}

TEST(path_from_environment)
{
	struct err err;
	struct conf *c;

	write_conf("[x]\ny = z\n");
	setenv("INFOSYS_CONF", path, 1);
	err_clear(&err);
	c = conf_load(NULL, &err);
	CHECK(c != NULL);
	CHECK_EQ_STR(conf_get(c, "x", "y", NULL), "z");
	conf_free(c);
	unlink(path);
	unsetenv("INFOSYS_CONF");
}

TEST(null_conf_gives_defaults)
{
	CHECK_EQ_STR(conf_get(NULL, "a", "b", "d"), "d");
	CHECK_EQ_INT(conf_get_int(NULL, "a", "b", 3), 3);
}

/* The database failover list: "a.sock, b.sock" in preference order. */
TEST(list_items_trimmed_in_order)
{
	char buf[16];

	CHECK_EQ_INT(conf_list_item(" /a.sock , /b.sock,,c ", 0, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "/a.sock");
	CHECK_EQ_INT(conf_list_item(" /a.sock , /b.sock,,c ", 1, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "/b.sock");
	CHECK_EQ_INT(conf_list_item(" /a.sock , /b.sock,,c ", 2, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "c");
	CHECK_EQ_INT(conf_list_item(" /a.sock , /b.sock,,c ", 3, buf, sizeof(buf)), -1);
	CHECK_EQ_INT(conf_list_item("single", 0, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "single");
	CHECK_EQ_INT(conf_list_item("", 0, buf, sizeof(buf)), -1);
	CHECK_EQ_INT(conf_list_item(NULL, 0, buf, sizeof(buf)), -1);
	/* Too long for the buffer: refused, never cut short. */
	CHECK_EQ_INT(conf_list_item("0123456789abcdefXYZ", 0, buf, sizeof(buf)), -1);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(parses_sections_keys_and_comments);
	RUN(last_duplicate_wins);
	RUN(empty_value_is_present);
	RUN(integers);
	RUN(malformed_lines_name_file_and_line);
	RUN(unreadable_file_names_path);
	RUN(path_from_environment);
	RUN(null_conf_gives_defaults);
	RUN(list_items_trimmed_in_order);
	return test_summary(argv[0]);
}
