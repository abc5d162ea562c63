/* phi — PHI screening (see phi.h). This file holds the entry point and
 * the rules that recognise an identifier by its shape alone (SSN, phone
 * number, e-mail address); phi_context.c holds those that need the words
 * around a value (birth dates, record numbers, names).
 *
 * Shapes are anchored on token boundaries (tx_num_start_ok/_end_ok) so
 * that the digits inside a device id, a version string or an IP address
 * are never read as a number of their own. */
#include <time.h>
#include "phi.h"
#include "phi_context.h"
#include "phi_scan.h"

static int ch_sep(int c)
{
	return c == '-' || c == '.' || c == ' ';
}

/* 123-45-6789 or 123 45 6789 (one separator throughout). */
static int ssn_at(const struct text *t, size_t i)
{
	int sep = tx_at(t, i + 3);

	if (tx_digits(t, i) != 3 || (sep != '-' && sep != ' '))
		return 0;
	if (tx_digits(t, i + 4) != 2 || tx_at(t, i + 6) != sep)
		return 0;
	return tx_digits(t, i + 7) == 4 && tx_num_end_ok(t, i + 11);
}

static const char *const ssn_words[] = {
	"ssn", "ss#", "ss #", "social security", "soc sec", NULL
};

/* The word SSN (or social security) with digits shortly after it: even
 * the last four digits are refused. */
static int ssn_by_word(const struct text *t, size_t i)
{
	size_t n = tx_keywords(t, i, ssn_words, NULL);

	if (!n)
		return 0;
	for (size_t k = i + n; k < i + n + 24 && k < t->len; k++)
		if (tx_digits(t, k) >= 4 && !ch_digit(tx_prev(t, k)))
			return 1;
	return 0;
}

/* Groups of digits separated by single separators from i: the total
 * number of digits and the end. Parentheses around a group are allowed. */
static size_t digit_groups(const struct text *t, size_t i, size_t *end,
			   int *groups)
{
	size_t total = 0;

	*groups = 0;
	for (;;) {
		int paren = tx_at(t, i) == '(';
		size_t n = tx_digits(t, i + paren);

		if (!n || (paren && tx_at(t, i + 1 + n) != ')'))
			break;
		total += n;
		(*groups)++;
		i += n + 2 * paren;
		*end = i;
		if (!ch_sep(tx_at(t, i)) || !(ch_digit(tx_at(t, i + 1)) ||
					      tx_at(t, i + 1) == '('))
			break;
		i++;
	}
	return total;
}

/* (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199. */
static int phone_nanp_at(const struct text *t, size_t i)
{
	size_t j = i;

	if (tx_at(t, j) == '1' && ch_sep(tx_at(t, j + 1)) &&
	    (ch_digit(tx_at(t, j + 2)) || tx_at(t, j + 2) == '('))
		j += 2;
	if (tx_at(t, j) == '(') {
		if (tx_digits(t, j + 1) != 3 || tx_at(t, j + 4) != ')')
			return 0;
		j += 5;
		if (tx_at(t, j) == ' ')
			j++;
	} else {
		if (tx_digits(t, j) != 3 || !ch_sep(tx_at(t, j + 3)))
			return 0;
		j += 4;
	}
	if (tx_digits(t, j) != 3 || !ch_sep(tx_at(t, j + 3)))
		return 0;
	return tx_digits(t, j + 4) == 4 && tx_num_end_ok(t, j + 8);
}

/* +44 20 7946 0958: a plus sign, then 8 to 15 digits in groups. */
static int phone_intl_at(const struct text *t, size_t i)
{
	size_t end = i;
	int groups;
	size_t n;

	if (tx_at(t, i) != '+' || ch_alnum(tx_prev(t, i)))
		return 0;
	n = digit_groups(t, i + 1, &end, &groups);
	return n >= 8 && n <= 15 && tx_num_end_ok(t, end);
}

static const char *const phone_words[] = {
	"phone", "ph", "tel", "telephone", "fax", "cell", "mobile", "call",
	"callback", "call back", "contact", "reach", "text", "sms", "number",
	"home", "work", NULL
};

/* 555-0142 or a bare 10-digit number: only right after a phone word. */
static int phone_by_word(const struct text *t, size_t i)
{
	size_t end = i, n;
	int groups;

	if (i < 1 || !tx_num_start_ok(t, i) || tx_prev(t, i) == '(')
		return 0;
	n = digit_groups(t, i, &end, &groups);
	if (!tx_num_end_ok(t, end))
		return 0;
	if (!((n == 7 && groups == 2 && tx_digits(t, i) == 3) ||
	      (n >= 10 && n <= 11)))
		return 0;
	return tx_keyword_in(t, i > 24 ? i - 24 : 0, i, phone_words);
}

static int phone_at(const struct text *t, size_t i)
{
	int c = tx_at(t, i);

	if (c == '+')
		return phone_intl_at(t, i);
	if ((c != '(' && !ch_digit(c)) || !tx_num_start_ok(t, i))
		return 0;
	return phone_nanp_at(t, i) || phone_by_word(t, i);
}

static int ch_local(int c)
{
	return ch_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

/* local@label.label…: at least two labels and an alphabetic top level, so
 * "pkg@4.2.1" and "java.lang.Object@1b6d3586" are not addresses. */
static int email_at(const struct text *t, size_t i)
{
	size_t j = i + 1, label = 0;
	int labels = 0, alpha = 1;

	if (tx_at(t, i) != '@' || !ch_local(tx_prev(t, i)))
		return 0;
	for (;; j++) {
		int c = tx_at(t, j);

		if (ch_alnum(c) || (c == '-' && label > 0)) {
			label++;
			alpha = alpha && ch_alpha(c);
			continue;
		}
		if (label == 0)
			break;
		labels++;
		if (c != '.' || !ch_alnum(tx_at(t, j + 1)))
			break;
		label = 0;
		alpha = 1;
	}
	return labels >= 2 && label >= 2 && alpha;
}

static int screen_shapes(const struct text *t, const char **rule)
{
	for (size_t i = 0; i < t->len; i++) {
		if (ch_digit(tx_at(t, i)) && tx_num_start_ok(t, i) &&
		    ssn_at(t, i)) {
			*rule = PHI_RULE_SSN;
			return -1;
		}
		if (ssn_by_word(t, i)) {
			*rule = PHI_RULE_SSN;
			return -1;
		}
		if (phone_at(t, i)) {
			*rule = PHI_RULE_PHONE;
			return -1;
		}
		if (email_at(t, i)) {
			*rule = PHI_RULE_EMAIL;
			return -1;
		}
	}
	return 0;
}

static int current_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return 2025;
	return tm.tm_year + 1900;
}

int phi_screen(const char *s, size_t len, const char **rule)
{
	struct text t = { s, len, current_year() };
	const char *dummy;

	if (!rule)
		rule = &dummy;
	*rule = NULL;
	if (!s)
		return 0;
	if (screen_shapes(&t, rule) != 0)
		return -1;
	return phi_screen_context(&t, rule);
}
