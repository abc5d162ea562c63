/* phi_words — look-ups in the generated word table (see phi_words.h). */
#include <string.h>
#include "phi_words.h"

#define WORD_MAX 31

unsigned phi_word_flags(const char *s, size_t len)
{
	char w[WORD_MAX + 1];
	size_t n = 0;
	unsigned h = 0x811C9DC5u, i;

	for (size_t k = 0; k < len; k++) {
		char c = s[k];

		if (c == '\'' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z' || n == WORD_MAX)
			return 0;
		w[n++] = c;
		h = (h ^ (unsigned char)c) * 0x01000193u;
	}
	if (n == 0)
		return 0;
	w[n] = '\0';
	for (i = h & (phi_words_size - 1);
	     phi_words_slots[i].offset != 0; i = (i + 1) & (phi_words_size - 1))
		if (strcmp(phi_words_pool + phi_words_slots[i].offset, w) == 0)
			return phi_words_slots[i].flags;
	return 0;
}
