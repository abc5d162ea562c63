/* phi — PHI screening (see phi.h). This file holds the entry point and
 * the rules that recognise an identifier by its shape alone (SSN, phone
 * number, e-mail address); the other rules live in phi_date.c,
 * phi_record.c and phi_name.c.
 *
 * Shapes are anchored on token boundaries (tx_num_start_ok/_end_ok) so
 * that the digits inside a device id, a version string or an IP address
 * are never read as a number of their own. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "phi.h"
#include "phi_norm.h"
#include "phi_rules.h"

const char *const phi_rule_names[] = {
	PHI_RULE_NAME, PHI_RULE_SSN, PHI_RULE_PHONE, PHI_RULE_EMAIL,
	PHI_RULE_RECORD, PHI_RULE_DATE, PHI_RULE_AGE, PHI_RULE_ADDRESS,
	PHI_RULE_URL, NULL
};

/* 123-45-6789, 123 45 6789, 123.45.6789, 123/45/6789: one separator
 * kind throughout (normalisation made every dash and space one byte). */
static int ssn_shape(const struct text *t, size_t i)
{
	int sep = tx_at(t, i + 3);

	if (tx_digits(t, i) != 3 || !ch_dsep(sep) || !tx_num_start_ok(t, i))
		return 0;
	if (tx_digits(t, i + 4) != 2 || tx_at(t, i + 6) != sep)
		return 0;
	return tx_digits(t, i + 7) == 4 && tx_num_end_ok(t, i + 11);
}

/* Whether the numbers from i to end rise one after another: "fridges
 * 1 2 3 4 5 6 7 8 9" is a list, not a number read out. */
static int rising_list(const struct text *t, size_t i, size_t end)
{
	long last = -1;

	while (i < end) {
		size_t n = tx_digits(t, i);
		long v = tx_number(t, i, n);

		if (!n || v <= last)
			return 0;
		last = v;
		i += n + 1;
	}
	return 1;
}

/* "1 2 3 4 5 6 7 8 9": a number read out digit by digit (seven groups or
 * more, nearly all of one digit); its count of digits, else 0. Nobody
 * types a lot or a reading that way. */
static size_t spelled_digits(const struct text *t, size_t i)
{
	size_t end, n;
	int groups;

	if (!tx_num_start_ok(t, i) || tx_at(t, i) == '(')
		return 0;
	n = tx_digit_groups(t, i, &end, &groups);
	if (groups < 7 || n > (size_t)groups + 2 || !tx_num_end_ok(t, end) ||
	    rising_list(t, i, end))
		return 0;
	return n;
}

static const char *const ssn_words[] = {
	"ssn", "ss#", "ss #", "ss no", "ss nbr", "social security",
	"social sec", "soc sec", "socsec", "nss", "numero de seguro social",
	"seguro social", "seguridad social", "securite sociale", "secu", "insee",
	"sozialversicherungsnummer", "sozialversicherung", "sv-nummer",
	"svnr", "sin", "tin", "itin", NULL
};

/* SSN (or its wording in Spanish, French, German) with digits shortly
 * after it: even the last four digits are refused. */
static int ssn_by_word(const struct text *t, size_t i)
{
	int which;
	size_t n = tx_keywords(t, i, ssn_words, &which);

	if (!n)
		return 0;
	for (size_t k = i + n; k < i + n + 24 && k < t->len; k++)
		if (tx_digits(t, k) >= 4 && !ch_digit(tx_prev(t, k)))
			return 1;
		else if (ch_digit(tx_at(t, k)) && !ch_digit(tx_prev(t, k))) {
			size_t end;
			int groups;

			if (tx_digit_groups(t, k, &end, &groups) >= 4)
				return 1;
		}
	return 0;
}

/* "SS 123456789": the bare abbreviation (stainless steel, a ship, a
 * second) counts only before nine digits, as many as an SSN has. */
