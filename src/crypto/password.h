/* password — argon2id password hashes (PHC strings) over libsodium.
 *
 * Parameters: t = 3 passes over m = 64 MiB, p = 1 (RFC 9106's second
 * recommended setting). libsodium's MODERATE preset uses the same t but
 * 256 MiB; on a 2-core shared box with several auth workers that memory
 * per concurrent login would let a login flood push the machine into
 * swap, while 64 MiB keeps a verify near 0.2 s and the peak at
 * workers × 64 MiB. Hashes made with other parameters (e.g. pushed by the
 * facility PC, within password_push_acceptable) still verify, cost at
 * least one verify at ours (see password_verify), and are replaced after
 * the next successful sign-in (password_needs_rehash).
 *
 * Call sodium_init() once per process first. Nothing here allocates on
 * the caller's behalf; outputs go to caller-owned buffers. */
#ifndef INFOSYS_PASSWORD_H
#define INFOSYS_PASSWORD_H

#include <stddef.h>

#define PASSWORD_OPSLIMIT 3ULL
#define PASSWORD_MEMLIMIT (64UL * 1024 * 1024)
#define PASSWORD_HASH_MAX 128	/* crypto_pwhash_STRBYTES, with the NUL */
/* The most a stored hash may ask for (e.g. one pushed by a facility PC);
 * a hash beyond these is refused as malformed. */
#define PASSWORD_OPSLIMIT_MAX 10UL
#define PASSWORD_MEMLIMIT_MAX (256UL * 1024 * 1024)

/* Hashes pw[0..len) into out as "$argon2id$v=19$m=65536,t=3,p=1$…".
 * 0 on success, -1 when out of memory. */
int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);

/* 1 when pw matches the PHC string hash, 0 otherwise (including a
 * malformed or NULL hash, which still costs one dummy verify so that
 * the answer takes the same time). A failed verify against a hash cheaper
 * than ours adds a dummy verify: a wrong password never answers faster
 * than an unknown user or a locked account. */
int password_verify(const char *hash, const char *pw, size_t len);

/* Costs the same time as a real verify and always fails; call it when
 * the user does not exist so a login's timing does not tell. */
void password_dummy_verify(const char *pw, size_t len);

/* The PHC string password_dummy_verify checks against (static storage):
 * made at the current parameters, which the tests compare. */
const char *password_dummy_hash(void);

/* 1 when hash was not made with our parameters (m, t and p), or is not an
 * argon2id PHC string, and should be replaced after the next successful
 * login: every stored hash converges on the server's cost. */
int password_needs_rehash(const char *hash);

/* Bounds on a hash a facility PC pushes (USER.UPSERT hash=). The floor is
 * OWASP's argon2id minimum: (m, t) at least one of its equivalent rows
 * (46 MiB/1, 19 MiB/2, 12 MiB/3, 9 MiB/4, 7 MiB/5) — a cheaper hash would
 * answer a wrong password quickly (a timing oracle) and crack quickly if
 * it leaked. The ceiling keeps one verify within twice the server's own
 * cost (m at most 128 MiB, m·t at most 384 MiB·passes, p at most 4), so
 * that one anonymous request cannot tie an auth worker up for seconds. */
#define PASSWORD_PUSH_M_MAX (128UL * 1024)		/* KiB */
#define PASSWORD_PUSH_MT_MAX (2UL * 3 * 64 * 1024)	/* KiB x passes */

/* 1 when s is an argon2id PHC string within those bounds. */
int password_push_acceptable(const char *s);

/* 1 when s looks like an argon2id PHC string this module will verify:
 * v=19, m at most 256 MiB, t at most 10, p at most 4. */
int password_is_phc(const char *s);

#endif
