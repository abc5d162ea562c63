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

/* m (KiB), t and p of an argon2id PHC string; -1 when it is none. */
static int phc_params(const char *s, unsigned long *m, unsigned long *t,
		      unsigned long *p)
{
	if (!password_is_phc(s) ||
	    sscanf(s, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$", m, t, p) != 3)
		return -1;
	return 0;
}

int password_push_acceptable(const char *s)
{
	static const unsigned long owasp[][2] = {	/* m KiB, t */
		{ 47104, 1 }, { 19456, 2 }, { 12288, 3 }, { 9216, 4 }, { 7168, 5 },
	};
	unsigned long m, t, p;

	if (phc_params(s, &m, &t, &p) != 0 || m > PASSWORD_PUSH_M_MAX ||
	    m * t > PASSWORD_PUSH_MT_MAX)
		return 0;
	for (size_t i = 0; i < sizeof(owasp) / sizeof(owasp[0]); i++)
		if (m >= owasp[i][0] && t >= owasp[i][1])
			return 1;
	return 0;
}

int password_verify(const char *hash, const char *pw, size_t len)
{
	unsigned long m, t, p;

	if (phc_params(hash, &m, &t, &p) != 0) {
		password_dummy_verify(pw, len);
		return 0;
	}
	if (crypto_pwhash_str_verify(hash, pw, len) == 0)
		return 1;
	if (m * t < (PASSWORD_MEMLIMIT / 1024) * PASSWORD_OPSLIMIT)
		password_dummy_verify(pw, len);
	return 0;
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

/* Weaker hashes are a cracking risk, heavier ones a cost every sign-in
 * pays: both converge on ours. */
int password_needs_rehash(const char *hash)
{
	unsigned long m, t, p;

	if (phc_params(hash, &m, &t, &p) != 0)
		return 1;
	return m != PASSWORD_MEMLIMIT / 1024 || t != PASSWORD_OPSLIMIT || p != 1;
}
