/* phi_context — PHI rules that read the words around a value.
 *
 * A date, a number or a capitalised word is harmless on its own in
 * operational text ("fridge 2 at 6.1C since 2024-03-05"); it becomes an
 * identifier next to the words that introduce one: DOB / born before a
 * date, MRN / account before a number, patient / name before a name.
 * The one exception is a full date decades in the past, which in a
 * facility's operational messages is almost only ever a birth date. */
#include "phi.h"
#include "phi_context.h"

#define DOB_AFTER 28	/* bytes after a DOB word searched for the date */
#define DOB_BEFORE 30	/* bytes before it ("1985-03-04 (DOB)") */
#define BIRTH_AGE 18	/* a full date this many years back is a DOB */

static const char *const dob_words[] = {
	"date of birth", "dob", "d.o.b", "birth date", "birthdate",
	"birthday", "birth", "born", "bday", "b-day", NULL
};

static int four_digits_in(const struct text *t, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (tx_digits(t, k) == 4)
			return 1;
	return 0;
}

/* A date, a plausible birth year, or a run of 6–8 digits (030485). */
static int dob_value_in(const struct text *t, size_t from, size_t to)
{
	size_t end;
	int year;

	for (size_t k = from; k < to && k < t->len; k++) {
		size_t n = tx_digits(t, k);

		if (ch_digit(tx_prev(t, k)))
			continue;
		if (tx_date_at(t, k, &end, &year))
			return 1;
		if (n == 4 && tx_num_end_ok(t, k + n) &&
		    tx_number(t, k, 4) >= 1900 && tx_number(t, k, 4) <= t->year)
			return 1;
		if (n >= 6 && n <= 8)
			return 1;
	}
	return 0;
}

static int dob_rule(const struct text *t, size_t i)
{
	size_t n = tx_keywords(t, i, dob_words, NULL), end;
	int year;

	if (n)
		return dob_value_in(t, i + n, i + n + DOB_AFTER) ||
		       dob_value_in(t, i > DOB_BEFORE ? i - DOB_BEFORE : 0, i);
	if (!tx_date_at(t, i, &end, &year))
		return 0;
	return year >= 1900 && year <= t->year - BIRTH_AGE &&
	       four_digits_in(t, i, end);
}

/* Words that introduce a record number, with the digits the number
 * needs: few after an unambiguous word, more after a common one. */
struct record_word {
	const char *kw;
	size_t min_digits;
};

static const struct record_word record_words[] = {
	{ "mrn", 3 }, { "mr#", 3 }, { "mr #", 3 }, { "medical record", 3 },
	{ "med rec", 3 }, { "patient id", 3 }, { "patient number", 3 },
	{ "pt id", 3 }, { "member id", 3 }, { "hicn", 3 }, { "mbi", 3 },
	{ "medicaid", 3 }, { "medicare", 3 }, { "encounter", 3 },
	{ "record", 5 }, { "rec", 5 }, { "chart", 5 }, { "account", 5 },
	{ "acct", 5 }, { "acc", 5 }, { "member", 5 }, { "visit", 5 },
	{ "admission", 5 }, { "insurance", 5 }, { "policy", 5 },
	{ "claim", 5 }, { "fin", 5 }, { "enc", 5 }, { "patient", 5 },
	{ "pt", 5 }, { NULL, 0 }
};

static const char *const number_fillers[] = {
	"number", "num", "nbr", "no", "nr", "id", "is", "of", NULL
};

/* Past separators and filler words ("MRN: ", "acct no. ", "record # ");
 * *hash is set when a '#' or "no." marks what follows as a number. */
static size_t skip_fillers(const struct text *t, size_t i, int *hash)
{
	for (int words = 0; words < 4; words++) {
		size_t n;
		int c;

		while ((c = tx_at(t, i)) == ' ' || c == '#' || c == ':' ||
		       c == '=' || c == '-' || c == '.' || c == ',' || c == '(') {
			*hash |= c == '#';
			i++;
		}
		if (!(n = tx_keywords(t, i, number_fillers, NULL)))
			break;
		*hash = 1;
		i += n;
	}
	return i;
}

static int record_rule(const struct text *t, size_t i)
{
	size_t end, digits = 0, j, n = 0;
	int hash = 0, year, k;

	for (k = 0; record_words[k].kw; k++)
		if ((n = tx_keyword(t, i, record_words[k].kw)))
			break;
	if (!n)
		return 0;
	j = skip_fillers(t, i + n, &hash);
	if (!ch_alnum(tx_at(t, j)) || tx_date_at(t, j, &end, &year))
		return 0;
	for (end = j; ch_alnum(tx_at(t, end)) || tx_at(t, end) == '-'; end++)
		digits += ch_digit(tx_at(t, end));
	/* A decimal or a clock time ("policy 12345.5", "chart 10:30") is a
	 * measurement, not a number that names someone. */
	if ((tx_at(t, end) == '.' || tx_at(t, end) == ':') &&
	    ch_digit(tx_at(t, end + 1)))
		return 0;
	return digits >= (hash && record_words[k].min_digits > 3
			  ? 3 : record_words[k].min_digits);
}

int phi_screen_context(const struct text *t, const char **rule)
{
	for (size_t i = 0; i < t->len; i++) {
		if (dob_rule(t, i)) {
			*rule = PHI_RULE_DOB;
			return -1;
		}
		if (record_rule(t, i)) {
			*rule = PHI_RULE_RECORD;
			return -1;
		}
		if (phi_name_rule(t, i)) {
			*rule = PHI_RULE_NAME;
			return -1;
		}
	}
	return 0;
}
