/* phi_record — numbers that name a person's record, and places and links
 * that lead to one: medical record, chart, account, health-plan, member,
 * Medicare (MBI), licence and certificate numbers next to their cue;
 * street addresses and ZIP codes; URLs whose path names a patient or a
 * record. Lot, order and invoice numbers have no cue here: they pass. */
#include <string.h>
#include <strings.h>
#include "phi_rules.h"
#include "phi_words.h"

/* Cues with the digits the number after them needs: few after an
 * unambiguous cue, more after a common word. marked: the cue counts only
 * followed by ':', '#', '=' or "no"/"number" (DL: D1234567). */
struct record_cue {
	const char *kw;
	unsigned char min_digits;
	unsigned char marked;
};

static const struct record_cue record_cues[] = {
	{ "mrn", 3, 0 }, { "m.r.n", 3, 0 }, { "mr#", 3, 0 }, { "mr #", 3, 0 },
	{ "medical record", 3, 0 }, { "med rec", 3, 0 }, { "med. rec", 3, 0 },
	{ "patient id", 3, 0 }, { "patient number", 3, 0 }, { "pt id", 3, 0 },
	{ "pt#", 3, 0 }, { "pt #", 3, 0 }, { "pat id", 3, 0 },
	{ "member id", 3, 0 }, { "member number", 3, 0 }, { "member no", 3, 0 },
	{ "subscriber id", 3, 0 }, { "subscriber", 5, 0 },
	{ "hicn", 3, 0 }, { "mbi", 3, 0 }, { "medicaid", 3, 0 },
	{ "medicare", 3, 0 }, { "nhs number", 3, 0 }, { "nhs no", 3, 0 },
	{ "nhs", 6, 0 }, { "health card", 3, 0 }, { "ohip", 3, 0 },
	{ "health plan", 3, 0 }, { "plan id", 3, 0 }, { "group number", 3, 0 },
	{ "group no", 3, 0 }, { "policy number", 3, 0 }, { "policy no", 3, 0 },
	{ "insurance id", 3, 0 }, { "insurance number", 3, 0 },
	{ "beneficiary", 3, 0 }, { "encounter", 3, 0 }, { "fin", 5, 0 },
	{ "chart number", 3, 0 }, { "chart no", 3, 0 }, { "chart", 5, 0 },
	{ "hospital number", 3, 0 }, { "hosp no", 3, 0 },
	{ "case number", 3, 0 }, { "case no", 3, 0 },
	{ "account number", 3, 0 }, { "account", 4, 0 }, { "acct", 3, 0 },
	{ "acc", 5, 0 }, { "record", 5, 0 }, { "rec", 5, 0 },
	{ "member", 5, 0 }, { "visit", 5, 0 }, { "admission", 5, 0 },
	{ "insurance", 5, 0 }, { "policy", 5, 0 }, { "claim", 5, 0 },
	{ "enc", 5, 0 }, { "patient", 5, 0 }, { "pt", 5, 0 },
	{ "license plate", 3, 0 }, { "licence plate", 3, 0 },
	{ "drivers license", 3, 0 }, { "driver's license", 3, 0 },
	{ "driver license", 3, 0 }, { "driving licence", 3, 0 },
	{ "license number", 3, 0 }, { "licence number", 3, 0 },
	{ "license no", 3, 0 }, { "licence no", 3, 0 }, { "license", 6, 1 },
	{ "licence", 6, 1 }, { "dl", 5, 1 }, { "lic", 5, 1 },
	{ "certificate number", 3, 0 }, { "certificate no", 3, 0 },
	{ "cert no", 3, 0 }, { "birth certificate", 3, 0 },
	{ "death certificate", 3, 0 }, { "acte de naissance", 3, 0 },
	{ "acte de deces", 3, 0 }, { "acta de nacimiento", 3, 0 },
	{ "acta de defuncion", 3, 0 }, { "geburtsurkunde", 3, 0 },
	{ "sterbeurkunde", 3, 0 }, { "hospital", 5, 0 }, { "hosp", 5, 0 },
	{ "credit card", 3, 0 }, { "card number", 3, 0 }, { "card", 12, 0 },
	{ "visa", 12, 0 }, { "mastercard", 12, 0 }, { "amex", 12, 0 },
	{ "tarjeta sanitaria", 3, 0 }, { "tarjeta", 12, 0 },
	{ "carte", 12, 0 }, { "kreditkarte", 12, 0 }, { "karte", 12, 0 },
	{ "iban", 10, 0 }, { "krankenkasse", 6, 0 },
	{ "nhc", 4, 0 }, { "nir", 10, 0 }, { "vin", 8, 0 },
	{ "dni", 7, 0 }, { "nie", 7, 0 }, { "nif", 7, 0 },
	{ "cip", 8, 0 }, { "specimen id", 3, 0 }, { "specimen number", 3, 0 },
	{ "specimen no", 3, 0 }, { "accession number", 3, 0 },
	{ "accession no", 3, 0 }, { "accession", 4, 0 },
	{ "plate number", 3, 0 }, { "matricula", 3, 0 },
	{ "immatriculation", 3, 0 }, { "kennzeichen", 3, 0 },
	{ "passport", 5, 0 }, { "id card", 5, 0 },
	{ "expediente", 3, 0 }, { "historia clinica", 3, 0 },
	{ "numero de historia", 3, 0 }, { "n de historia", 3, 0 },
	{ "afiliado", 3, 0 }, { "numero de afiliado", 3, 0 },
	{ "dossier", 4, 0 }, { "numero de dossier", 3, 0 }, { "ipp", 4, 0 },
	{ "carte vitale", 3, 0 }, { "mutuelle", 4, 0 },
	{ "patientennummer", 3, 0 }, { "fallnummer", 3, 0 },
	{ "versichertennummer", 3, 0 }, { "krankenversicherungsnummer", 3, 0 },
	{ "versicherungsnummer", 3, 0 }, { "aktenzeichen", 3, 0 },
	{ NULL, 0, 0 }
};

