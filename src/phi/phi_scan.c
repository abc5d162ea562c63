/* phi_scan — lexical helpers of the PHI rules (see phi_scan.h). */
#include <string.h>
#include "phi_rules.h"

size_t tx_digits(const struct text *t, size_t i)
{
	size_t n = 0;

	while (ch_digit(tx_at(t, i + n)))
		n++;
	return n;
}

long tx_number(const struct text *t, size_t i, size_t n)
{
	long v = 0;

	for (size_t k = 0; k < n && k < 9; k++)
		v = v * 10 + (tx_at(t, i + k) - '0');
	return v;
}

static int ch_joiner(int c)
{
	return c == '.' || c == '-' || c == '_' || c == '/' || c == ':' ||
	       c == '\\';
}

/* "FRZ-203-114-0021" and "10.0.12.7" are single tokens: a number glued to
 * letters or digits by a joiner is part of them, not a number of its own. */
int tx_num_start_ok(const struct text *t, size_t i)
{
	int p = tx_prev(t, i);

	if (ch_alnum(p))
		return 0;
	return !(ch_joiner(p) && i >= 2 && ch_alnum(tx_prev(t, i - 1)));
}

int tx_num_end_ok(const struct text *t, size_t j)
{
	int n = tx_at(t, j);

	if (ch_alnum(n))
		return 0;
	return !(ch_joiner(n) && ch_alnum(tx_at(t, j + 1)));
}

size_t tx_keyword_rest(const struct text *t, size_t i, const char *kw)
{
	size_t n;

	if (ch_letter(tx_prev(t, i)) || ch_digit(tx_prev(t, i)))
		return 0;
	n = strlen(kw);
	if (i + n > t->len)
		return 0;
	for (size_t k = 1; k < n; k++)
		if (ch_fold(tx_at(t, i + k)) != (unsigned char)kw[k])
			return 0;
	/* A word goes on through letters, and through an apostrophe or a
	 * hyphen followed by a letter (don't, Smith-Jones). */
	if (ch_alpha((unsigned char)kw[n - 1])) {
		int c = tx_at(t, i + n);

		if (ch_letter(c) || ((c == '\'' || c == '-') &&
				     ch_letter(tx_at(t, i + n + 1))))
			return 0;
	}
	return n;
}

size_t tx_keywords(const struct text *t, size_t i, const char *const *kws,
		   int *which)
{
	for (int k = 0; kws[k]; k++) {
		size_t n = tx_keyword(t, i, kws[k]);

		if (n) {
			if (which)
				*which = k;
			return n;
		}
	}
	return 0;
}

int tx_keyword_in(const struct text *t, size_t from, size_t to,
		  const char *const *kws)
{
	if (to > t->len)
		to = t->len;
	for (size_t i = from; i < to; i++)
		if (tx_keywords(t, i, kws, NULL))
			return 1;
	return 0;
}

size_t tx_digit_groups(const struct text *t, size_t i, size_t *end,
		       int *groups)
{
	size_t total = 0;

	*groups = 0;
	*end = i;
	for (;;) {
		int paren = tx_at(t, i) == '(';
		size_t n = tx_digits(t, i + paren);

		if (!n || (paren && tx_at(t, i + 1 + n) != ')'))
			break;
		total += n;
		(*groups)++;
		i += n + 2 * (size_t)paren;
		*end = i;
		if (paren && tx_at(t, i) == ' ' && ch_digit(tx_at(t, i + 1)))
			i++;
		else if (ch_dsep(tx_at(t, i)) && (ch_digit(tx_at(t, i + 1)) ||
						  tx_at(t, i + 1) == '('))
			i++;
		else
			break;
	}
	return total;
}

size_t tx_word_end(const struct text *t, size_t i)
{
	size_t j = i;

	if (!ch_letter(tx_at(t, i)))
		return i;
	for (;; j++) {
		int c = tx_at(t, j);

		if (ch_letter(c))
			continue;
		if ((c == '\'' || c == '-') && ch_letter(tx_at(t, j + 1)) &&
		    j > i)
			continue;
		return j;
	}
}

static int year_of(const struct text *t, long v, size_t ndigits)
{
	if (ndigits == 4)
		return (int)v;
	return v <= t->year % 100 ? 2000 + (int)v : 1900 + (int)v;
}

static int day_month_ok(long a, long b)
{
	return a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12);
}

/* 2024-03-05 (y m d), 03/05/1985, 5.3.85, 04 03 1985 (m d y or d m y),
 * and with partial 3/4 (no year). */
static int date_numeric(const struct text *t, size_t i, int partial,
			size_t *end, int *year)
{
	size_t a = tx_digits(t, i), b, c;
	int sep = tx_at(t, i + a);
	long va, vb, vc;

	if (!a || a == 3 || a > 4 || !ch_dsep(sep))
		return 0;
	b = tx_digits(t, i + a + 1);
	if (b < 1 || b > 2)
		return 0;
	va = tx_number(t, i, a);
	vb = tx_number(t, i + a + 1, b);
	if (tx_at(t, i + a + 1 + b) != sep || !ch_digit(tx_at(t, i + a + 2 + b))) {
		/* 3/4 with no year: only where a cue asks for it. */
		*end = i + a + 1 + b;
		*year = 0;
		return partial && a <= 2 && sep != ' ' && sep != '.' &&
		       day_month_ok(va, vb) && tx_num_end_ok(t, *end);
	}
	c = tx_digits(t, i + a + 2 + b);
	vc = tx_number(t, i + a + 2 + b, c);
	*end = i + a + 2 + b + c;
	if (a == 4 && (c == 1 || c == 2)) {
		if (va < 1900 || va > 2199 || vb < 1 || vb > 12 || vc < 1 || vc > 31)
			return 0;
		*year = (int)va;
	} else if (a <= 2 && (c == 2 || c == 4)) {
		if (!day_month_ok(va, vb))
			return 0;
		*year = year_of(t, vc, c);
	} else {
		return 0;
	}
	/* An ISO timestamp goes on with T and the time. */
	if (tx_at(t, *end) == 'T' && ch_digit(tx_at(t, *end + 1)))
		return 1;
	return tx_num_end_ok(t, *end) && !(ch_dsep(tx_at(t, *end)) &&
					   ch_digit(tx_at(t, *end + 1)) &&
					   sep != ' ');
}

