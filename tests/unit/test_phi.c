/* test_phi — drives src/phi over the corpus in tests/unit/phi_corpus:
 * every line of every reject*.txt must be refused (with a known rule
 * category, never a piece of the text), every line of every pass*.txt
 * accepted. Blank lines and lines starting with '#' are comments. In a
 * line, \t \n and \uXXXX stand for the character, so that invisible
 * ones (zero-width space U+200B, no-break space U+00A0) stay readable.
 * The corpus directory is $PHI_CORPUS, else tests/unit/phi_corpus.
 *
 * With --report (make phi-report, part of make bench) it prints the
 * figures instead of gating: recall, false positives, and the cost of
 * screening a 500-character value (a timing, so never a test). */
#include <dirent.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "phi.h"

static int quiet, missed;	/* --report: no FAIL lines; misses counted */

static int rule_known(const char *r)
{
	for (int k = 0; r && phi_rule_names[k]; k++)
		if (strcmp(r, phi_rule_names[k]) == 0)
			return 1;
	return 0;
}

static size_t put_utf8(char *o, unsigned long c)
{
	if (c < 0x80)
		return (size_t)(o[0] = (char)c, 1);
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

/* The corpus escapes (\t, \n, \uXXXX) undone in place; any other
 * backslash (a Windows path) is itself. The new length. */
static size_t unescape(char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char next = i + 1 < len ? s[i + 1] : 0;

		if (s[i] == '\\' && (next == 't' || next == 'n')) {
			s[o++] = next == 't' ? '\t' : '\n';
			i++;
		} else if (s[i] == '\\' && next == 'u' && i + 5 < len) {
			char hex[5] = { 0 };

			memcpy(hex, s + i + 2, 4);
			o += put_utf8(s + o, strtoul(hex, NULL, 16));
			i += 5;
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

/* Runs one corpus file; returns the number of wrong answers, or -1 when
 * the file cannot be read. *lines gets the number of cases. */
static int run_file(const char *dir, const char *name, int want_reject,
		    int *lines)
{
	char path[4096], buf[20000];
	FILE *f;
	int bad = 0, lineno = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "r"))) {
		perror(path);
		return -1;
	}
	*lines = 0;
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strcspn(buf, "\r\n");
		const char *rule = NULL;
		enum phi_verdict v;

		lineno++;
		buf[len] = '\0';
		if (len == 0 || buf[0] == '#')
			continue;
		(*lines)++;
		len = unescape(buf, len);
		v = phi_screen(buf, len, &rule);
		if (want_reject && (v != PHI_FOUND || !rule_known(rule))) {
			if (!quiet)
				printf("FAIL %s:%d not refused: %.*s\n", name,
				       lineno, (int)len, buf);
			bad++;
			missed++;
		} else if (!want_reject && v != PHI_CLEAN) {
			if (!quiet)
				printf("FAIL %s:%d refused (%s): %.*s\n", name,
				       lineno, rule ? rule : "bidi", (int)len, buf);
			bad++;
		}
	}
	fclose(f);
	return bad;
}

/* Every reject*.txt and pass*.txt of dir; -1 when a file cannot be read. */
static int run_dir(const char *dir, int *nrej, int *npass)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int bad = 0, n;

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d))) {
		int rej = strncmp(e->d_name, "reject", 6) == 0;
		int rc;

		if (!strstr(e->d_name, ".txt") ||
		    (!rej && strncmp(e->d_name, "pass", 4) != 0))
			continue;
		rc = run_file(dir, e->d_name, rej, &n);
		if (rc < 0) {
			closedir(d);
			return -1;
		}
		bad += rc;
		*(rej ? nrej : npass) += n;
	}
	closedir(d);
	return bad;
}