static int ssn_by_ss(const struct text *t, size_t i)
{
	size_t j = i + 2, end;
	int groups;

	if (!tx_keyword(t, i, "ss"))
		return 0;
	while (tx_at(t, j) == ' ' || tx_at(t, j) == ':' || tx_at(t, j) == '=')
		j++;
	return ch_digit(tx_at(t, j)) &&
	       tx_digit_groups(t, j, &end, &groups) == 9 &&
	       tx_num_end_ok(t, end);
}

int phi_ssn_at(const struct text *t, size_t i)
{
	if (!ch_digit(tx_at(t, i)))
		return ssn_by_word(t, i) || ssn_by_ss(t, i);
	return ssn_shape(t, i) || spelled_digits(t, i) == 9;
}

/* (555) 123-4567, 555-123-4567, 555/123 4567, 1-800-555-0199. */
static int phone_nanp(const struct text *t, size_t i)
{
	size_t j = i;

	if (tx_at(t, j) == '1' && ch_dsep(tx_at(t, j + 1)) &&
	    (ch_digit(tx_at(t, j + 2)) || tx_at(t, j + 2) == '('))
		j += 2;
	if (tx_at(t, j) == '(') {
		if (tx_digits(t, j + 1) != 3 || tx_at(t, j + 4) != ')')
			return 0;
		j += 5;
		if (ch_dsep(tx_at(t, j)))
			j++;
		/* (555)8675309, (555) 8675309 */
		if (tx_digits(t, j) == 7 && tx_num_end_ok(t, j + 7))
			return 1;
	} else {
		if (tx_digits(t, j) != 3 || !ch_dsep(tx_at(t, j + 3)))
			return 0;
		j += 4;
	}
	if (tx_digits(t, j) != 3 || !ch_dsep(tx_at(t, j + 3)))
		return 0;
	return tx_digits(t, j + 4) == 4 && tx_num_end_ok(t, j + 8);
}

/* +44 20 7946 0958, 0044 20 7946 0958: 8 to 15 digits in groups after an
 * international prefix. */
static int phone_intl(const struct text *t, size_t i)
{
	size_t end = i, n, start = i;
	int groups;

	if (tx_at(t, i) == '+') {
		if (ch_alnum(tx_prev(t, i)))
			return 0;
		start = i + 1;
		if (tx_at(t, start) == ' ')
			start++;
	} else if (!(tx_at(t, i) == '0' && tx_at(t, i + 1) == '0' &&
		     tx_digits(t, i) <= 4 && tx_num_start_ok(t, i))) {
		return 0;
	}
	n = tx_digit_groups(t, start, &end, &groups);
	return n >= 8 && n <= 15 && (groups > 1 || tx_at(t, i) == '+') &&
	       tx_num_end_ok(t, end);
}

/* 020 7946 0958, 01 42 68 53 00, (030) 1234567: a national number with
 * its trunk 0, in two or more groups of 10 or 11 digits in all. */
static int phone_national(const struct text *t, size_t i)
{
	size_t k = i + (tx_at(t, i) == '('), end, n, first = tx_digits(t, k);
	int groups, year;

	if (tx_at(t, k) != '0' || first < 2 || first > 5 ||
	    tx_date_at(t, i, 0, &end, &year))
		return 0;
	n = tx_digit_groups(t, i, &end, &groups);
	return groups >= 2 && n >= 10 && n <= 11 && tx_num_end_ok(t, end);
}

/* Words that name a phone and nothing else, and words that often come
 * before a number that is one ("call", "contact", "home"). */
static const char *const phone_only_words[] = {
	"phone", "ph", "tel", "telephone", "fax", "cell", "mobile", "telefono",
	"movil", "celular", "llamar", "portable", "telephoner", "appeler",
	"handy", "telefon", "anrufen", "rufnummer", "tfno", "whatsapp", NULL
};
static const char *const phone_words[] = {
	"call", "callback", "call back", "contact", "reach", "text", "sms",
	"number", "home", "work", "pager", "numero", "nummer", "ext", "dial",
	"marcar", "composer", "wahlen", NULL
};

/* 555-0142, 612 345 678 or a bare 10-digit number: only after a phone
 * word. */
