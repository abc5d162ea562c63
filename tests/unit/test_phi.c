/* test_phi — drives src/phi/phi.c over the corpus in tests/unit/phi_corpus:
 * every line of reject.txt must be refused (with a known rule name, never
 * a piece of the text), every line of pass.txt accepted. Blank lines and
 * lines starting with '#' are comments. The corpus directory is
 * $PHI_CORPUS, else tests/unit/phi_corpus under the working directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "phi.h"

static const char *const rules[] = {
	PHI_RULE_SSN, PHI_RULE_PHONE, PHI_RULE_EMAIL, PHI_RULE_DOB,
	PHI_RULE_RECORD, PHI_RULE_NAME, NULL
};

static int rule_known(const char *r)
{
	for (int k = 0; r && rules[k]; k++)
		if (strcmp(r, rules[k]) == 0)
			return 1;
	return 0;
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
		int rc;

		lineno++;
		buf[len] = '\0';
		if (len == 0 || buf[0] == '#')
			continue;
		(*lines)++;
		rc = phi_screen(buf, len, &rule);
		if (want_reject && (rc != -1 || !rule_known(rule))) {
			printf("FAIL %s:%d not refused: %s\n", name, lineno, buf);
			bad++;
		} else if (!want_reject && rc != 0) {
			printf("FAIL %s:%d refused (%s): %s\n", name, lineno,
			       rule ? rule : "?", buf);
			bad++;
		}
	}
	fclose(f);
	return bad;
}

/* Edge cases the corpus files cannot express. */
#define EDGE_CASES 5
static int run_edges(void)
{
	const char *rule = "x";
	int bad = 0;

	if (phi_screen("", 0, &rule) != 0 || rule != NULL)
		bad++, printf("FAIL empty text\n");
	if (phi_screen(NULL, 0, NULL) != 0)
		bad++, printf("FAIL NULL text\n");
	/* Length, not NUL, bounds the scan. */
	if (phi_screen("SSN 123-45-6789", 3, NULL) != 0)
		bad++, printf("FAIL length not honoured\n");
	if (phi_screen("call 555-123-4567", 17, NULL) != -1)
		bad++, printf("FAIL phone at the very end\n");
	if (phi_screen("x@y.co", 6, &rule) != -1 || strcmp(rule, PHI_RULE_EMAIL) != 0)
		bad++, printf("FAIL short address\n");
	return bad;
}

/* Random texts made of the characters the rules look at, each in a
 * buffer of its exact length: under the sanitizers or valgrind any read
 * past the end is caught. Only that the scan terminates is checked. */
static void run_noise(void)
{
	static const char alphabet[] = "0123456789-./:()+@# ,'\"aAmMpPtTdDnNsSx";
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

int main(void)
{
	const char *dir = getenv("PHI_CORPUS");
	int nrej = 0, npass = 0, bad1, bad2, bad3;

	if (!dir)
		dir = "tests/unit/phi_corpus";
	bad1 = run_file(dir, "reject.txt", 1, &nrej);
	bad2 = run_file(dir, "pass.txt", 0, &npass);
	bad3 = run_edges();
	run_noise();
	if (bad1 < 0 || bad2 < 0)
		return 2;
	if (nrej < 120 || npass < 120) {
		printf("FAIL corpus too small: %d reject, %d pass\n", nrej, npass);
		return 1;
	}
	/* The summary line tools/run_tests.py reads. */
	printf("corpus: %d to refuse, %d to pass, %d edge cases\n", nrej, npass,
	       EDGE_CASES);
	printf("test_phi: %d passed, %d failed\n",
	       nrej + npass + EDGE_CASES - (bad1 + bad2 + bad3), bad1 + bad2 + bad3);
	return bad1 + bad2 + bad3 ? 1 : 0;
}