static const char *const number_fillers[] = {
	"number", "num", "nbr", "no", "nr", "id", "is", "of", "numero", "nro",
	"n", "nummer", NULL
};

/* Past separators and filler words ("MRN: ", "acct no. ", "record # ");
 * *marked is set when a '#', ':', '=' or "no." marks what follows. */
static size_t skip_fillers(const struct text *t, size_t i, int *marked)
{
	for (int words = 0; words < 4; words++) {
		size_t n;
		int c;

		while ((c = tx_at(t, i)) == ' ' || c == '#' || c == ':' ||
		       c == '=' || c == '-' || c == '.' || c == ',' || c == '(') {
			*marked |= c == '#' || c == ':' || c == '=';
			i++;
		}
		if (!(n = tx_keywords(t, i, number_fillers, NULL)))
			break;
		*marked = 1;
		i += n;
	}
	return i;
}

/* The end of the number at j and its count of digits: letters and
 * digits, joined by dashes, and by single spaces after a group of three
 * or more with a digit ("4111 1111 1111 1111", an IBAN "DE89 3704"),
 * but not "visit 2 2024-03-05" or "record count 15000"; after any group
 * with a digit when the cue is a strong one ("Versicherungsnummer 12
 * 150380 W 123"). */
static size_t value_end(const struct text *t, size_t j, int strong,
			size_t *digits)
{
	size_t group = 0, group_digits = 0;

	*digits = 0;
	for (;; j++) {
		int c = tx_at(t, j);

		if (ch_alnum(c)) {
			*digits += ch_digit(c);
			group_digits += ch_digit(c);
			group++;
		} else if ((c == '-' && ch_alnum(tx_at(t, j + 1))) ||
			   (c == ' ' && (group >= 3 || strong) && group_digits &&
			    ch_digit(tx_at(t, j + 1)) &&
			    ch_digit(tx_at(t, j + 2)))) {
			group = group_digits = 0;
		} else {
			return j;
		}
	}
}