static int phone_by_word(const struct text *t, size_t i)
{
	size_t end, n;
	int groups;

	if (!tx_num_start_ok(t, i) || tx_prev(t, i) == '(')
		return 0;
	n = tx_digit_groups(t, i, &end, &groups);
	if (!tx_num_end_ok(t, end) || tx_at(t, end) == ':')
		return 0;
	/* 7 (a local US number) or 10 to 13 digits after any phone word;
	 * 9 (Spain and Italy have no trunk 0) only right after a word that
	 * can mean nothing but a phone: "part number 405-7728-48" is a part. */
	if (n == 9)
		return tx_keyword_in(t, i > 12 ? i - 12 : 0, i, phone_only_words);
	if (!((n == 7 && groups <= 2) || (n >= 10 && n <= 13)))
		return 0;
	return tx_keyword_in(t, i > 24 ? i - 24 : 0, i, phone_only_words) ||
	       tx_keyword_in(t, i > 24 ? i - 24 : 0, i, phone_words);
}

int phi_phone_at(const struct text *t, size_t i)
{
	int c = tx_at(t, i);
	size_t spelled;

	if (c == '+' || (c == '0' && tx_at(t, i + 1) == '0'))
		return phone_intl(t, i);
	if ((c != '(' && !ch_digit(c)) || !tx_num_start_ok(t, i))
		return 0;
	spelled = ch_digit(c) ? spelled_digits(t, i) : 0;
	if (spelled >= 10 && spelled <= 11)
		return 1;
	return phone_nanp(t, i) || phone_national(t, i) ||
	       (ch_digit(c) && phone_by_word(t, i));
}

