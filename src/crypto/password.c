/* password — argon2id hashing and verification; see password.h for the
 * chosen parameters and why. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "password.h"

/* An argon2id hash, at PASSWORD_OPSLIMIT/MEMLIMIT, of a random string that
 * was thrown away: verifying against it costs what a real verify costs.
 * tests/unit/test_password.c checks that its parameters still match. */
static const char dummy_hash[PASSWORD_HASH_MAX] =
	"$argon2id$v=19$m=65536,t=3,p=1$4y6f1GLYhrujob7yd3Hh9w$"
	"LLHInU3sRyXnNja5xqihqvdA4U0LRPLRtK2FK1G833s";

_Static_assert(PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES,
	       "PASSWORD_HASH_MAX must match libsodium");

int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
	if (crypto_pwhash_str_alg(out, pw, len, PASSWORD_OPSLIMIT,
				  PASSWORD_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	return 0;
}

/* Hashes also arrive from the facility PCs: one whose parameters would
 * make each verify take seconds or gigabytes would turn every login into
 * a denial of service, so such strings are treated as malformed. */
int password_is_phc(const char *s)
{
	unsigned long m, t, p;

	if (!s || strncmp(s, crypto_pwhash_argon2id_STRPREFIX,
			  strlen(crypto_pwhash_argon2id_STRPREFIX)) ||
	    strlen(s) >= PASSWORD_HASH_MAX)
		return 0;
	if (sscanf(s, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$", &m, &t, &p) != 3)
		return 0;
	return m >= 8 && m <= PASSWORD_MEMLIMIT_MAX / 1024 && t >= 1 &&
	       t <= PASSWORD_OPSLIMIT_MAX && p >= 1 && p <= 4;
}

int password_verify(const char *hash, const char *pw, size_t len)
{
	if (!password_is_phc(hash)) {
		password_dummy_verify(pw, len);
		return 0;
	}
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

void password_dummy_verify(const char *pw, size_t len)
{
	/* The result is meaningless; only the time spent matters. */
	if (crypto_pwhash_str_verify(dummy_hash, pw, len) == 0)
		return;
}

const char *password_dummy_hash(void)
{
	return dummy_hash;
}

/* Only weaker is re-hashed (PROTOCOL.md §4): a PC's hash made with more
 * memory or passes than ours stays as it is, where libsodium's own check
 * would re-hash anything that differs. */
int password_needs_rehash(const char *hash)
{
	unsigned long m, t, p;

	if (!password_is_phc(hash) ||
	    sscanf(hash, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$", &m, &t, &p) != 3)
		return 1;
	return m < PASSWORD_MEMLIMIT / 1024 || t < PASSWORD_OPSLIMIT;
}
