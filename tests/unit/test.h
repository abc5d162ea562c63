/* test.h — a tiny header-only unit-test harness.
 *
 * Usage (one test binary per src/ module, tests/unit/test_<module>.c):
 *
 *	#include "test.h"
 *
 *	TEST(adds_up)
 *	{
 *		CHECK(1 + 1 == 2);
 *		CHECK_EQ_INT(2 + 2, 4);
 *		CHECK_EQ_STR(err_name(E_NOT_FOUND), "NOT_FOUND");
 *	}
 *
 *	int main(int argc, char **argv)
 *	{
 *		(void)argc;
 *		RUN(adds_up);
 *		return test_summary(argv[0]);
 *	}
 *
 * A failing CHECK prints "file:line: CHECK(expr) failed" (with both values
 * for the _EQ_ forms) to stderr and the test goes on, so one run shows
 * every failure. test_summary() prints exactly one line to stdout,
 * "<binary name>: N passed, M failed" counting test functions, and returns
 * the exit status: 1 when any test failed, else 0. */
#ifndef INFOSYS_TEST_H
#define INFOSYS_TEST_H

#include <stdio.h>
#include <string.h>

#define TEST_UNUSED __attribute__((unused))

static int test_passed_ TEST_UNUSED;
static int test_failed_ TEST_UNUSED;
static int test_current_failed_ TEST_UNUSED;

#define TEST(name) static void name(void)

#define RUN(name) test_run_(#name, name)

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond))                                            \
			test_fail_(__FILE__, __LINE__,                  \
				   "CHECK(" #cond ") failed");          \
	} while (0)

#define CHECK_EQ_INT(a, b)                                              \
	do {                                                            \
		long long test_a_ = (long long)(a);                     \
		long long test_b_ = (long long)(b);                     \
		if (test_a_ != test_b_) {                               \
			test_fail_(__FILE__, __LINE__,                  \
				   "CHECK_EQ_INT(" #a ", " #b ") failed");  \
			fprintf(stderr, "\t%lld != %lld\n", test_a_,    \
				test_b_);                               \
		}                                                       \
	} while (0)

#define CHECK_EQ_STR(a, b)                                              \
	do {                                                            \
		const char *test_a_ = (a), *test_b_ = (b);              \
		if (!test_a_ || !test_b_ || strcmp(test_a_, test_b_)) { \
			test_fail_(__FILE__, __LINE__,                  \
				   "CHECK_EQ_STR(" #a ", " #b ") failed");  \
			fprintf(stderr, "\t\"%s\" != \"%s\"\n",         \
				test_a_ ? test_a_ : "(null)",           \
				test_b_ ? test_b_ : "(null)");          \
		}                                                       \
	} while (0)

static inline void test_fail_(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, what);
	test_current_failed_ = 1;
}

static inline void test_run_(const char *name, void (*fn)(void))
{
	test_current_failed_ = 0;
	fn();
	if (test_current_failed_) {
		fprintf(stderr, "FAIL %s\n", name);
		test_failed_++;
	} else {
		test_passed_++;
	}
}

static inline int test_summary(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	printf("%s: %d passed, %d failed\n", base ? base + 1 : argv0,
	       test_passed_, test_failed_);
	fflush(stdout);
	return test_failed_ ? 1 : 0;
}

#endif