static int ch_local(int c)
{
	return ch_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

/* label.label…: at least two labels and an alphabetic top level, so
 * "pkg@4.2.1" and "java.lang.Object@1b6d3586" are not addresses. j is
 * the domain's first byte; ' dot ' counts as a dot. */
static const char *const mail_tlds[] = {
	"com", "org", "net", "edu", "gov", "mil", "int", "io", "co", "uk",
	"us", "ca", "au", "de", "fr", "es", "it", "nl", "mx", "info", "biz",
	"me", "health", "care", "email", "online", NULL
};

/* " dot ", "(dot)", " [dot] "…: a dot spelled out at j; the bytes it
 * takes, or 0. */
static size_t spelled_dot(const struct text *t, size_t j)
{
	static const char *const forms[] = {
		" dot ", " (dot) ", " [dot] ", "(dot)", "[dot]", "{dot}",
		"<dot>", NULL
	};

	int c = tx_at(t, j), d = ch_fold(tx_at(t, j + 1));

	/* Called at every byte around an "at": most fail here. */
	if (!(c == ' ' && (d == 'd' || d == '(' || d == '[')) &&
	    !((c == '(' || c == '[' || c == '{' || c == '<') && d == 'd'))
		return 0;
	for (int f = 0; forms[f]; f++) {
		size_t n = 0;

		while (forms[f][n] && ch_fold(tx_at(t, j + n)) == forms[f][n])
			n++;
		if (!forms[f][n])
			return n;
	}
	return 0;
}

static int domain_at(const struct text *t, size_t j, int spelled)
{
	size_t label = 0, last = j, dot;
	int labels = 0, alpha = 1;

	for (;; j++) {
		int c = tx_at(t, j);

		if (ch_alnum(c) || (c == '-' && label > 0)) {
			label++;
			alpha = alpha && ch_alpha(c);
			continue;
		}
		if (label == 0)
			return 0;
		labels++;
		last = j - label;
		if ((dot = spelled_dot(t, j)) != 0) {
			j += dot - 1;
		} else if (c != '.' || !ch_alnum(tx_at(t, j + 1))) {
			break;
		}
		label = 0;
		alpha = 1;
	}
	/* An alphabetic top level of two letters or more: "pkg@4.2.1" and
	 * "java.lang.Object@1b6d3586" are not addresses. */
	if (labels < 2 || label < 2 || !alpha)
		return 0;
	/* Spelled out ("jane.doe at example dot com"), the domain must end in
	 * a mail domain and the token there: "Sync.run(" is code. */
	return !spelled || (tx_keywords(t, last, mail_tlds, NULL) &&
			    tx_at(t, j) != '(');
}

static const char *const at_words[] = {
	"@", "[at]", "(at)", "{at}", "<at>", "at", "arroba", NULL
};

static int dot_spelled_in(const struct text *t, size_t from, size_t to)
{
	for (size_t k = from; k < to && k < t->len; k++)
		if (spelled_dot(t, k))
			return 1;
	return 0;
}

/* Whether the word before i has a dot, an underscore or a digit inside,
 * as user names of mailboxes do (jane.doe, jd_1985) and words do not. */
static int local_looks_made_up(const struct text *t, size_t i)
{
	/* jane dot doe at …: spelled out on both sides. */
	for (size_t k = i > 24 ? i - 24 : 0; k < i; k++)
		if (spelled_dot(t, k))
			return 1;
	for (size_t k = i; k > 0 && ch_local(tx_prev(t, k)); k--) {
		int c = tx_prev(t, k);

		if (c == '.' || c == '_' || ch_digit(c))
			return 1;
	}
	return 0;
}

/* jane.doe@example.com, and the spelled-out jane.doe [at] example dot com.
 * i is the '@' or the space before a spelled-out "at". */
int phi_email_at(const struct text *t, size_t i)
{
	int which, spaced = tx_at(t, i) == ' ';
	size_t k = i + (size_t)spaced, n, j;

	if (!ch_local(tx_prev(t, i)))
		return 0;
	for (which = 0; at_words[which]; which++) {
		for (n = 0; at_words[which][n] &&
		     ch_fold(tx_at(t, k + n)) == at_words[which][n]; n++)
			;
		if (!at_words[which][n])
			break;
	}
	/* '@' is glued to its local part; a plain "at" stands between
	 * spaces; "(at)" and its kin may be either. */
	if (!at_words[which] || (which == 0 && spaced) ||
	    (which >= 5 && !spaced))
		return 0;
	j = k + n;
	if (which >= 5 && tx_at(t, j) != ' ')
		return 0;
	while (tx_at(t, j) == ' ')
		j++;
	/* A plain "at" is an ordinary word: only a local part with a dot or
	 * digits before it, a mail word, or a dot spelled out in the domain
	 * ("jane at example dot com") make an address of it. */
	if (which >= 5 && !local_looks_made_up(t, i) &&
	    !dot_spelled_in(t, j, j + 40) &&
	    !tx_keyword_in(t, i > 24 ? i - 24 : 0, i, (const char *const[]){
			       "email", "e-mail", "mail", "correo", "courriel",
			       NULL }))
		return 0;
	return domain_at(t, j, which > 0);
}

/* The leading letters of every keyword a rule looks for at a word's
 * start, in a small open-addressing set built once per process. */
#define CUE_SLOTS 2048
#define CUE_WORD 16
static char cue_set[CUE_SLOTS][CUE_WORD];
static int cue_set_ready;

/* The slot of the leading letters of s (lower case, at most the first 15:
 * longer keywords share their prefix's slot), or -1 when there are none. */
static int cue_slot(const char *s, size_t len, char key[CUE_WORD])
{
	size_t n = 0;
	unsigned h = 2166136261u;

	while (n < len && n < CUE_WORD - 1 && ch_alpha((unsigned char)s[n])) {
		key[n] = (char)(s[n] | 0x20);
		h = (h ^ (unsigned char)key[n]) * 16777619u;
		n++;
	}
	if (n == 0)
		return -1;
	key[n] = '\0';
	return (int)(h & (CUE_SLOTS - 1));
}

static void cue_add(const char *kw)
{
	char key[CUE_WORD];
	int i = cue_slot(kw, strlen(kw), key);

	while (i >= 0 && cue_set[i][0] && strcmp(cue_set[i], key) != 0)
		i = (i + 1) & (CUE_SLOTS - 1);
	if (i >= 0)
		memcpy(cue_set[i], key, CUE_WORD);
}

/* Whether some keyword may start at i. */
static int cue_here(const struct text *t, size_t i)
{
	char key[CUE_WORD];
	int k = cue_slot(t->s + i, t->len - i, key);

	if (!cue_set_ready) {
		for (int w = 0; ssn_words[w]; w++)
			cue_add(ssn_words[w]);
		phi_date_cues(cue_add);
		phi_record_cues(cue_add);
		phi_name_cues(cue_add);
		phi_scan_cues(cue_add);
		cue_set_ready = 1;
	}
	for (; k >= 0 && cue_set[k][0]; k = (k + 1) & (CUE_SLOTS - 1))
		if (strcmp(cue_set[k], key) == 0)
			return 1;
	return 0;
}

/* Cheapest first: most positions fail on their first byte in each. */
static const char *screen_at(const struct text *t, size_t i)
{
	int c = tx_at(t, i), p = tx_prev(t, i);

	if (ch_digit(c) || c == '+' || c == '(') {
		if (ch_digit(c) && phi_ssn_at(t, i))
			return PHI_RULE_SSN;
		if (phi_phone_at(t, i))
			return PHI_RULE_PHONE;
		if (ch_digit(c) && phi_date_at(t, i))
			return PHI_RULE_DATE;
		if (ch_digit(c) && phi_age_at(t, i))
			return PHI_RULE_AGE;
		if (ch_digit(c) && phi_address_at(t, i, 0))
			return PHI_RULE_ADDRESS;
		if (ch_digit(c) && phi_record_at(t, i))
			return PHI_RULE_RECORD;
		return c == '(' && phi_email_at(t, i) ? PHI_RULE_EMAIL : NULL;
	}
	if (c == '@' || c == ' ' || c == '[' || c == '{' || c == '<')
		return phi_email_at(t, i) ? PHI_RULE_EMAIL : NULL;
	if (!ch_letter(c) || ch_letter(p) || ch_digit(p))
		return NULL;
	if (!cue_here(t, i)) {
		if (phi_address_at(t, i, 0))
			return PHI_RULE_ADDRESS;
		return phi_name_at(t, i, 0) ? PHI_RULE_NAME : NULL;
	}
	if (phi_ssn_at(t, i))
		return PHI_RULE_SSN;
	if (phi_date_at(t, i))
		return PHI_RULE_DATE;
	if (phi_age_at(t, i))
		return PHI_RULE_AGE;
	if (phi_record_at(t, i))
		return PHI_RULE_RECORD;
	if (phi_url_at(t, i))
		return PHI_RULE_URL;
	if (phi_address_at(t, i, 1))
		return PHI_RULE_ADDRESS;
	if (phi_name_at(t, i, 1))
		return PHI_RULE_NAME;
	return NULL;
}

static int current_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return 2026;
	return tm.tm_year + 1900;
}

enum phi_verdict phi_screen(const char *s, size_t len, const char **rule)
{
	const char *dummy, *found = NULL;
	size_t nlen;
	char *norm;
	struct text t;

	if (!rule)
		rule = &dummy;
	*rule = NULL;
	if (!s || len == 0)
		return PHI_CLEAN;
	norm = phi_normalise(s, len, &nlen);
	if (!norm) {
		/* Not UTF-8: screen the bytes as they are, so that a value the
		 * binder will refuse anyway is still never let through. */
		nlen = len;
	}
	t = (struct text){ norm ? norm : s, nlen, current_year() };
	for (size_t i = 0; i < t.len && !found; i++)
		found = screen_at(&t, i);
	free(norm);
	if (found) {
		*rule = found;
		return PHI_FOUND;
	}
	/* Every bidirectional control is encoded with a lead byte 0xD8 or
	 * 0xE2: without those there is none to look for. */
	if (memchr(s, 0xE2, len) == NULL && memchr(s, 0xD8, len) == NULL)
		return PHI_CLEAN;
	return phi_has_bidi_control(s, len) ? PHI_BIDI : PHI_CLEAN;
}
