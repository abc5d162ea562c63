/* token — random tokens, their SHA-256 hashes, constant-time equality.
 *
 * Tokens are 32 bytes from libsodium's CSPRNG, sent as unpadded base64url.
 * Only their SHA-256 (hex) is stored, so a leaked table yields no usable
 * token; comparisons of secrets never stop at the first differing byte. */
#include <string.h>

#include <openssl/evp.h>
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

void token_sha256_hex(const char *s, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	/* EVP_Digest only fails on allocation failure; an empty string is
	 * then safer than uninitialised memory compared against the table. */
	if (!EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
		out[0] = '\0';
		return;
	}
	sodium_bin2hex(out, SHA256_HEX_LEN + 1, md, mdlen);
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