static int record_by_cue(const struct text *t, size_t i)
{
	size_t end, digits = 0, j, n = 0;
	int marked = 0, year, k;

	for (k = 0; record_cues[k].kw; k++)
		if ((n = tx_keyword(t, i, record_cues[k].kw)))
			break;
	if (!n)
		return 0;
	j = skip_fillers(t, i + n, &marked);
	/* DL D1234567: a licence's letter and digits need no mark. */
	if (record_cues[k].marked && !marked &&
	    !(ch_alpha(tx_at(t, j)) && tx_digits(t, j + 1) >= 6))
		return 0;
	if (!ch_alnum(tx_at(t, j)) || tx_date_at(t, j, 0, &end, &year))
		return 0;
	end = value_end(t, j, record_cues[k].min_digits <= 3, &digits);
	/* A decimal or a clock time ("policy 12345.5", "chart 10:30") is a
	 * measurement, not a number that names someone. */
	if ((tx_at(t, end) == '.' || tx_at(t, end) == ':') &&
	    ch_digit(tx_at(t, end + 1)))
		return 0;
	return digits >= (marked && record_cues[k].min_digits > 3
			  ? 3 : record_cues[k].min_digits);
}

/* A Medicare Beneficiary Identifier by its shape alone: 11 characters,
 * C A AN N A AN N A A N N (C = 1-9, A = a letter other than S L O I B Z),
 * with or without dashes after the 4th and 7th: 1EG4-TE5-MK73. */
static int mbi_char(int c, char kind)
{
	int letter = ch_alpha(c) && !strchr("SLOIBZ", c & ~0x20);

	switch (kind) {
	case 'C': return c >= '1' && c <= '9';
	case 'N': return ch_digit(c);
	case 'A': return letter;
	default: return letter || ch_digit(c);
	}
}

static int mbi_shape(const struct text *t, size_t i)
{
	static const char pattern[] = "CAXNAXNAANN";
	size_t j = i;

	if (!tx_num_start_ok(t, i))
		return 0;
	for (int k = 0; pattern[k]; k++, j++) {
		if ((k == 4 || k == 7) && tx_at(t, j) == '-')
			j++;
		if (!mbi_char(tx_at(t, j), pattern[k]))
			return 0;
	}
	return tx_num_end_ok(t, j);
}

int phi_record_at(const struct text *t, size_t i)
{
	if (ch_digit(tx_at(t, i)))
		return mbi_shape(t, i);
	return record_by_cue(t, i);
}

/* Street types in English, and the words that open a street's name in
 * Spanish and French. German names end in one (Hauptstraße 5). */
static const char *const street_types[] = {
	"street", "st", "avenue", "ave", "av", "road", "rd", "boulevard",
	"blvd", "drive", "dr", "lane", "ln", "court", "ct", "way", "place",
	"pl", "terrace", "ter", "circle", "cir", "highway", "hwy", "parkway",
	"pkwy", "square", "sq", "trail", "trl", "pike", "crescent", "cres",
	"close", "grove", "row", "alley", "expressway", "freeway", NULL
};
static const char *const street_openers[] = {
	"calle", "avenida", "avda", "av", "paseo", "plaza", "camino",
	"carretera", "c/", "rue", "avenue", "boulevard", "chemin",
	"allee", "impasse", "quai", "route", NULL
};
static const char *const street_suffixes[] = {
	"strase", "str", "weg", "gasse", "platz", "allee", NULL
};
/* A number after these is a room, a unit or a quantity, not a house. */
static const char *const not_house[] = {
	"room", "rm", "bed", "bay", "ward", "fridge", "freezer", "floor",
	"level", "unit", "station", "window", "desk", "door", "gate", "dock",
	"lot", "order", "invoice", "queue", "version", "build", "line", "row",
	"step", "port", "suite", "box", "bin", "shelf", "rack", "slot",
	"page", "item", "batch", "code", "error", "pc", "ticket", NULL
};

/* The word ending just before i, if any (skipping one space). */
static size_t word_before(const struct text *t, size_t i, size_t *start)
{
	size_t end = i;

	if (tx_prev(t, end) == ' ')
		end--;
	*start = end;
	while (*start > 0 && ch_alpha(tx_prev(t, *start)))
		(*start)--;
	return end - *start;
}

