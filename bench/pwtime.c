/* pwtime — the cost of one login's argon2id verification, for make bench.
 *
 *     pwtime [N]
 *
 * Hashes a random password once with password_hash() (the server's
 * parameters), then times N (default 20) password_verify() calls of it,
 * one warm-up call not counted: the first touch of 64 MiB pays page
 * faults a running auth worker has already paid. Prints one line,
 *     verify_ms_median=… verify_ms_p90=… n=N m_kib=… t=…
 * which bench/run.py parses. Exit 1 if hashing or verifying fails. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "password.h"

#define RUNS_MAX 1000

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double percentile(const double *v, int n, int pct)
{
	int rank = (pct * n + 99) / 100;

	return v[rank > 0 ? rank - 1 : 0];
}

/* Times n verifications of hash into ms[]; -1 if one fails to match. */
static int time_verifies(const char *hash, const char *pw, size_t len,
			 double *ms, int n)
{
	if (!password_verify(hash, pw, len))
		return -1;
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();

		if (!password_verify(hash, pw, len))
			return -1;
		ms[i] = now_ms() - t0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static double ms[RUNS_MAX];
	char hash[PASSWORD_HASH_MAX], pw[24];
	int n = argc > 1 ? atoi(argv[1]) : 20;

	if (n < 1 || n > RUNS_MAX || sodium_init() < 0) {
		fprintf(stderr, "usage: pwtime [1..%d]\n", RUNS_MAX);
		return 1;
	}
	/* A random password: nothing secret is ever printed or kept. */
	randombytes_buf(pw, sizeof(pw));
	if (password_hash(pw, sizeof(pw), hash) != 0 ||
	    time_verifies(hash, pw, sizeof(pw), ms, n) != 0) {
		fprintf(stderr, "pwtime: hash or verify failed\n");
		return 1;
	}
	qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
	printf("verify_ms_median=%.1f verify_ms_p90=%.1f n=%d m_kib=%lu t=%llu\n",
	       percentile(ms, n, 50), percentile(ms, n, 90), n,
	       PASSWORD_MEMLIMIT / 1024, PASSWORD_OPSLIMIT);
	return 0;
}
