/* Unit tests of the parts of src/domain/session.c and src/domain/loginlog.c that need
 * no database: the cookie strings the transport sends, and the device
 * type of the login history. (Sessions against the database are tested
 * through nginx in tests/integration/test_auth_session.py.) */
#include <string.h>

#include "arena.h"
#include "loginlog.h"
#include "session.h"
#include "test.h"

TEST(cookie_has_every_attribute)
{
	struct arena *a = arena_new();

	CHECK_EQ_STR(session_cookie(a, "abc-_123"),
		     "__Host-sid=abc-_123; Path=/; Secure; HttpOnly; SameSite=Strict");
	arena_destroy(a);
}

TEST(clearing_cookie_expires_at_once)
{
	struct arena *a = arena_new();

	CHECK_EQ_STR(session_cookie_clear(a),
		     "__Host-sid=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
	arena_destroy(a);
}

TEST(device_types_from_user_agents)
{
	CHECK_EQ_STR(loginlog_device_type(NULL), "other");
	CHECK_EQ_STR(loginlog_device_type("curl/7.88.1"), "other");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"), "iphone");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"), "ipad");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36"),
		"android-phone");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36"),
		"android-tablet");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"), "windows");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)"), "mac");
	CHECK_EQ_STR(loginlog_device_type(
		"Mozilla/5.0 (X11; Linux x86_64)"), "linux");
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(cookie_has_every_attribute);
	RUN(clearing_cookie_expires_at_once);
	RUN(device_types_from_user_agents);
	return test_summary(argv[0]);
}