/* 123 Main St, 45 Oak Avenue, 1600 Pennsylvania Ave NW, 12 rue de la Paix. */
static int address_number_first(const struct text *t, size_t i)
{
	size_t n = tx_digits(t, i), j, start, w;

	if (n < 1 || n > 6 || !tx_num_start_ok(t, i))
		return 0;
	w = word_before(t, i, &start);
	if (w && tx_keywords(t, start, not_house, NULL))
		return 0;
	j = i + n;
	if (ch_alpha(tx_at(t, j)) && !ch_alpha(tx_at(t, j + 1)))
		j++;			/* 12B */
	if (tx_at(t, j) == ',')
		j++;
	if (tx_at(t, j) != ' ')
		return 0;
	j++;
	if (tx_keywords(t, j, street_openers, NULL))
		return tx_word_end(t, j + 1) > j;
	for (int words = 0; words < 4; words++) {
		size_t end = tx_word_end(t, j);

		if (end == j)
			return 0;
		if (words > 0 && tx_keywords(t, j, street_types, NULL)) {
			int c = tx_at(t, end);

			return !ch_alnum(c) && !(c == '.' && ch_alpha(tx_at(t, end + 1)));
		}
		j = end;
		if (tx_at(t, j) != ' ')
			return 0;
		j++;
	}
	return 0;
}

/* Whether the word s[i..end) is a German street name (Hauptstraße,
 * Mozartweg) or the street word itself after a name (Berliner Str.). */
static int german_street(const struct text *t, size_t i, size_t end)
{
	for (int k = 0; street_suffixes[k]; k++) {
		size_t len = strlen(street_suffixes[k]);

		if (end - i >= len &&
		    strncasecmp(t->s + end - len, street_suffixes[k], len) == 0 &&
		    (end - i > len + 2 ||
		     (end - i == len && tx_prev(t, i) == ' ')))
			return 1;
	}
	return 0;
}

/* Calle Mayor 12, Hauptstraße 5, Berliner Str. 12: the number after. */
static int address_word_first(const struct text *t, size_t i, int cue)
{
	size_t end = tx_word_end(t, i), j, n;
	int words;

	if (end == i)
		return 0;
	if (cue && tx_keywords(t, i, street_openers, NULL))
		words = 4;
	else if (german_street(t, i, end))
		words = 0;
	else
		return 0;
	for (j = end;;) {
		if (tx_at(t, j) == '.' || tx_at(t, j) == ',')
			j++;
		if (tx_at(t, j) != ' ')
			return 0;
		j++;
		if (ch_digit(tx_at(t, j)))
			break;
		if (words-- <= 0 || (n = tx_word_end(t, j)) == j)
			return 0;
		j = n;
	}
	n = tx_digits(t, j);
	return n <= 4 && tx_num_end_ok(t, j + n) &&
	       !(ch_dsep(tx_at(t, j + n)) && ch_digit(tx_at(t, j + n + 1)));
}

static const char *const zip_words[] = {
	"zip code", "zipcode", "zip", "postal code", "postcode", "post code",
	"codigo postal", "code postal", "cp", "plz", "postleitzahl", NULL
};

/* ZIP 90210, zip code 90210-1234, postcode SW1A 1AA, PLZ 10115. */
static int zip_by_cue(const struct text *t, size_t i)
{
	size_t n = tx_keywords(t, i, zip_words, NULL), j, d;

	if (!n)
		return 0;
	for (j = i + n; tx_at(t, j) == ' ' || tx_at(t, j) == ':' ||
	     tx_at(t, j) == '#' || tx_at(t, j) == '='; j++)
		;
	d = tx_digits(t, j);
	if (d == 4 || d == 5)
		return tx_num_end_ok(t, j + d) || tx_at(t, j + d) == '-';
	/* A UK postcode: A9 9AA .. AA9A 9AA. */
	d = 0;
	for (size_t k = j; k < j + 4 && ch_alnum(tx_at(t, k)); k++)
		d++;
	return d >= 2 && ch_alpha(tx_at(t, j)) && tx_at(t, j + d) == ' ' &&
	       ch_digit(tx_at(t, j + d + 1)) && ch_alpha(tx_at(t, j + d + 2)) &&
	       ch_alpha(tx_at(t, j + d + 3));
}

static const char *const box_words[] = {
	"po box", "p.o. box", "p o box", "pob", "post office box", "apartado",
	"boite postale", "postfach", NULL
};

/* PO Box 1234. */
static int po_box(const struct text *t, size_t i)
{
	size_t n = tx_keywords(t, i, box_words, NULL), j;

	if (!n)
		return 0;
	for (j = i + n; tx_at(t, j) == ' ' || tx_at(t, j) == '#' ||
	     tx_at(t, j) == ':'; j++)
		;
	return tx_digits(t, j) >= 1;
}

