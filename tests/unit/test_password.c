/* Unit tests of src/crypto/password.c: round trip, PHC form, rehash detection and
 * the dummy verify costing what a real one costs. */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "password.h"
#include "test.h"

/* One real hash shared by the tests: argon2id is slow on purpose, and the
 * unit tests also run under valgrind. */
static char first[PASSWORD_HASH_MAX];

TEST(hash_and_verify)
{
	char *h = first;
	const char *pw = "correct horse battery staple";

	CHECK_EQ_INT(password_hash(pw, strlen(pw), h), 0);
	CHECK(!strncmp(h, "$argon2id$v=19$m=65536,t=3,p=1$", 31));
	CHECK(password_is_phc(h));
	CHECK(password_verify(h, pw, strlen(pw)));
	CHECK(!password_verify(h, "correct horse battery stapl", 27));
	CHECK(!password_needs_rehash(h));
}

/* Made by the reference implementation (Debian's `argon2` command, the
 * libargon2 that PHP's password_hash(…, PASSWORD_ARGON2ID) uses) with
 * PHP's default parameters: hashes the facility PCs push must verify.
 *   echo -n "correct horse battery staple" |
 *     argon2 saltsaltsalt16by -id -t 4 -m 16 -p 1 -l 32 -e */
TEST(hash_of_another_implementation_verifies)
{
	static const char ref[] = "$argon2id$v=19$m=65536,t=4,p=1$"
		"c2FsdHNhbHRzYWx0MTZieQ$B9oam9ooeXu4em3AQSgr0uvRSgAmOFjWdbOKWO9xDgQ";
	const char *pw = "correct horse battery staple";

	CHECK(password_is_phc(ref));
	CHECK(password_verify(ref, pw, strlen(pw)));
	CHECK(!password_verify(ref, "correct horse battery stapler", 29));
	/* Within the bounds a PC may push, and re-hashed to the server's
	 * own cost at the next sign-in. */
	CHECK(password_push_acceptable(ref));
	CHECK(password_needs_rehash(ref));
}

TEST(same_password_different_salt)
{
	char b[PASSWORD_HASH_MAX];
	const char *pw = "correct horse battery staple";

	CHECK_EQ_INT(password_hash(pw, strlen(pw), b), 0);
	CHECK(strcmp(first, b) != 0);
}

TEST(malformed_hashes_fail_closed)
{
	CHECK(!password_verify(NULL, "x", 1));
	CHECK(!password_verify("$2y$10$abcdefghijklmnopqrstuv", "x", 1));
	CHECK(!password_verify("$argon2id$v=19$m=65536,t=3,p=1$garbage", "x", 1));
	CHECK(password_needs_rehash(NULL));
	CHECK(password_needs_rehash("$2y$10$abc"));
	CHECK(!password_is_phc("plain"));
	/* Parameters that would make a verify a denial of service. */
	CHECK(!password_is_phc("$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
	CHECK(!password_is_phc("$argon2id$v=19$m=65536,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
	CHECK(password_is_phc("$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"));
}

/* OWASP's floor and the README's ceiling for hashes a PC pushes. */
TEST(pushed_hash_bounds)
{
#define PHC(params) "$argon2id$v=19$" params "$c2FsdHNhbHQ$aGFzaGhhc2g"
	CHECK(password_push_acceptable(PHC("m=65536,t=3,p=1")));
	CHECK(password_push_acceptable(PHC("m=19456,t=2,p=1")));
	CHECK(password_push_acceptable(PHC("m=47104,t=1,p=1")));
	CHECK(password_push_acceptable(PHC("m=7168,t=5,p=1")));
	CHECK(!password_push_acceptable(PHC("m=8,t=1,p=1")));
	CHECK(!password_push_acceptable(PHC("m=19455,t=2,p=1")));
	CHECK(!password_push_acceptable(PHC("m=46080,t=1,p=1")));
	CHECK(password_push_acceptable(PHC("m=131072,t=3,p=1")));
	CHECK(!password_push_acceptable(PHC("m=131073,t=1,p=1")));
	CHECK(!password_push_acceptable(PHC("m=131072,t=4,p=1")));
	CHECK(!password_push_acceptable(PHC("m=262144,t=10,p=1")));
	CHECK(!password_push_acceptable("plain"));
#undef PHC
}

TEST(weaker_parameters_need_rehash)
{
	char h[PASSWORD_HASH_MAX];

	CHECK(crypto_pwhash_str_alg(h, "pw", 2, 2, 19u * 1024 * 1024,
				    crypto_pwhash_ALG_ARGON2ID13) == 0);
	CHECK(password_verify(h, "pw", 2));
	CHECK(password_needs_rehash(h));
}

/* The parameters of a PHC string ("m=65536,t=3,p=1") into buf. */
static const char *phc_params(const char *h, char *buf, size_t size)
{
	const char *m = strstr(h, "$m="), *end = m ? strchr(m + 1, '$') : NULL;

	snprintf(buf, size, "%.*s", end ? (int)(end - m - 1) : 0, m ? m + 1 : "");
	return buf;
}

/* CPU seconds of this process: unlike a wall clock, not stretched when a
 * busy machine takes the core away between two samples. */
static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The dummy must be a hash at the current parameters, or a login for an
 * unknown user would answer faster than for a known one. The work is
 * compared (the argon2id parameters), not a timing: the time itself is
 * `make bench`'s business. */
TEST(dummy_verify_costs_like_a_real_one)
{
	char want[64], got[64];

	CHECK(strcmp(phc_params(password_dummy_hash(), got, sizeof(got)),
		     phc_params(first, want, sizeof(want))) == 0);
	CHECK(strlen(got) > 0);
	CHECK(crypto_pwhash_str_needs_rehash(password_dummy_hash(),
					     PASSWORD_OPSLIMIT,
					     PASSWORD_MEMLIMIT) == 0);
	CHECK(!password_needs_rehash(password_dummy_hash()));
}

/* A malformed stored hash also costs one verify: CPU time, the least of
 * two runs each, so that a loaded machine does not decide the outcome. */
TEST(malformed_hash_costs_a_verify)
{
	double real = 1e9, bad = 1e9, t0;

	for (int i = 0; i < 2; i++) {
		t0 = cpu_s();
		(void)password_verify(first, "wrong password", 14);
		if (cpu_s() - t0 < real)
			real = cpu_s() - t0;
		t0 = cpu_s();
		(void)password_verify("not a hash", "wrong password", 14);
		if (cpu_s() - t0 < bad)
			bad = cpu_s() - t0;
	}
	CHECK(bad > real * 0.5);
	if (!(bad > real * 0.5))
		fprintf(stderr, "\treal %.3f s CPU, malformed %.3f s CPU\n", real, bad);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sodium_init() < 0)
		return 2;
	RUN(hash_and_verify);
	RUN(hash_of_another_implementation_verifies);
	RUN(same_password_different_salt);
	RUN(malformed_hashes_fail_closed);
	RUN(pushed_hash_bounds);
	RUN(weaker_parameters_need_rehash);
	RUN(dummy_verify_costs_like_a_real_one);
	RUN(malformed_hash_costs_a_verify);
	return test_summary(argv[0]);
}
