/* token — random tokens, their SHA-256 hashes, constant-time equality.
 *
 * Tokens are 32 bytes from libsodium's CSPRNG, sent as unpadded base64url.
 * Only their SHA-256 (hex) is stored, so a leaked table yields no usable
 * token; comparisons of secrets never stop at the first differing byte. */
#include <string.h>

#include <sodium.h>

#include "token.h"

void token_new(char out[TOKEN_B64_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_B64_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* libsodium's SHA-256 rather than OpenSSL's EVP: every sync request
 * hashes its key, and EVP looks the digest up and allocates a context on
 * each call; this one allocates nothing and cannot fail. */
void token_sha256_hex(const char *s, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, (const unsigned char *)s, len);
	sodium_bin2hex(out, SHA256_HEX_LEN + 1, md, sizeof(md));
}

int token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	/* The length is not secret (tokens have a fixed public length). */
	if (alen != blen)
		return 0;
	if (alen == 0)
		return 1;
	return sodium_memcmp(a, b, alen) == 0;
}
