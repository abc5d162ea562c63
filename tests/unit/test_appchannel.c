/* Unit tests of src/http/appchannel.c: the allow-list is exact, and the
 * cookie and the bearer token never stand in for each other. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "appchannel.h"
#include "test.h"

static struct conf *conf_with(const char *text)
{
	char path[] = "/tmp/test_appchannel_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	struct conf *c;
	struct err err;

	if (!f) {
		perror("mkstemp");
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	c = conf_load(path, &err);
	unlink(path);
	if (!c) {
		fprintf(stderr, "conf: %s\n", err.msg);
		exit(2);
	}
	return c;
}

TEST(allows_exactly_the_listed_origins)
{
	struct conf *c = conf_with("[app]\norigins = capacitor://localhost,"
				   " https://localhost  http://app.localhost:18080\n");

	CHECK(appchannel_origin_allowed(c, "capacitor://localhost"));
	CHECK(appchannel_origin_allowed(c, "https://localhost"));
	CHECK(appchannel_origin_allowed(c, "http://app.localhost:18080"));
	/* No prefix, suffix, port, scheme or case variant slips through. */
	CHECK(!appchannel_origin_allowed(c, "https://localhost.evil.example"));
	CHECK(!appchannel_origin_allowed(c, "https://localhos"));
	CHECK(!appchannel_origin_allowed(c, "https://localhost:8443"));
	CHECK(!appchannel_origin_allowed(c, "http://localhost"));
	CHECK(!appchannel_origin_allowed(c, "HTTPS://LOCALHOST"));
	CHECK(!appchannel_origin_allowed(c, "http://app.localhost:1808"));
	CHECK(!appchannel_origin_allowed(c, "null"));
	CHECK(!appchannel_origin_allowed(c, ""));
	CHECK(!appchannel_origin_allowed(c, NULL));
	conf_free(c);
}

TEST(no_list_and_no_wildcard)
{
	struct conf *none = conf_with("[database]\nname = x\n");
	struct conf *star = conf_with("[app]\norigins = *\n");

	CHECK(!appchannel_origin_allowed(none, "capacitor://localhost"));
	CHECK(!appchannel_origin_allowed(star, "https://evil.example"));
	conf_free(none);
	conf_free(star);
}

TEST(browser_uses_the_cookie)
{
	const char *tok = "x";
	struct err err;

	CHECK_EQ_INT(appchannel_session_token(0, "C", NULL, &tok, &err), 0);
	CHECK_EQ_STR(tok, "C");
	CHECK_EQ_INT(appchannel_session_token(0, NULL, NULL, &tok, &err), 0);
	CHECK(tok == NULL);
}

TEST(app_uses_the_bearer_and_ignores_a_cookie)
{
	const char *tok = "x";
	struct err err;

	CHECK_EQ_INT(appchannel_session_token(1, NULL, "B", &tok, &err), 0);
	CHECK_EQ_STR(tok, "B");
	CHECK_EQ_INT(appchannel_session_token(1, "C", NULL, &tok, &err), 0);
	CHECK(tok == NULL);
}

TEST(refuses_bearer_outside_the_app_channel_or_beside_a_cookie)
{
	const char *tok = "x";
	struct err err;

	CHECK_EQ_INT(appchannel_session_token(0, NULL, "B", &tok, &err), -1);
	CHECK_EQ_INT(err.code, E_AUTH_REQUIRED);
	CHECK(tok == NULL);
	CHECK_EQ_INT(appchannel_session_token(0, "C", "B", &tok, &err), -1);
	CHECK_EQ_INT(err.code, E_AUTH_REQUIRED);
	CHECK_EQ_INT(appchannel_session_token(1, "C", "B", &tok, &err), -1);
	CHECK_EQ_INT(err.code, E_AUTH_REQUIRED);
}

TEST(token_goes_into_a_successful_answer_only)
{
	json_t *ok = json_pack("{s:b,s:s,s:{s:s}}", "ok", 1, "verb", "LOGIN",
			       "data", "user", "ann");
	json_t *bad = json_pack("{s:b,s:s,s:{s:s}}", "ok", 0, "verb", "LOGIN",
				"error", "code", "AUTH_FAILED");

	appchannel_reply_token(ok, "T");
	appchannel_reply_token(bad, "T");
	CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(ok, "data"),
						       "token")), "T");
	CHECK(json_object_get(bad, "data") == NULL);
	appchannel_reply_token(ok, NULL);
	json_decref(ok);
	json_decref(bad);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(allows_exactly_the_listed_origins);
	RUN(no_list_and_no_wildcard);
	RUN(browser_uses_the_cookie);
	RUN(app_uses_the_bearer_and_ignores_a_cookie);
	RUN(refuses_bearer_outside_the_app_channel_or_beside_a_cookie);
	RUN(token_goes_into_a_successful_answer_only);
	return test_summary(argv[0]);
}
