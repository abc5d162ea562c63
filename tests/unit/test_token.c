/* Unit tests of src/crypto/token.c: sizes, alphabet, known SHA-256 vectors and
 * equality. */
#include <string.h>

#include <sodium.h>

#include "test.h"
#include "token.h"

TEST(new_tokens_are_base64url_and_distinct)
{
	char a[TOKEN_B64_LEN + 1], b[TOKEN_B64_LEN + 1];

	token_new(a);
	token_new(b);
	CHECK_EQ_INT(strlen(a), TOKEN_B64_LEN);
	CHECK_EQ_INT(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
		     TOKEN_B64_LEN);
	CHECK(strcmp(a, b) != 0);
}

TEST(token_decodes_to_32_bytes)
{
	char t[TOKEN_B64_LEN + 1];
	unsigned char raw[64];
	size_t len = 0;

	token_new(t);
	CHECK(sodium_base642bin(raw, sizeof(raw), t, strlen(t), NULL, &len, NULL,
				sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
	CHECK_EQ_INT(len, TOKEN_BYTES);
}

TEST(sha256_known_vectors)
{
	char h[SHA256_HEX_LEN + 1];

	token_sha256_hex("", 0, h);
	CHECK_EQ_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	token_sha256_hex("abc", 3, h);
	CHECK_EQ_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Binary-safe: the length, not a NUL, ends the input. */
	token_sha256_hex("a\0b", 3, h);
	CHECK(strcmp(h, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb") != 0);
	CHECK_EQ_INT(strlen(h), SHA256_HEX_LEN);
}

TEST(equality)
{
	CHECK(token_equal("abc", 3, "abc", 3));
	CHECK(!token_equal("abc", 3, "abd", 3));
	CHECK(!token_equal("abc", 3, "abcd", 4));
	CHECK(!token_equal("abcd", 4, "abc", 3));
	CHECK(token_equal("", 0, "", 0));
	CHECK(!token_equal("a", 1, "", 0));
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sodium_init() < 0)
		return 2;
	RUN(new_tokens_are_base64url_and_distinct);
	RUN(token_decodes_to_32_bytes);
	RUN(sha256_known_vectors);
	RUN(equality);
	return test_summary(argv[0]);
}
