/* Unit tests of src/core/utf8.c: the well-formed table of Unicode §3.9 and its
 * edges, and character counting. */
#include <stdint.h>
#include "test.h"
#include "utf8.h"

/* Offset of the first bad byte of s[0..len), or -1 when valid. */
static long long bad_at(const char *s, size_t len)
{
	size_t bad = 999;

	if (utf8_validate(s, len, &bad) == 0)
		return -1;
	return (long long)bad;
}

#define BAD(lit) bad_at(lit, sizeof(lit) - 1)

TEST(ascii_and_empty)
{
	CHECK_EQ_INT(bad_at("", 0), -1);
	CHECK_EQ_INT(BAD("PING key=value"), -1);
	CHECK_EQ_INT(BAD("\x7f"), -1);	/* DEL is valid UTF-8 (cmd refuses it) */
	CHECK_EQ_INT(bad_at("a\0b", 3), -1);	/* NUL too */
}

TEST(valid_boundaries)
{
	CHECK_EQ_INT(BAD("\xC2\x80"), -1);		/* U+0080 */
	CHECK_EQ_INT(BAD("\xDF\xBF"), -1);		/* U+07FF */
	CHECK_EQ_INT(BAD("\xE0\xA0\x80"), -1);		/* U+0800 */
	CHECK_EQ_INT(BAD("\xED\x9F\xBF"), -1);		/* U+D7FF */
	CHECK_EQ_INT(BAD("\xEE\x80\x80"), -1);		/* U+E000 */
	CHECK_EQ_INT(BAD("\xEF\xBF\xBF"), -1);		/* U+FFFF */
	CHECK_EQ_INT(BAD("\xF0\x90\x80\x80"), -1);	/* U+10000 */
	CHECK_EQ_INT(BAD("\xF4\x8F\xBF\xBF"), -1);	/* U+10FFFF */
	CHECK_EQ_INT(BAD("Gr\xC3\xBC\xC3\x9F\x65 \xE2\x82\xAC \xF0\x9F\x98\x80"),
		     -1);
}

TEST(overlongs)
{
	CHECK_EQ_INT(BAD("\xC0\x80"), 0);
	CHECK_EQ_INT(BAD("\xC1\xBF"), 0);
	CHECK_EQ_INT(BAD("\xE0\x80\x80"), 0);
	CHECK_EQ_INT(BAD("\xE0\x9F\xBF"), 0);
	CHECK_EQ_INT(BAD("\xF0\x80\x80\x80"), 0);
	CHECK_EQ_INT(BAD("\xF0\x8F\xBF\xBF"), 0);
	CHECK_EQ_INT(BAD("ab\xC0\xAF"), 2);		/* overlong '/' */
}

TEST(surrogates_and_beyond)
{
	CHECK_EQ_INT(BAD("\xED\xA0\x80"), 0);		/* U+D800 */
	CHECK_EQ_INT(BAD("\xED\xBF\xBF"), 0);		/* U+DFFF */
	CHECK_EQ_INT(BAD("x\xED\xB0\x80"), 1);
	CHECK_EQ_INT(BAD("\xF4\x90\x80\x80"), 0);	/* U+110000 */
	CHECK_EQ_INT(BAD("\xF5\x80\x80\x80"), 0);
	CHECK_EQ_INT(BAD("\xF8\x88\x80\x80\x80"), 0);
	CHECK_EQ_INT(BAD("\xFE"), 0);
	CHECK_EQ_INT(BAD("\xFF"), 0);
}

TEST(stray_and_truncated)
{
	CHECK_EQ_INT(BAD("\x80"), 0);			/* lone continuation */
	CHECK_EQ_INT(BAD("abc\xBF"), 3);
	CHECK_EQ_INT(BAD("\xC3"), 0);			/* truncated at end */
	CHECK_EQ_INT(BAD("\xE2\x82"), 0);
	CHECK_EQ_INT(BAD("\xF0\x9F\x98"), 0);
	CHECK_EQ_INT(BAD("ok\xE2\x82" "A"), 2);		/* cut by ASCII */
	CHECK_EQ_INT(BAD("\xC3\xA9\xC3"), 2);
	CHECK_EQ_INT(BAD("\xE2\x82\xAC\xE2\x28\xA1"), 3);
	CHECK_EQ_INT(BAD("\xF0\x9F\x98\x41"), 0);
}

TEST(decode)
{
	uint32_t cp = 0;

	CHECK_EQ_INT(utf8_decode((const unsigned char *)"A", 1, &cp), 1);
	CHECK_EQ_INT(cp, 'A');
	CHECK_EQ_INT(utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp), 2);
	CHECK_EQ_INT(cp, 0xE9);
	CHECK_EQ_INT(utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3,
				 &cp), 3);
	CHECK_EQ_INT(cp, 0x20AC);
	CHECK_EQ_INT(utf8_decode((const unsigned char *)"\xF4\x8F\xBF\xBF", 4,
				 &cp), 4);
	CHECK_EQ_INT(cp, 0x10FFFF);
	/* The length limit is honoured even when more bytes follow. */
	CHECK_EQ_INT(utf8_decode((const unsigned char *)"\xE2\x82\xAC", 2,
				 &cp), 0);
}

TEST(count)
{
	CHECK_EQ_INT(utf8_count("", 0), 0);
	CHECK_EQ_INT(utf8_count("abc", 3), 3);
	CHECK_EQ_INT(utf8_count("\xC3\xA9t\xC3\xA9", 5), 3);
	CHECK_EQ_INT(utf8_count("\xE2\x82\xAC\xF0\x9F\x98\x80", 7), 2);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(ascii_and_empty);
	RUN(valid_boundaries);
	RUN(overlongs);
	RUN(surrogates_and_beyond);
	RUN(stray_and_truncated);
	RUN(decode);
	RUN(count);
	return test_summary(argv[0]);
}
