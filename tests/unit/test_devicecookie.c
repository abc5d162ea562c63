/* Unit tests of src/domain/devicecookie.c without a database: the cookie
 * the transport sets, one entry per user of a shared browser, and that
 * no entry is found for a user it was not issued to (such a look-up
 * never reaches the database). The lane itself, the deny list and the
 * throttle are tested through nginx in test_auth_device.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "devicecookie.h"
#include "test.h"

static char dir[] = "/tmp/test_devicecookie.XXXXXX";
static struct conf *conf;

static void setup(void)
{
	char path[128], text[256];
	unsigned char key[32];
	struct err err;
	FILE *f;

	if (!mkdtemp(dir) || sodium_init() < 0)
		abort();
	randombytes_buf(key, sizeof(key));
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	f = fopen(path, "wb");
	fwrite(key, 1, sizeof(key), f);
	fclose(f);
	chmod(path, 0600);
	snprintf(text, sizeof(text), "[security]\nkey_file = %s\n", path);
	snprintf(path, sizeof(path), "%s/infosys.conf", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	conf = conf_load(path, &err);
	if (!conf)
		abort();
}

static void teardown(void)
{
	char path[128];

	conf_free(conf);
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/infosys.conf", dir);
	unlink(path);
	rmdir(dir);
}

/* The cookie's value as the browser would send it back. */
static const char *cookie_value(struct ctx *ctx)
{
	const char *set = ctx->set_device_cookie;
	const char *start = strchr(set, '=') + 1;

	return arena_strndup(ctx->arena, start, strcspn(start, ";"));
}

static int entries(const char *value)
{
	int n = 1;

	for (; *value; value++)
		n += *value == '.';
	return n;
}

TEST(cookie_has_every_attribute)
{
	struct ctx ctx = { .arena = arena_new(), .conf = conf, .now = 1700000000 };
	struct err err;
	const char *v;

	CHECK_EQ_INT(devicecookie_issue(&ctx, "DEMO", "nurse", &err), 0);
	v = cookie_value(&ctx);
	CHECK_EQ_INT((int)strlen(v), 76);
	CHECK(strncmp(ctx.set_device_cookie, "__Secure-idev=", 14) == 0);
	CHECK(strstr(ctx.set_device_cookie, "; Path=/api/auth; Max-Age=15552000;"
		     " Secure; HttpOnly; SameSite=Strict") != NULL);
	arena_destroy(ctx.arena);
}

TEST(a_shared_browser_keeps_one_entry_per_user)
{
	struct ctx ctx = { .arena = arena_new(), .conf = conf, .now = 1700000000 };
	struct err err;
	const char *a, *ab, *ba;

	devicecookie_issue(&ctx, "DEMO", "nurse", &err);
	a = cookie_value(&ctx);
	ctx.device_cookie = a;
	devicecookie_issue(&ctx, "DEMO", "doctor", &err);
	ab = cookie_value(&ctx);
	CHECK_EQ_INT(entries(ab), 2);
	CHECK(strcmp(ab + 77, a) == 0);		/* the nurse's, after */
	/* The nurse again (in another letter case): hers is replaced. */
	ctx.device_cookie = ab;
	devicecookie_issue(&ctx, "demo", "NURSE", &err);
	ba = cookie_value(&ctx);
	CHECK_EQ_INT(entries(ba), 2);
	CHECK(strstr(ba, a) == NULL);
	CHECK(strncmp(ba + 77, ab, 76) == 0);	/* the doctor's, kept */
	arena_destroy(ctx.arena);
}

TEST(at_most_four_entries_and_junk_dropped)
{
	struct ctx ctx = { .arena = arena_new(), .conf = conf, .now = 1700000000 };
	const char *users[] = { "u1", "u2", "u3", "u4", "u5" };
	struct err err;
	const char *v;

	ctx.device_cookie = "junk.x.";
	for (int i = 0; i < 5; i++) {
		devicecookie_issue(&ctx, "DEMO", users[i], &err);
		ctx.device_cookie = cookie_value(&ctx);
	}
	v = ctx.device_cookie;
	CHECK_EQ_INT(entries(v), 4);
	CHECK_EQ_INT((int)strlen(v), 4 * 76 + 3);
	arena_destroy(ctx.arena);
}

TEST(no_entry_for_another_user_facility_or_an_old_one)
{
	struct ctx ctx = { .arena = arena_new(), .conf = conf, .now = 1700000000 };
	struct device_entry e;
	struct err err;

	devicecookie_issue(&ctx, "DEMO", "nurse", &err);
	ctx.device_cookie = cookie_value(&ctx);
	/* ctx.db is NULL: a look-up that reached the deny list would fail. */
	CHECK_EQ_INT(devicecookie_find(&ctx, "DEMO", "doctor", &e, &err), 0);
	CHECK_EQ_INT(devicecookie_find(&ctx, "OTHER", "nurse", &e, &err), 0);
	CHECK_EQ_INT(devicecookie_find(&ctx, "DEMO", "nurse2", &e, &err), 0);
	ctx.now += DEVICE_LIFETIME_S;
	CHECK_EQ_INT(devicecookie_find(&ctx, "DEMO", "nurse", &e, &err), 0);
	ctx.now -= DEVICE_LIFETIME_S + 3600;	/* issued an hour "ahead" */
	CHECK_EQ_INT(devicecookie_find(&ctx, "DEMO", "nurse", &e, &err), 0);
	arena_destroy(ctx.arena);
}

int main(int argc, char **argv)
{
	(void)argc;
	setup();
	RUN(cookie_has_every_attribute);
	RUN(a_shared_browser_keeps_one_entry_per_user);
	RUN(at_most_four_entries_and_junk_dropped);
	RUN(no_entry_for_another_user_facility_or_an_old_one);
	teardown();
	return test_summary(argv[0]);
}
