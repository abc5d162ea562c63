/* token — random tokens, their stored hashes, and comparisons of secrets.
 * libsodium for randomness and constant-time comparison, OpenSSL for
 * SHA-256. Call sodium_init() once per process before any of these. */
#ifndef INFOSYS_TOKEN_H
#define INFOSYS_TOKEN_H

#include <stddef.h>

#define TOKEN_BYTES 32
#define TOKEN_B64_LEN 43	/* base64url of 32 bytes, unpadded */
#define SHA256_HEX_LEN 64

/* 32 random bytes as unpadded base64url in out[TOKEN_B64_LEN + 1]. */
void token_new(char out[TOKEN_B64_LEN + 1]);

/* Lower-case hex SHA-256 of s[0..len) in out[SHA256_HEX_LEN + 1]. */
void token_sha256_hex(const char *s, size_t len, char out[SHA256_HEX_LEN + 1]);

/* 1 when a[0..alen) equals b[0..blen), in time independent of the
 * contents. */
int token_equal(const char *a, size_t alen, const char *b, size_t blen);

#endif
