/* phi_scan — the lexical helpers the PHI rules share (internal to
 * src/phi). Everything works on the normalised text (phi_norm.h) as a
 * byte slice with explicit bounds; reading before the start or past the
 * end yields 0. Keywords are matched without case and only as whole
 * words. */
#ifndef INFOSYS_PHI_SCAN_H
#define INFOSYS_PHI_SCAN_H

#include <stddef.h>

struct text {
	const char *s;
	size_t len;
	int year;	/* the current year, for the birth-date rules */
};

/* The byte at i, or 0 outside the text. */
static inline int tx_at(const struct text *t, size_t i)
{
	return i < t->len ? (unsigned char)t->s[i] : 0;
}

/* The byte before i, or 0 at the start. */
static inline int tx_prev(const struct text *t, size_t i)
{
	return i > 0 && i <= t->len ? (unsigned char)t->s[i - 1] : 0;
}

static inline int ch_digit(int c) { return c >= '0' && c <= '9'; }
static inline int ch_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int ch_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int ch_alpha(int c) { return ch_upper(c) || ch_lower(c); }
static inline int ch_alnum(int c) { return ch_alpha(c) || ch_digit(c); }
/* An ASCII letter in lower case, any other byte as it is. */
static inline int ch_fold(int c) { return ch_upper(c) ? c | 0x20 : c; }
/* A letter of any script (normalisation leaves few that are not ASCII). */
static inline int ch_letter(int c) { return ch_alpha(c) || c >= 0x80; }
/* What may stand between the digit groups of a number: normalisation has
 * made every dash, slash and space one of these. */
static inline int ch_dsep(int c)
{
	return c == '-' || c == '.' || c == '/' || c == ' ';
}

/* Number of consecutive digits at i. */
size_t tx_digits(const struct text *t, size_t i);

/* The value of n digits at i (n <= 9). */
long tx_number(const struct text *t, size_t i, size_t n);

/* Whether a number may start at i / end at j without being the middle
 * of a longer token (a device id, a version, an IP address). */
int tx_num_start_ok(const struct text *t, size_t i);
int tx_num_end_ok(const struct text *t, size_t j);

/* tx_keyword past its first byte (phi_scan.c). */
size_t tx_keyword_rest(const struct text *t, size_t i, const char *kw);

/* Length of keyword kw at i when it matches there as a whole word, else 0.
 * kw is lower case; it may contain spaces, '.', '#' or '/'. Inline: the
 * rules ask for hundreds of keywords at every word, and nearly all of
 * them fail on the first byte. */
static inline size_t tx_keyword(const struct text *t, size_t i,
				const char *kw)
{
	int c = tx_at(t, i);

	if (ch_fold(c) != (unsigned char)kw[0])
		return 0;
	return tx_keyword_rest(t, i, kw);
}

/* As tx_keyword for the first match among the NULL-terminated list kws;
 * *which (may be NULL) gets its index. */
size_t tx_keywords(const struct text *t, size_t i, const char *const *kws,
		   int *which);

/* Whether any of kws starts in [from, to). */
int tx_keyword_in(const struct text *t, size_t from, size_t to,
		  const char *const *kws);

/* Digit groups from i separated by single ch_dsep bytes (a group may sit
 * in parentheses): the number of digits, the groups, the end. */
size_t tx_digit_groups(const struct text *t, size_t i, size_t *end,
		       int *groups);

/* The end of the word (letters, with ' or - inside) that starts at i, or
 * i when no word starts there. */
size_t tx_word_end(const struct text *t, size_t i);

/* A calendar date at i in any common form: numeric in any order with
 * any one separator (2024-03-05, 03/05/1985, 5.3.85, 04 03 1985), or
 * with a month's name in English, Spanish, French or German, ordinals
 * and "of"/"de" allowed (Mar 5, 1985; 5th of March 1985; 4 de marzo de
 * 1985; 4. März 85). 1 with *end after it and *year (four digits; two-
 * digit years expanded; 0 when the date has no year), else 0. A date
 * without a year counts only when partial is set. */
int tx_date_at(const struct text *t, size_t i, int partial, size_t *end,
	       int *year);

#endif
