/* Unit tests of src/core/arena.c: alignment, large allocations, reset, the
 * string helpers. Run under valgrind or ASan to catch overruns. */
#include <stdint.h>
#include <string.h>
#include "arena.h"
#include "test.h"

TEST(alignment)
{
	struct arena *a = arena_new();

	CHECK(a != NULL);
	for (size_t n = 0; n < 100; n++) {
		char *p = arena_alloc(a, n);
		CHECK(p != NULL);
		CHECK_EQ_INT((uintptr_t)p % 16, 0);
		memset(p, 0xAA, n);
	}
	arena_destroy(a);
}

TEST(many_small_and_big)
{
	struct arena *a = arena_new();
	char *big = arena_alloc(a, 100 * 1024);

	CHECK(big != NULL);
	memset(big, 1, 100 * 1024);
	for (int i = 0; i < 5000; i++) {
		char *p = arena_alloc(a, 40);
		CHECK(p != NULL);
		memset(p, 2, 40);
	}
	CHECK_EQ_INT(big[100 * 1024 - 1], 1);
	arena_destroy(a);
}

TEST(calloc_zeroes)
{
	struct arena *a = arena_new();
	unsigned char *p = arena_calloc(a, 1000);
	int zero = 1;

	for (int i = 0; i < 1000; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	arena_destroy(a);
}

TEST(reset_reuses)
{
	struct arena *a = arena_new();
	char *first = arena_alloc(a, 8);

	for (int i = 0; i < 100; i++)
		CHECK(arena_alloc(a, 1000) != NULL);
	CHECK(arena_alloc(a, 1 << 20) != NULL);
	arena_reset(a);
	CHECK(arena_alloc(a, 8) == first);
	arena_reset(a);
	arena_reset(a);
	CHECK(arena_alloc(a, 8) == first);
	arena_destroy(a);
}

TEST(strings)
{
	struct arena *a = arena_new();

	CHECK_EQ_STR(arena_strndup(a, "hello world", 5), "hello");
	CHECK_EQ_STR(arena_strndup(a, NULL, 0), "");
	CHECK_EQ_STR(arena_strdup(a, "x"), "x");
	CHECK_EQ_STR(arena_printf(a, "%s=%d", "n", 42), "n=42");
	char *longs = arena_printf(a, "%30000d", 7);
	CHECK(longs != NULL && strlen(longs) == 30000);
	arena_destroy(a);
	arena_destroy(NULL);
}

TEST(overflow_refused)
{
	struct arena *a = arena_new();

	CHECK(arena_alloc(a, SIZE_MAX) == NULL);
	CHECK(arena_alloc(a, SIZE_MAX - 8) == NULL);
	CHECK(arena_alloc(a, 16) != NULL);
	arena_destroy(a);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(alignment);
	RUN(many_small_and_big);
	RUN(calloc_zeroes);
	RUN(reset_reuses);
	RUN(strings);
	RUN(overflow_refused);
	return test_summary(argv[0]);
}
