/* phi_words — what a word may be, from real lists: a first name or a
 * surname (US Census and other countries' lists, src/phi/data/), a common
 * English word (Debian's wamerican-small), or a word of the facility's
 * operations that is never a name (src/phi/data/operational.txt). */
#ifndef INFOSYS_PHI_WORDS_H
#define INFOSYS_PHI_WORDS_H

#include <stddef.h>

enum {
	W_FIRST = 1,		/* a first name */
	W_FIRST_TOP = 2,	/* ... among the most common */
	W_LAST = 4,		/* a surname */
	W_LAST_TOP = 8,		/* ... among the most common */
	W_ENGLISH = 16,		/* a common English word in lower case */
	W_OPER = 32,		/* an operational word: never a name */
	W_SOFT = 64,		/* ... but a name after a person's cue (Hall) */
};

/* The W_* flags of the word s[0..len) (ASCII letters, any case; an
 * apostrophe or a hyphen inside is ignored), 0 when it is in no list. */
unsigned phi_word_flags(const char *s, size_t len);

/* The generated table (phi_words_data.c). */
struct phi_word_slot {
	unsigned offset;	/* into phi_words_pool; 0 = empty slot */
	unsigned flags;
};
extern const unsigned phi_words_size;
extern const char phi_words_pool[];
extern const struct phi_word_slot phi_words_slots[];

#endif