/* Edge cases the corpus files cannot express. */
#define EDGE_CASES 7
static int run_edges(void)
{
	const char *rule = "x";
	int bad = 0;

	if (phi_screen("", 0, &rule) != PHI_CLEAN || rule != NULL)
		bad++, printf("FAIL empty text\n");
	if (phi_screen(NULL, 0, NULL) != PHI_CLEAN)
		bad++, printf("FAIL NULL text\n");
	/* Length, not NUL, bounds the scan. */
	if (phi_screen("SSN 123-45-6789", 3, NULL) != PHI_CLEAN)
		bad++, printf("FAIL length not honoured\n");
	if (phi_screen("call 555-123-4567", 17, NULL) != PHI_FOUND)
		bad++, printf("FAIL phone at the very end\n");
	if (phi_screen("x@y.co", 6, &rule) != PHI_FOUND ||
	    strcmp(rule, PHI_RULE_EMAIL) != 0)
		bad++, printf("FAIL short address\n");
	/* A bidirectional control is its own verdict; a clean value with one
	 * is not clean. */
	if (phi_screen("fridge \xE2\x80\xAE" "2", 11, &rule) != PHI_BIDI)
		bad++, printf("FAIL bidi control not reported\n");
	/* Invalid UTF-8 is screened as bytes, not let through. */
	if (phi_screen("SSN 123-45-6789 \xFF", 17, NULL) != PHI_FOUND)
		bad++, printf("FAIL invalid UTF-8 skipped screening\n");
	return bad;
}

/* Random texts made of the characters the rules look at, each in a
 * buffer of its exact length: under the sanitizers or valgrind any read
 * past the end is caught. Only that the scan terminates is checked. */
static void run_noise(void)
{
	static const char alphabet[] = "0123456789-./:()+@# ,'\"aAmMpPtTdDnNsSx"
				       "\xC3\xA9\xE2\x80\x8B";
	unsigned seed = 12345;

	for (int n = 0; n < 20000; n++) {
		size_t len = (size_t)(seed % 40);
		char *buf = malloc(len ? len : 1);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		seed = seed * 1103515245u + 12345u;
		(void)phi_screen(buf, len, NULL);
		free(buf);
	}
}

#define VALUE_CHARS 500
#define RUNS 2000

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median microseconds to screen a value of VALUE_CHARS characters made of
 * copies of unit, over RUNS runs. */
static double cost_us(const char *unit)
{
	static double t[RUNS];
	char buf[4096];
	size_t n = 0, chars = 0, ulen = strlen(unit);

	while (chars < VALUE_CHARS && n + 4 < sizeof(buf)) {
		unsigned char c = (unsigned char)unit[n % ulen];

		buf[n++] = (char)c;
		chars += (c & 0xC0) != 0x80;
	}
	while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0xC0)
		n--;
	for (int i = 0; i < RUNS; i++) {
		double t0 = now_us();

		(void)phi_screen(buf, n, NULL);
		t[i] = now_us() - t0;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

static void report(int nrej, int npass, int misses, int refused)
{
	printf("| PHI screen | figure |\n|---|---|\n");
	printf("| recall (%d identifiers) | %.1f %% |\n", nrej,
	       100.0 * (nrej - misses) / (nrej ? nrej : 1));
	printf("| false positives (%d operational texts) | %.1f %% |\n", npass,
	       100.0 * refused / (npass ? npass : 1));
	printf("| screening a 500-character operational value (ASCII) | %.1f µs |\n",
	       cost_us("Fridge 2 door open 6.1C at 14:05, queue A 12 waiting; "
		       "build 4.12.3 at Sync.Run() in C:\\src\\Sync.cs:line 42; "));
	printf("| ... with accents and Cyrillic | %.1f µs |\n",
	       cost_us("Réfrigérateur 2 alarme à 9,2 °C, Kühlschrank Tür offen, "
		       "сервер недоступен, "));
}

int main(int argc, char **argv)
{
	const char *dir = getenv("PHI_CORPUS");
	int nrej = 0, npass = 0, bad1, bad3;

	if (!dir)
		dir = "tests/unit/phi_corpus";
	if (argc > 1 && strcmp(argv[1], "--report") == 0) {
		quiet = 1;
		bad1 = run_dir(dir, &nrej, &npass);
		report(nrej, npass, missed, bad1 < 0 ? 0 : bad1 - missed);
		return bad1 < 0;
	}
	bad1 = run_dir(dir, &nrej, &npass);
	bad3 = run_edges();
	run_noise();
	if (bad1 < 0)
		return 2;
	if (nrej < 600 || npass < 600)
		printf("FAIL corpus too small: %d to refuse, %d to pass\n",
		       nrej, npass), bad1++;
	/* The summary line tools/run_tests.py reads. */
	printf("corpus: %d to refuse, %d to pass, %d edge cases\n", nrej, npass,
	       EDGE_CASES);
	printf("test_phi: %d passed, %d failed\n",
	       nrej + npass + EDGE_CASES - (bad1 + bad3), bad1 + bad3);
	return bad1 + bad3 ? 1 : 0;
}