/* Months in English, Spanish, French and German (marks stripped by
 * normalisation: März is marz, février fevrier), longest first where
 * one is the start of another. */
static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
	"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	"agosto", "septiembre", "setiembre", "octubre", "noviembre",
	"diciembre", "janvier", "fevrier", "mars", "avril", "mai", "juin",
	"juillet", "aout", "septembre", "octobre", "novembre", "decembre",
	"januar", "februar", "marz", "juni", "juli", "oktober", "dezember",
	"sept", "janv", "fevr", "juil", "jan", "feb", "mar", "apr", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec", "ene", "abr", "ago", "dic",
	"mrz", "okt", "dez", NULL
};

static size_t month_at(const struct text *t, size_t i)
{
	size_t n = tx_keywords(t, i, months, NULL);

	if (n && tx_at(t, i + n) == '.')
		n++;
	return n;
}

/* A day of the month (1-31, with st/nd/rd/th, er, o or a German '.') at
 * i; its end, or 0. */
static size_t day_at(const struct text *t, size_t i)
{
	size_t n = tx_digits(t, i);
	long v = tx_number(t, i, n);
	int c;

	if (n < 1 || n > 2 || v < 1 || v > 31 || !tx_num_start_ok(t, i))
		return 0;
	c = tx_at(t, i + n);
	if (ch_lower(c | 0x20) && ch_lower(tx_at(t, i + n + 1) | 0x20) &&
	    !ch_letter(tx_at(t, i + n + 2)))
		n += 2;			/* 4th, 1st, 1er */
	else if (c == '.' && !ch_digit(tx_at(t, i + n + 1)))
		n++;			/* 4. März */
	else if ((c | 0x20) == 'o' && !ch_letter(tx_at(t, i + n + 1)))
		n++;			/* 1º, read as 1o */
	return ch_alnum(tx_at(t, i + n)) ? 0 : i + n;
}

/* Past ", ", " - ", " of ", " de ", " del " between a date's parts. */
static size_t skip_sep(const struct text *t, size_t i)
{
	static const char *const glue[] = { "of", "de", "del", NULL };
	size_t n;

	for (int k = 0; k < 3; k++) {
		while (tx_at(t, i) == ',' || tx_at(t, i) == ' ' ||
		       tx_at(t, i) == '-' || tx_at(t, i) == '/' ||
		       tx_at(t, i) == '.' || tx_at(t, i) == '\'')
			i++;
		if (!(n = tx_keywords(t, i, glue, NULL)))
			break;
		i += n;
	}
	return i;
}

/* A year of four or two digits at i. */
static int year_at(const struct text *t, size_t i, size_t *end, int *year)
{
	size_t n = tx_digits(t, i);

	if ((n != 4 && n != 2) || !tx_num_end_ok(t, i + n) ||
	    !tx_num_start_ok(t, i) || tx_at(t, i + n) == ':')
		return 0;
	*end = i + n;
	*year = year_of(t, tx_number(t, i, n), n);
	return n == 2 || (*year >= 1880 && *year <= 2199);
}

/* The year after a day and month, or no year when partial allows it. */
static int date_year(const struct text *t, size_t i, int partial,
		     size_t *end, int *year)
{
	if (year_at(t, skip_sep(t, i), end, year))
		return 1;
	*end = i;
	*year = 0;
	return partial;
}

/* Mar 5, 1985 / March 4th 1985 / 5 March 1985 / 4th of March / 05-Mar-85. */
static int date_named(const struct text *t, size_t i, int partial,
		      size_t *end, int *year)
{
	size_t m = month_at(t, i), d;

	if (m) {
		d = day_at(t, skip_sep(t, i + m));
		return d && date_year(t, d, partial, end, year);
	}
	if (tx_keyword(t, i, "the"))
		i = skip_sep(t, i + 3);
	d = day_at(t, i);
	if (!d || !(m = month_at(t, skip_sep(t, d))))
		return 0;
	return date_year(t, skip_sep(t, d) + m, partial, end, year);
}

int tx_date_at(const struct text *t, size_t i, int partial, size_t *end,
	       int *year)
{
	if (ch_digit(tx_at(t, i))) {
		if (!tx_num_start_ok(t, i))
			return 0;
		if (date_numeric(t, i, partial, end, year))
			return 1;
	}
	if (!ch_alnum(tx_prev(t, i)) && ch_alnum(tx_at(t, i)))
		return date_named(t, i, partial, end, year);
	return 0;
}

void phi_scan_cues(phi_cue_sink add)
{
	for (int k = 0; months[k]; k++)
		add(months[k]);
	add("the");
}