/* Springfield, IL 62704: a place, a state's two capitals and a ZIP code. */
static int city_state_zip(const struct text *t, size_t i)
{
	size_t end = tx_word_end(t, i), j = end, d;

	if (end - i < 3 || !ch_upper(tx_at(t, i)))
		return 0;
	if (tx_at(t, j) == ',')
		j++;
	if (tx_at(t, j) != ' ' || !ch_upper(tx_at(t, j + 1)) ||
	    !ch_upper(tx_at(t, j + 2)) || tx_at(t, j + 3) != ' ')
		return 0;
	d = tx_digits(t, j + 4);
	return d == 5 && (tx_num_end_ok(t, j + 9) || tx_at(t, j + 9) == '-');
}

/* "Am Markt 3, 80331 München": a postcode of five digits between the
 * comma after a house number and a city, a word of no list. */
static int postcode_city(const struct text *t, size_t i)
{
	size_t end, k;
	int house = 0;

	if (i < 2 || tx_prev(t, i) != ' ' || tx_prev(t, i - 1) != ',' ||
	    tx_digits(t, i) != 5 || tx_at(t, i + 5) != ' ' ||
	    !ch_upper(tx_at(t, i + 6)))
		return 0;
	for (k = i - 2; k > 0 && i - k < 40 && tx_prev(t, k) != ',' &&
	     tx_prev(t, k) != '.'; k--)
		house |= ch_digit(tx_prev(t, k));
	end = tx_word_end(t, i + 6);
	return house && end - (i + 6) >= 3 && !ch_alnum(tx_at(t, end)) &&
	       !(phi_word_flags(t->s + i + 6, end - i - 6) &
		 (W_OPER | W_ENGLISH));
}

int phi_address_at(const struct text *t, size_t i, int cue)
{
	if (ch_digit(tx_at(t, i)))
		return address_number_first(t, i) || postcode_city(t, i);
	return (cue && (zip_by_cue(t, i) || po_box(t, i))) ||
	       address_word_first(t, i, cue) || city_state_zip(t, i);
}

/* Path segments and query keys that name a person or a record. */
static const char *const url_keys[] = {
	"patient", "patients", "pt", "pat", "mrn", "chart", "charts",
	"record", "records", "person", "persons", "people", "member",
	"members", "dob", "ssn", "name", "firstname", "lastname", "first_name",
	"last_name", "fullname", "patientid", "patient_id", "pid", "paciente",
	"pacientes", "patienten", NULL
};

/* http(s)://host/…/patients/12345 or …?mrn=… or …/patient/john-smith. */
int phi_url_at(const struct text *t, size_t i)
{
	size_t j = i, n;

	if (tx_keyword(t, i, "http") || tx_keyword(t, i, "https")) {
		j = i + (tx_at(t, i + 4) == 's' || tx_at(t, i + 4) == 'S' ? 5 : 4);
		if (tx_at(t, j) != ':' || tx_at(t, j + 1) != '/')
			return 0;
	} else if (!tx_keyword(t, i, "www")) {
		return 0;
	}
	for (; j < t->len && tx_at(t, j) != ' ' && tx_at(t, j) != '"'; j++) {
		int c = tx_at(t, j);

		if (c != '/' && c != '?' && c != '&' && c != ';')
			continue;
		if (!(n = tx_keywords(t, j + 1, url_keys, NULL)))
			continue;
		c = tx_at(t, j + 1 + n);
		if ((c == '/' || c == '=' || c == ':' || c == '?') &&
		    ch_alnum(tx_at(t, j + 2 + n)))
			return 1;
	}
	return 0;
}

void phi_record_cues(phi_cue_sink add)
{
	for (int k = 0; record_cues[k].kw; k++)
		add(record_cues[k].kw);
	for (int k = 0; street_openers[k]; k++)
		add(street_openers[k]);
	for (int k = 0; zip_words[k]; k++)
		add(zip_words[k]);
	for (int k = 0; box_words[k]; k++)
		add(box_words[k]);
	add("http");
	add("https");
	add("www");
}
