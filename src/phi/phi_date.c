/* phi_date — dates that belong to a person, and ages over 89.
 *
 * A date is harmless on its own in operational text ("fridge 2 serviced
 * 2024-03-05"); it becomes an identifier next to the words that make it
 * a birth, death, admission or discharge date, in any common form. The
 * one exception is a full date decades in the past, which in a
 * facility's operational messages is almost only ever a birth date. */
#include "phi_rules.h"

#define CUE_AFTER 28	/* bytes after a cue searched for its date */
#define CUE_NEAR 12	/* ... after a cue that is also a trade word */
#define CUE_BEFORE 30	/* bytes before it ("1985-03-04 (DOB)") */
#define BIRTH_AGE 18	/* a full date this many years back is a DOB */
#define AGE_LIMIT 90	/* Safe Harbor: ages over 89 identify */

/* Birth and death: any date form, a bare year, or 6 to 8 digits. */
static const char *const life_words[] = {
	"date of birth", "dob", "d.o.b", "d o b", "birth date", "birthdate",
	"birthday", "birth", "born", "bday", "b-day", "b'day", "yob",
	"date of death", "dod", "d.o.d", "died", "deceased", "death",
	"passed away", "fecha de nacimiento", "nacimiento",
	"nacido", "nacida", "f. nac", "fnac", "fallecido", "fallecida",
	"fallecio", "defuncion", "date de naissance", "naissance", "ne le",
	"nee le", "ne en", "nee en", "deces", "decede", "decedee",
	"geburtsdatum", "geburtstag", "geboren", "geb", "gestorben",
	"verstorben", "todestag", "sterbedatum", "geburtsjahr", "jahrgang",
	"year of birth", "birth year", "ano de nacimiento",
	"annee de naissance", "pt expired", "patient expired",
	"resident expired", NULL
};

/* Admission and discharge: a date, even without a year, right after. */
static const char *const stay_words[] = {
	"admission date", "date of admission", "admit date", "admitted",
	"admitted on", "admit", "adm date", "admission", "discharge date",
	"date of discharge", "discharged", "discharged on", "d/c date",
	"dc date", "d/c'd", "fecha de ingreso", "ingreso", "ingresado",
	"ingresada", "fecha de alta", "dado de alta", "date d'entree",
	"entree le", "admis le", "admise le", "sortie le", "date de sortie",
	"aufnahmedatum", "aufnahme", "aufgenommen", "entlassungsdatum",
	"entlassung", "entlassen", "readmitted", "readmission",
	"reingreso", "sorti le", NULL
};

/* Words that are also words of the trade ("discharge pump", "adm
 * console"): a date counts only right after them. */
static const char *const stay_words_near[] = {
	"discharge", "disch", "adm", "d/c", "readmit", "alta el", "sortie",
	NULL
};

static int four_digits_in(const struct text *t, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (tx_digits(t, k) == 4)
			return 1;
	return 0;
}

/* A date (with or without year), a plausible birth year, or a run of 6–8
 * digits (030485, 19850304) starting in [from, to). */
static int life_value_in(const struct text *t, size_t from, size_t to)
{
	size_t end;
	int year;

	for (size_t k = from; k < to && k < t->len; k++) {
		size_t n = tx_digits(t, k);

		if (ch_digit(tx_prev(t, k)))
			continue;
		if (tx_date_at(t, k, 1, &end, &year))
			return 1;
		if (n == 4 && tx_num_end_ok(t, k + n) &&
		    tx_number(t, k, 4) >= 1880 && tx_number(t, k, 4) <= t->year)
			return 1;
		if (n >= 6 && n <= 8)
			return 1;
	}
	return 0;
}

static int stay_value_in(const struct text *t, size_t from, size_t to)
{
	size_t end;
	int year;

	for (size_t k = from; k < to && k < t->len; k++)
		if ((ch_digit(tx_at(t, k)) || ch_alpha(tx_at(t, k))) &&
		    !ch_alnum(tx_prev(t, k)) && tx_date_at(t, k, 1, &end, &year))
			return 1;
	return 0;
}

int phi_date_at(const struct text *t, size_t i)
{
	size_t n, end;
	int year;

	if (ch_letter(tx_at(t, i))) {
		if ((n = tx_keywords(t, i, life_words, NULL)))
			return life_value_in(t, i + n, i + n + CUE_AFTER) ||
			       life_value_in(t, i > CUE_BEFORE ? i - CUE_BEFORE : 0,
					     i);
		if ((n = tx_keywords(t, i, stay_words, NULL)))
			return stay_value_in(t, i + n, i + n + CUE_AFTER);
		if ((n = tx_keywords(t, i, stay_words_near, NULL)))
			return stay_value_in(t, i + n, i + n + CUE_NEAR);
		/* "b. 1941": born, in lower case and right before the year
		 * ("Wing B. 2019" is not). */
		if (tx_at(t, i) == 'b' && tx_keyword(t, i, "b."))
			return life_value_in(t, i + 2, i + 2 + CUE_NEAR);
	}
	if (!tx_date_at(t, i, 0, &end, &year))
		return 0;
	return year >= 1900 && year <= t->year - BIRTH_AGE &&
	       four_digits_in(t, i, end);
}

