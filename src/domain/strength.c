/* strength — see strength.h. */
#include <stdlib.h>
#include <string.h>
#include <zxcvbn.h>
#include "strength.h"

/* zxcvbn's score thresholds in guesses, as bits (log2): 10^3, 10^6,
 * 10^8, 10^10. The C port answers bits of entropy (log2 of guesses). */
static const double score_bits[] = { 9.966, 19.932, 26.575, 33.219 };

int strength_score(const char *pw, size_t len, const char *const *inputs)
{
	const char *dict[STRENGTH_INPUTS_MAX + 1] = { NULL };
	char *copy = malloc(len + 1);
	double bits;
	int score = 0;

	if (!copy)
		return -1;
	memcpy(copy, pw, len);
	copy[len] = '\0';
	for (size_t i = 0; inputs && inputs[i] && i < STRENGTH_INPUTS_MAX; i++)
		dict[i] = inputs[i];
	bits = ZxcvbnMatch(copy, dict, NULL);
	/* The copy held a password: wiped before it is returned. */
	explicit_bzero(copy, len);
	free(copy);
	while (score < 4 && bits >= score_bits[score])
		score++;
	return score;
}
