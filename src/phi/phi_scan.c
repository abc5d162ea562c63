/* phi_scan — lexical helpers of the PHI rules (see phi_scan.h). */
#include <string.h>
#include "phi_scan.h"

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
	return c == '.' || c == '-' || c == '_' || c == '/';
}

/* "FRZ-203-114-0021" and "10.0.12.7" are single tokens: a number glued to
 * letters or digits by a joiner is part of them, not a number of its own. */
int tx_num_start_ok(const struct text *t, size_t i)
{
	int p = tx_prev(t, i);

	if (ch_alnum(p))
		return 0;
	if ((ch_joiner(p) || p == ':') && i >= 2 && ch_alnum(tx_prev(t, i - 1)))
		return 0;
	return 1;
}

int tx_num_end_ok(const struct text *t, size_t j)
{
	int n = tx_at(t, j);

	if (ch_alnum(n))
		return 0;
	if ((ch_joiner(n) || n == ':') && ch_alnum(tx_at(t, j + 1)))
		return 0;
	return 1;
}

static int ch_fold(int c)
{
	return ch_upper(c) ? c - 'A' + 'a' : c;
}

size_t tx_keyword(const struct text *t, size_t i, const char *kw)
{
	size_t n;

	/* Most positions fail on the first byte: test it before strlen. */
	if (ch_fold(tx_at(t, i)) != (unsigned char)kw[0] ||
	    ch_alnum(tx_prev(t, i)))
		return 0;
	n = strlen(kw);
	if (i + n > t->len)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (ch_fold(tx_at(t, i + k)) != (unsigned char)kw[k])
			return 0;
	if (ch_alpha((unsigned char)kw[n - 1]) && ch_alpha(tx_at(t, i + n)))
		return 0;
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

static int year_of(const struct text *t, long v, size_t ndigits)
{
	if (ndigits == 4)
		return (int)v;
	return v <= t->year % 100 ? 2000 + (int)v : 1900 + (int)v;
}

/* 2024-03-05 (y m d) or 03/05/1985, 5.3.85 (m d y or d m y). */
static int date_numeric(const struct text *t, size_t i, size_t *end,
			int *year)
{
	size_t a = tx_digits(t, i), b, c;
	int sep = tx_at(t, i + a);
	long va, vb, vc;

	if (!a || (sep != '-' && sep != '/' && sep != '.'))
		return 0;
	b = tx_digits(t, i + a + 1);
	if (b < 1 || b > 2 || tx_at(t, i + a + 1 + b) != sep)
		return 0;
	c = tx_digits(t, i + a + 2 + b);
	va = tx_number(t, i, a);
	vb = tx_number(t, i + a + 1, b);
	vc = tx_number(t, i + a + 2 + b, c);
	*end = i + a + 2 + b + c;
	if (a == 4 && (c == 1 || c == 2)) {
		if (va < 1900 || va > 2199 || vb < 1 || vb > 12 || vc < 1 || vc > 31)
			return 0;
		*year = (int)va;
	} else if (a <= 2 && (c == 2 || c == 4)) {
		if (va < 1 || vb < 1 || va > 31 || vb > 31 || (va > 12 && vb > 12))
			return 0;
		*year = year_of(t, vc, c);
	} else {
		return 0;
	}
	/* An ISO timestamp goes on with T and the time. */
	if (tx_at(t, *end) == 'T' && ch_digit(tx_at(t, *end + 1)))
		return 1;
	return tx_num_end_ok(t, *end);
}

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
	"sept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
	"oct", "nov", "dec", NULL
};

static size_t month_at(const struct text *t, size_t i)
{
	size_t n = tx_keywords(t, i, months, NULL);

	if (n && tx_at(t, i + n) == '.')
		n++;
	return n;
}

/* A day of the month (1–31, optional st/nd/rd/th) at i; its end. */
static size_t day_at(const struct text *t, size_t i)
{
	size_t n = tx_digits(t, i);
	long v = tx_number(t, i, n);

	if (n < 1 || n > 2 || v < 1 || v > 31)
		return 0;
	if (ch_lower(tx_at(t, i + n)) && ch_lower(tx_at(t, i + n + 1)) &&
	    !ch_alpha(tx_at(t, i + n + 2)))
		n += 2;
	return ch_alpha(tx_at(t, i + n)) ? 0 : i + n;
}

static size_t skip_sep(const struct text *t, size_t i)
{
	if (tx_at(t, i) == ',')
		i++;
	while (tx_at(t, i) == ' ' || tx_at(t, i) == '-')
		i++;
	return i;
}

/* A year of four digits (or two after a dash, as in 05-Mar-85) at i. */
static int year_at(const struct text *t, size_t i, size_t *end, int *year)
{
	size_t n = tx_digits(t, i);

	if ((n != 4 && n != 2) || !tx_num_end_ok(t, i + n))
		return 0;
	*end = i + n;
	*year = year_of(t, tx_number(t, i, n), n);
	return n == 4 || tx_prev(t, i) == '-';
}

/* Mar 5, 1985 / 5 March 1985 / 05-Mar-85. */
static int date_named(const struct text *t, size_t i, size_t *end,
		      int *year)
{
	size_t m = month_at(t, i), d;

	if (m) {
		d = day_at(t, skip_sep(t, i + m));
		return d && year_at(t, skip_sep(t, d), end, year);
	}
	d = day_at(t, i);
	if (!d || !(m = month_at(t, skip_sep(t, d))))
		return 0;
	return year_at(t, skip_sep(t, skip_sep(t, d) + m), end, year);
}

int tx_date_at(const struct text *t, size_t i, size_t *end, int *year)
{
	if (ch_digit(tx_at(t, i))) {
		if (!tx_num_start_ok(t, i))
			return 0;
		if (date_numeric(t, i, end, year))
			return 1;
	}
	if (!ch_alnum(tx_prev(t, i)) && ch_alnum(tx_at(t, i)))
		return date_named(t, i, end, year);
	return 0;
}