/* Words before an age (age 92, edad 92, âge 92, Alter 92) and after one
 * (92 y/o, 92-year-old, 92 años, 92 ans, 92 Jahre). */
static const char *const age_before[] = {
	"age", "aged", "ages", "edad", "de edad", "alter", "im alter von",
	"agee de", "age de", NULL
};
static const char *const age_after[] = {
	"y/o", "yo", "y.o", "y o", "yr old", "yrs old", "yr-old", "year old",
	"year-old", "years old", "years-old", "yrs", "years", "years of age",
	"yoa", "anos", "ano", "ans", "jahre", "jahre alt", "jahrig",
	"jahriger", "jahrige", NULL
};

/* Units of time and of count after a number: it is not an age. */
static const char *const units[] = {
	"s", "sec", "secs", "second", "seconds", "ms", "min", "mins",
	"minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days",
	"week", "weeks", "month", "months", "times", "%", "minutos", "horas",
	"dias", "jours", "heures", "minuten", "stunden", "tage", NULL
};

static int unit_follows(const struct text *t, size_t k)
{
	if (tx_at(t, k) == ' ')
		k++;
	return tx_keywords(t, k, units, NULL) != 0;
}

/* Ninety and above in words, and the words for such an age. */
static const char *const old_words[] = {
	"ninety", "one hundred", "a hundred", "hundred", "nonagenarian",
	"centenarian", "noventa", "cien", "ciento", "quatre-vingt-dix",
	"nonante", "cent", "neunzig", "hundert", NULL
};

/* keyword kw right at k even when glued to the digits before (94yo), and
 * not followed by a letter. */
static int glued_keyword(const struct text *t, size_t k, const char *kw)
{
	size_t n = 0;

	for (; kw[n]; n++) {
		int c = tx_at(t, k + n);

		if (ch_fold(c) != (unsigned char)kw[n])
			return 0;
	}
	return !ch_letter(tx_at(t, k + n));
}

static int old_word_at(const struct text *t, size_t k)
{
	for (int w = 0; old_words[w]; w++)
		if (!ch_letter(tx_prev(t, k)) && glued_keyword(t, k, old_words[w]))
			return 1;
	return 0;
}

/* An age over 89 in [from, from+n): digits, not a longer number. */
static int old_age_digits(const struct text *t, size_t from, size_t n)
{
	return n >= 2 && n <= 3 && tx_number(t, from, n) >= AGE_LIMIT &&
	       tx_number(t, from, n) < 130 && tx_num_end_ok(t, from + n);
}

static int sex_letter(int c)
{
	return (c | 0x20) == 'f' || (c | 0x20) == 'm';
}

int phi_age_at(const struct text *t, size_t i)
{
	size_t n, k;

	/* F/94, m/91: sex and age as a chart writes them ("94/F" is too
	 * often a temperature in Fahrenheit). */
	if (sex_letter(tx_at(t, i)) && !ch_alnum(tx_prev(t, i)) &&
	    tx_at(t, i + 1) == '/')
		return old_age_digits(t, i + 2, tx_digits(t, i + 2));
	if (ch_letter(tx_at(t, i))) {
		/* ninety-three years old, a centenarian */
		if (old_word_at(t, i))
			return tx_keyword(t, i, "nonagenarian") ||
			       tx_keyword(t, i, "centenarian") ||
			       tx_keyword_in(t, i, i + 40, age_after);
		if (!(n = tx_keywords(t, i, age_before, NULL)))
			return 0;
		for (k = i + n; tx_at(t, k) == ' ' || tx_at(t, k) == ':' ||
		     tx_at(t, k) == '='; k++)
			;
		if (old_word_at(t, k))
			return 1;
		n = tx_digits(t, k);
		/* "queue aged 91 minutes", "age of backup 90 days" */
		return old_age_digits(t, k, n) && !unit_follows(t, k + n);
	}
	n = tx_digits(t, i);
	if (n < 2 || n > 3 || !tx_num_start_ok(t, i) ||
	    tx_number(t, i, n) < AGE_LIMIT || tx_number(t, i, n) >= 130)
		return 0;
	k = i + n;
	if (tx_at(t, k) == ' ' || tx_at(t, k) == '-')
		k++;
	for (int w = 0; age_after[w]; w++)
		if (glued_keyword(t, k, age_after[w]))
			return 1;
	return 0;
}

void phi_date_cues(phi_cue_sink add)
{
	for (int k = 0; life_words[k]; k++)
		add(life_words[k]);
	for (int k = 0; stay_words[k]; k++)
		add(stay_words[k]);
	for (int k = 0; stay_words_near[k]; k++)
		add(stay_words_near[k]);
	for (int k = 0; age_before[k]; k++)
		add(age_before[k]);
	for (int k = 0; old_words[k]; k++)
		add(old_words[k]);
	add("f/");
	add("m/");
	add("b.");
}
