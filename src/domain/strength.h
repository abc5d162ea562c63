/* strength — how guessable a password is, by zxcvbn (Debian's
 * libzxcvbn, the C port of Dropbox's estimator): dictionary words, names,
 * keyboard walks, repeats, sequences, dates and l33t, with words of the
 * caller's own (the user's name, the facility's code and name) counted as
 * the first an attacker tries. The portal's meter uses the JavaScript
 * port of the same estimator, so users are told before they submit. */
#ifndef INFOSYS_STRENGTH_H
#define INFOSYS_STRENGTH_H

#include <stddef.h>

#define STRENGTH_INPUTS_MAX 8

/* zxcvbn's score 0-4 (too guessable, very guessable, somewhat guessable,
 * safely unguessable, very unguessable: < 10^3, 10^6, 10^8, 10^10 guesses
 * and above) of pw[0..len), with inputs a NULL-terminated list of at most
 * STRENGTH_INPUTS_MAX words (NULL for none). -1 when out of memory. */
int strength_score(const char *pw, size_t len, const char *const *inputs);

#endif
