/* Unit tests of src/crypto/totp.c against the test vectors of RFC 6238
 * Appendix B (SHA-1) and RFC 4648 §10 (base32). */
#include <string.h>

#include "test.h"
#include "totp.h"

static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEYLEN 20

TEST(rfc6238_sha1_vectors)
{
	static const struct { long long t; long code; } v[] = {
		{ 59, 94287082 }, { 1111111109, 7081804 },
		{ 1111111111, 14050471 }, { 1234567890, 89005924 },
		{ 2000000000, 69279037 }, { 20000000000LL, 65353130 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t step = totp_step((time_t)v[i].t);
		CHECK_EQ_INT(totp_code(rfc_key, RFC_KEYLEN, step, 8), v[i].code);
		/* Six digits are the last six of the eight. */
		CHECK_EQ_INT(totp_code(rfc_key, RFC_KEYLEN, step, 6),
			     v[i].code % 1000000);
	}
}

TEST(match_accepts_one_step_either_side_and_only_later_steps)
{
	time_t now = 1111111111;	/* code 050471 */
	uint64_t s = totp_step(now);

	CHECK(totp_match(rfc_key, RFC_KEYLEN, now, 1, 0, "050471", 6) == s);
	CHECK(totp_match(rfc_key, RFC_KEYLEN, now + 30, 1, 0, "050471", 6) == s);
	CHECK(totp_match(rfc_key, RFC_KEYLEN, now - 30, 1, 0, "050471", 6) == s);
	CHECK(totp_match(rfc_key, RFC_KEYLEN, now + 60, 1, 0, "050471", 6) == 0);
	/* Used once: the same step is refused after. */
	CHECK(totp_match(rfc_key, RFC_KEYLEN, now, 1, s, "050471", 6) == 0);
	CHECK(totp_match(rfc_key, RFC_KEYLEN, now, 1, 0, "050472", 6) == 0);
	CHECK(totp_match(rfc_key, RFC_KEYLEN, now, 1, 0, "05047", 5) == 0);
}

TEST(base32_rfc4648_vectors)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" },
		{ "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" },
		{ "foobar", "MZXW6YTBOI" },
	};
	char out[TOTP_B32_MAX];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK_EQ_INT(totp_base32((const unsigned char *)v[i].in,
					 strlen(v[i].in), out, sizeof(out)), 0);
		CHECK_EQ_STR(out, v[i].out);
	}
	CHECK_EQ_INT(totp_base32(rfc_key, RFC_KEYLEN, out, 33), 0);
	CHECK_EQ_STR(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	CHECK_EQ_INT(totp_base32(rfc_key, RFC_KEYLEN, out, 32), -1);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(rfc6238_sha1_vectors);
	RUN(match_accepts_one_step_either_side_and_only_later_steps);
	RUN(base32_rfc4648_vectors);
	return test_summary(argv[0]);
}
