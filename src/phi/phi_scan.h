/* phi_scan — the lexical helpers the PHI rules share (internal to phi.c
 * and phi_context.c). Everything works on a byte slice with explicit
 * bounds; reading before the start or past the end yields 0. Keywords
 * are matched case-insensitively and only as whole words. */
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

/* Number of consecutive digits at i. */
size_t tx_digits(const struct text *t, size_t i);

/* The value of n digits at i (n <= 9). */
long tx_number(const struct text *t, size_t i, size_t n);

/* Whether a number may start at i / end at j without being the middle
 * of a longer token (a device id, a version, an IP address). */
int tx_num_start_ok(const struct text *t, size_t i);
int tx_num_end_ok(const struct text *t, size_t j);

/* Length of keyword kw at i when it matches there as a whole word, else 0.
 * kw is lower case; it may contain spaces, '.' or '#'. */
size_t tx_keyword(const struct text *t, size_t i, const char *kw);

/* As tx_keyword for the first match among the NULL-terminated list kws;
 * *which (may be NULL) gets its index. */
size_t tx_keywords(const struct text *t, size_t i, const char *const *kws,
		   int *which);

/* Whether any of kws starts in [from, to). */
int tx_keyword_in(const struct text *t, size_t from, size_t to,
		  const char *const *kws);

/* A calendar date at i (2024-03-05, 03/05/1985, 5.3.85, Mar 5, 1985,
 * 5 March 1985, 05-Mar-85): 1 with *end after it and *year (four
 * digits, two-digit years expanded), else 0. */
int tx_date_at(const struct text *t, size_t i, size_t *end, int *year);

#endif
