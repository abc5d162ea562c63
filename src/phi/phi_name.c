/* phi_name — a person's name: after a cue word (patient, pt, Mrs, Herr,
 * paciente, Mme, name:, next of kin…) in any letter case, or a first name
 * and a surname side by side (John Smith, SMITH, JOHN, K. Nguyen).
 *
 * Whether a word is a name comes from real lists (phi_words.h): census
 * first names and surnames and other countries' lists. Those lists also
 * hold words of the trade (Lab, Room, Ward, Hall are surnames too), so a
 * word of the facility's operations never counts, and a common English
 * word ("rose", "young") counts only where something else says "name":
 * a capital letter, a common name beside it, or a cue. A capitalised
 * word after a cue that is in no list and is no English word ("Patient
 * Xochitl") is taken for a name too. */
#include <string.h>
#include "phi_rules.h"
#include "phi_words.h"

enum cue_kind { CUE_PERSON, CUE_TITLE, CUE_NAME, CUE_PLACE };

struct cue {
	const char *kw;
	enum cue_kind kind;
};

static const struct cue cues[] = {
	{ "patient(e)", CUE_PERSON }, { "patient(in)", CUE_PERSON },
	{ "patient/in", CUE_PERSON }, { "bewohner(in)", CUE_PERSON },
	{ "patient", CUE_PERSON }, { "patients", CUE_PERSON },
	{ "pt", CUE_PERSON }, { "pt.", CUE_PERSON }, { "pat", CUE_PERSON },
	{ "resident", CUE_PERSON }, { "client", CUE_PERSON },
	{ "next of kin", CUE_PERSON }, { "nok", CUE_PERSON },
	{ "emergency contact", CUE_PERSON }, { "wife", CUE_PERSON },
	{ "husband", CUE_PERSON }, { "spouse", CUE_PERSON },
	{ "daughter", CUE_PERSON }, { "son", CUE_PERSON },
	{ "mother", CUE_PERSON }, { "father", CUE_PERSON },
	{ "guardian", CUE_PERSON }, { "caregiver", CUE_PERSON },
	{ "baby", CUE_PERSON }, { "twin", CUE_PERSON }, { "infant", CUE_PERSON },
	{ "newborn", CUE_PERSON }, { "bebe", CUE_PERSON },
	{ "paciente", CUE_PERSON }, { "pacienta", CUE_PERSON },
	{ "patiente", CUE_PERSON }, { "patientin", CUE_PERSON },
	{ "patienten", CUE_PERSON }, { "residente", CUE_PERSON },
	{ "bewohner", CUE_PERSON }, { "bewohnerin", CUE_PERSON },
	{ "mr", CUE_TITLE }, { "mrs", CUE_TITLE }, { "ms", CUE_TITLE },
	{ "mx", CUE_TITLE }, { "miss", CUE_TITLE }, { "mister", CUE_TITLE },
	{ "herr", CUE_TITLE }, { "herrn", CUE_TITLE }, { "frau", CUE_TITLE },
	{ "hr", CUE_TITLE }, { "dona", CUE_TITLE }, { "nee", CUE_TITLE },
	{ "geborene", CUE_TITLE }, { "maiden name", CUE_NAME },
	{ "fr", CUE_TITLE }, { "mme", CUE_TITLE }, { "mlle", CUE_TITLE },
	{ "madame", CUE_TITLE }, { "monsieur", CUE_TITLE },
	{ "sr", CUE_TITLE }, { "sra", CUE_TITLE }, { "srta", CUE_TITLE },
	{ "senor", CUE_TITLE }, { "senora", CUE_TITLE },
	{ "senorita", CUE_TITLE }, { "sig", CUE_TITLE }, { "sigra", CUE_TITLE },
	{ "signor", CUE_TITLE }, { "signora", CUE_TITLE },
	{ "name", CUE_NAME }, { "named", CUE_NAME }, { "nombre", CUE_NAME },
	{ "nom", CUE_NAME }, { "prenom", CUE_NAME }, { "vorname", CUE_NAME },
	{ "nachname", CUE_NAME }, { "surname", CUE_NAME },
	{ "first name", CUE_NAME }, { "last name", CUE_NAME },
	{ "full name", CUE_NAME }, { "apellido", CUE_NAME },
	{ "apellidos", CUE_NAME }, { "called", CUE_NAME },
	{ "bed", CUE_PLACE }, { "room", CUE_PLACE }, { "rm", CUE_PLACE },
	{ "bay", CUE_PLACE }, { "cama", CUE_PLACE }, { "habitacion", CUE_PLACE },
	{ "lit", CUE_PLACE }, { "chambre", CUE_PLACE }, { "bett", CUE_PLACE },
	{ "zimmer", CUE_PLACE }, { NULL, CUE_PERSON }
};

static const char *const fillers[] = {
	"name", "named", "is", "called", "was", "se llama", "llamado",
	"llamada", "heist", "s'appelle", "est", "mr", "mrs", "ms", NULL
};

/* Nouns whose "name" is the name of a thing, not a person. */
static const char *const thing_words[] = {
	"device", "file", "host", "user", "queue", "board", "display",
	"printer", "service", "server", "field", "column", "table", "database",
	"db", "pc", "computer", "machine", "app", "process", "package",
	"module", "method", "class", "function", "variable", "key", "domain",
	"product", "model", "station", "location", "room", "unit", "ward",
	"site", "network", "wifi", "ssid", "brand", "vendor", "drug",
	"medication", "item", "test", "report", "folder", "path", "directory",
	"branch", "tag", "container", "image", "node", "cluster", "shift",
	"team", "department", "clinic", "facility", "company", "sensor",
	"alarm", "kind", "screen", "zone", "feed", "channel", "account",
	"login", "code", "setting", "display", "short", "group", "list",
	"field", "share", "sheet", "tab", "form", "template", "event", NULL
};

/* What a facility keeps for one patient, labelled with the name:
 * "Jones's insulin", "kowalski's vaccines". */
static const char *const belongings[] = {
	"insulin", "vaccine", "vaccines", "meds", "medication", "medications",
	"medicine", "medicines", "pills", "tablets", "inhaler", "epipen",
	"eye drops", "drops", "prescription", "rx", "specimen", "specimens",
	"sample", "samples", "blood", "urine", "labs", "results", "chart",
	"tray", "meal", "belongings", "bag", "formula", "milk", "breast milk",
	"breastmilk", "feeds", "feed", "dressing", "dressings", "wheelchair",
	"walker", "glasses", "hearing aid", "dentures", "family", "daughter",
	"son", "wife", "husband", "mother", "father", NULL
};

/* Makers of the trade named after their founders: "Karl Storz scope 2"
 * is a device, not a person. */
static const char *const makers[] = {
	"carl zeiss", "karl storz", "paul hartmann", "hans rudolph",
	"fisher paykel", "fisher & paykel", "welch allyn", "becton dickinson",
	"beckman coulter", "smiths medical", "pierre fabre", "grant thornton",
	"ernst young", "ernst & young", "heinz nixdorf", "thermo fisher",
	"johnson & johnson", "johnson controls", "bausch & lomb",
	"bausch lomb", "arjo huntleigh", "william demant",
	"edwards lifesciences", "fresenius kabi", "otto bock", NULL
};

/* What breaks or is reported at a bed or a room, in the four languages,
 * where the word is also a name in some list: "cama 4 luz no funciona",
 * "Bett 4 Licht geht nicht", "lit 4 lampe en panne". */
static const char *const bedside_things[] = {
	"luz", "timbre", "lampara", "bomba", "cable", "enchufe", "agua",
	"ventana", "puerta", "mesa", "silla", "armario", "bano", "ducha",
	"aire", "calefaccion", "pantalla", "telefono", "oxigeno", "grifo",
	"libre", "ocupada", "ocupado", "limpia", "sucia", "rota", "roto",
	"lumiere", "sonnette", "lampe", "pompe", "prise", "eau", "fenetre",
	"table", "chaise", "armoire", "douche", "chauffage", "ecran",
	"occupe", "occupee", "propre", "sale", "casse", "cassee",
	"klingel", "licht", "fenster", "ruf", "notruf", "schalter",
	"stecker", "kabel", "waage", "drucker", "pumpe", "tisch", "schrank",
	"kasten", "wasser", "strom", "netz", "maus", "funk", "pieper",
	"heizung", "telefon", "fernseher", "dusche", "leer", "voll", "neu",
	"alt", "frei", "belegt", "sauber", "schmutzig", "kaputt", "defekt",
	"weiss", "schwarz", "rot", "gruen", "blau", "gelb", "morgen", "abend",
	"frueh", "dienst", "pfleger", "essen", "light", "bell", "call", "lamp",
	"pump", "tv", "phone", "window", "blind", "blinds", "sink", "toilet",
	"shower", "heater", "free", "clean", "dirty", "broken", "empty",
	"occupied", NULL
};

/* The particles of surnames: van der Berg, De Niro, da Silva. */
static const char *const particles[] = {
	"van", "von", "de", "der", "den", "del", "della", "di", "da", "du",
	"le", "la", "dos", "das", "ter", "ten", "vander", "zu", NULL
};

struct word {
	size_t start, end;
	unsigned flags;		/* W_* of the word or of its parts */
	int oper;		/* every part an operational word */
	int capital;		/* starts with a capital (or is in capitals) */
	int glued;		/* a digit or code right after: Fridge2, getName( */
	int joined;		/* '.' or '_' and a letter after: john.smith */
	int possessive;		/* Smith's, Jones' */
};

/* The word at i with its flags; 0 when no word starts there. */
static int word_at(const struct text *t, size_t i, struct word *w)
{
	size_t part = i;
	int c;

	w->start = i;
	w->end = tx_word_end(t, i);
	if (w->end == i)
		return 0;
	/* Smith's: the possessive is not part of the name. */
	w->possessive = tx_at(t, w->end) == '\'' &&
			(tx_at(t, w->end - 1) | 0x20) == 's';
	if (w->end - i > 3 && tx_at(t, w->end - 2) == '\'' &&
	    (tx_at(t, w->end - 1) | 0x20) == 's') {
		w->end -= 2;
		w->possessive = 1;
	}
	w->flags = phi_word_flags(t->s + i, w->end - i);
	w->oper = (w->flags & W_OPER) != 0;
	if (!w->flags) {
		/* Smith-Jones, Nakamura-Smith: the parts of a compound. */
		w->oper = 1;
		for (size_t k = i; k <= w->end; k++) {
			if (k < w->end && tx_at(t, k) != '-')
				continue;
			unsigned f = phi_word_flags(t->s + part, k - part);

			w->flags |= f & ~(unsigned)W_OPER;
			w->oper = w->oper && (f & W_OPER);
			part = k + 1;
		}
	}
	w->capital = ch_upper(tx_at(t, i));
	c = tx_at(t, w->end);
	w->glued = ch_digit(c) || c == '(' ||
		   ((c == ':' || c == '/' || c == '\\') &&
		    ch_alnum(tx_at(t, w->end + 1)));
	w->joined = (c == '.' || c == '_') && ch_alnum(tx_at(t, w->end + 1));
	return 1;
}

/* How sure a word alone makes us that it is a name. after_cue: 1 after
 * "name:" and the like, 2 after a person's cue or a title, where even a
 * common name that is an English word ("patient smith") counts. */
static int name_word(const struct word *w, int after_cue)
{
	if (w->oper || w->glued || w->joined || w->end - w->start < 2)
		return 0;
	if (w->flags & (W_FIRST | W_LAST))
		return !(w->flags & W_ENGLISH) || w->capital ||
		       (after_cue > 1 && (w->flags & (W_FIRST_TOP | W_LAST_TOP)));
	/* In no list: a capitalised word that is no English word. */
	return after_cue && w->capital && !(w->flags & W_ENGLISH);
}

/* The word after a single separator: ' ', '.', '_' or ", " (comma set). */
static int next_word(const struct text *t, size_t end, struct word *w,
		     int *comma)
{
	size_t j = end;

	*comma = 0;
	if (tx_at(t, j) == ',') {
		*comma = 1;
		j++;
	}
	if (tx_at(t, j) == ' ' || (!*comma && (tx_at(t, j) == '.' ||
					      tx_at(t, j) == '_')))
		j++;
	else if (!*comma)
		return 0;
	return word_at(t, j, w);
}

/* John Smith, SMITH, JOHN, john smith (common names), Maria Lopez. */
static int pair_is_name(const struct word *a, const struct word *b,
			int comma)
{
	const struct word *first = comma ? b : a, *last = comma ? a : b;
	unsigned ff = first->flags, lf = last->flags;

	if (a->oper || b->oper || a->glued || !(ff & W_FIRST) || !(lf & W_LAST) ||
	    a->end - a->start < 2 || b->end - b->start < 2)
		return 0;
	if (a->capital && b->capital)
		return 1;
	if (!(ff & W_ENGLISH) && !(lf & W_ENGLISH))
		return 1;
	return (ff & W_FIRST_TOP) && (lf & W_LAST_TOP) &&
	       !((ff & W_ENGLISH) && (lf & W_ENGLISH));
}

/* K. Nguyen, J Smith: an initial and a surname. dotted: the initial has
 * its full stop, which makes it one without a cue. */
static int initial_name_at(const struct text *t, size_t i, int cued)
{
	struct word w;
	size_t j = i + 1;

	if (!ch_upper(tx_at(t, i)) || ch_letter(tx_at(t, i + 1)) ||
	    ch_letter(tx_prev(t, i)))
		return 0;
	if (tx_at(t, j) == '.')
		j++;
	else if (!cued)
		return 0;
	if (tx_at(t, j) == ' ')
		j++;
	if (!word_at(t, j, &w) || !(w.flags & W_LAST) || w.oper || w.glued)
		return 0;
	return w.capital || cued;
}

/* The word before i ("device" in "device name"): whether it is a thing. */
static int after_thing(const struct text *t, size_t i)
{
	size_t end = i, start;

	while (end > 0 && (tx_prev(t, end) == ' ' || tx_prev(t, end) == '_'))
		end--;
	start = end;
	while (start > 0 && ch_alpha(tx_prev(t, start)))
		start--;
	if (start == end)
		return 0;
	for (int k = 0; thing_words[k]; k++)
		if (tx_keyword(t, start, thing_words[k]) == end - start)
			return 1;
	return 0;
}

static size_t skip_intro(const struct text *t, size_t i)
{
	for (int words = 0; words < 3; words++) {
		size_t n;
		int c;

		while ((c = tx_at(t, i)) == ' ' || c == ':' || c == '=' ||
		       c == '-' || c == '#' || c == '"' || c == '\'' ||
		       c == '.' || c == ',' || c == '(' || c == ')')
			i++;
		if (!(n = tx_keywords(t, i, fillers, NULL)))
			break;
		i += n;
	}
	return i;
}

/* Past one to three particles and their spaces; i when there are none. */
static size_t skip_particles(const struct text *t, size_t i)
{
	size_t j = i, n;

	for (int k = 0; k < 3 && (n = tx_keywords(t, j, particles, NULL)) &&
	     tx_at(t, j + n) == ' ' && ch_letter(tx_at(t, j + n + 1)); k++)
		j += n + 1;
	return j;
}

/* A capitalised surname after particles at i ("van der Berg", "De
 * Niro"); strength as in name_word. */
static int particle_name_at(const struct text *t, size_t i, int strength)
{
	size_t j = skip_particles(t, i);
	struct word w;

	return j != i && word_at(t, j, &w) && w.capital &&
	       name_word(&w, strength);
}

/* "Alvarez room 4", "Garcia - rm 2": a room and its number right after
 * end. Not a bed or a bay: "Stryker bed 4" and "Hill-Rom bed 12" are
 * the beds' makers. */
static const char *const rooms[] = {
	"room", "rm", "habitacion", "chambre", "zimmer", NULL
};

static int room_follows(const struct text *t, size_t end)
{
	size_t j = end, n;

	while (tx_at(t, j) == ' ' || tx_at(t, j) == ',' || tx_at(t, j) == '-' ||
	       tx_at(t, j) == ':' || tx_at(t, j) == '(')
		j++;
	if (!(n = tx_keywords(t, j, rooms, NULL)))
		return 0;
	j += n;
	while (tx_at(t, j) == ' ' || tx_at(t, j) == '#' || tx_at(t, j) == '.')
		j++;
	return ch_digit(tx_at(t, j));
}

/* A word at j that a name list has and that name_word takes alone. */
static int listed_name_at(const struct text *t, size_t j)
{
	struct word w;

	return word_at(t, j, &w) && (w.flags & (W_FIRST | W_LAST)) &&
	       name_word(&w, 0);
}

/* A bed or room cue: "bed 4: K. Nguyen", "room 12 - j smith". */
static int place_cue(const struct text *t, size_t i, size_t n)
{
	size_t j = i + n, d;

	while (tx_at(t, j) == ' ' || tx_at(t, j) == '#')
		j++;
	d = tx_digits(t, j);
	if (!d)
		return 0;
	j += d;
	if (ch_alpha(tx_at(t, j)) && !ch_letter(tx_at(t, j + 1)))
		j++;		/* bed 4B */
	j = skip_intro(t, j);
	if (tx_keywords(t, j, bedside_things, NULL))
		return 0;
	return initial_name_at(t, j, 1) || listed_name_at(t, j);
}

static int cue_at(const struct text *t, size_t i)
{
	struct word w, w2;
	size_t n = 0, j;
	int k, comma, strength;

	for (k = 0; cues[k].kw; k++)
		if ((n = tx_keyword(t, i, cues[k].kw)))
			break;
	if (!n)
		return 0;
	if (cues[k].kind == CUE_PLACE)
		return place_cue(t, i, n);
	/* "250 ms", "2 pt": units after a number, not titles. */
	if (ch_digit(tx_prev(t, i)) ||
	    (tx_prev(t, i) == ' ' && ch_digit(tx_prev(t, i - 1))))
		return 0;
	if (cues[k].kind == CUE_NAME && after_thing(t, i))
		return 0;
	j = skip_intro(t, i + n);
	if (j == i + n && tx_at(t, j) != ' ')
		return 0;
	if (initial_name_at(t, j, 1))
		return 1;
	strength = cues[k].kind == CUE_NAME ? 1 : 2;
	if (particle_name_at(t, j, strength))
		return 1;
	if (!word_at(t, j, &w))
		return 0;
	if (name_word(&w, strength))
		return 1;
	/* Mr Hall, Pt Ward: after a person's cue or a title, the trade words
	 * that are common surnames too, capitalised (phi_words.h W_SOFT). */
	if (w.capital && !w.glued && !w.joined && strength == 2 &&
	    (w.flags & W_SOFT))
		return 1;
	/* patient rose smith, pt jurgen rivera: a weak or unknown first word
	 * made sure by the next. */
	return !w.oper && (w.flags & (W_FIRST | W_ENGLISH)) != W_ENGLISH &&
	       next_word(t, w.end, &w2, &comma) && !comma &&
	       name_word(&w2, strength);
}

/* After surname a: ", S." with its full stop. ("WILLIAMS J" on a label
 * is too often a maker and a model: "BAXTER A pump".) */
static int surname_initial(const struct text *t, const struct word *a,
			   int comma)
{
	size_t j = a->end + 1;

	return comma && tx_at(t, j) == ' ' && ch_upper(tx_at(t, j + 1)) &&
	       tx_at(t, j + 2) == '.';
}

/* Whether i is inside the folder name of a Windows profile or a Unix
 * home (C:\Users\Maria.Garcia\, /home/jdoe/): an account's name, a
 * member of staff by design, like the "user" key. Not a link's path:
 * example.com/users/john.smith stays a person's page. */
static int in_profile_folder(const struct text *t, size_t i)
{
	size_t k = i;
	int sep;

	while (k > 0 && i - k < 64 && tx_prev(t, k) != '\\' &&
	       tx_prev(t, k) != '/')
		k--;
	sep = tx_prev(t, k);
	if (k < 6 || (sep != '\\' && sep != '/'))
		return 0;
	if (sep == '\\')
		return tx_keyword(t, k - 6, "users") == 5 &&
		       tx_prev(t, k - 6) == '\\';
	return tx_keyword(t, k - 5, "home") == 4 && tx_prev(t, k - 5) == '/' &&
	       (k == 6 || tx_prev(t, k - 6) == ' ');
}

static int name_at(const struct text *t, size_t i, int cue)
{
	struct word a, b;
	int comma;

	if ((cue && cue_at(t, i)) || initial_name_at(t, i, 0))
		return 1;
	if (!word_at(t, i, &a))
		return 0;
	/* A name alone where only a person's would stand: a surname before
	 * a room number, or a name owning a patient's things. */
	if ((a.flags & (W_FIRST | W_LAST)) && !(a.flags & W_ENGLISH) &&
	    name_word(&a, 0) &&
	    ((room_follows(t, a.end) && !(a.flags & W_FIRST)) ||
	     (a.possessive && tx_keyword_in(t, a.end, a.end + 4, belongings))))
		return 1;
	if (!next_word(t, a.end, &b, &comma))
		return 0;
	if (pair_is_name(&a, &b, comma))
		return 1;
	/* SMITH_JOHN, smith.john: an id names the surname first as often. */
	if (a.joined && (a.capital == b.capital) && pair_is_name(&a, &b, 1) &&
	    !b.joined)
		return 1;
	/* Smith John: capitals, the surname first. */
	if (!comma && a.capital && b.capital && (a.flags & W_LAST) &&
	    (b.flags & W_FIRST_TOP) && !(b.flags & W_ENGLISH) && !a.oper &&
	    !b.oper && !a.glued && !b.glued)
		return 1;
	/* Lucia Adeyemi: a first name and a surname no list knows. */
	if (!comma && (a.flags & W_FIRST) && !(a.flags & W_ENGLISH) && !a.oper &&
	    (a.flags & (W_LAST | W_FIRST_TOP)) != W_LAST &&
	    !a.glued && !a.joined && !b.flags && !b.glued && !b.joined &&
	    b.end - b.start >= 3 && (b.capital || !a.capital))
		return 1;
	/* Connor, S.: a surname and an initial, as a list writes them. */
	if ((a.flags & W_LAST) && !(a.flags & W_ENGLISH) && !a.oper &&
	    !a.glued && !a.joined && a.capital && a.end - a.start >= 3 &&
	    surname_initial(t, &a, comma))
		return 1;
	/* Fatima Zahra, Mei Ling: two capitalised first names, neither an
	 * English word nor one of the trade. */
	if (!comma && a.capital && b.capital && (a.flags & W_FIRST) &&
	    (b.flags & (W_FIRST | W_LAST)) &&
	    !((a.flags | b.flags) & W_ENGLISH) && !a.oper && !b.oper &&
	    !a.glued && !b.glued && !a.joined && !b.joined &&
	    a.end - a.start >= 2 && b.end - b.start >= 2)
		return 1;
	/* Robert De Niro, Ana da Silva: a first name, particles, a surname. */
	if (!comma && (a.flags & W_FIRST) &&
	    (!(a.flags & W_ENGLISH) || a.capital) &&
	    !a.oper && !a.glued && !a.joined && a.end - a.start >= 2 &&
	    particle_name_at(t, b.start, 1))
		return 1;
	/* John Q. Smith: a middle initial between. */
	if (!comma && b.end - b.start == 1 && ch_upper(tx_at(t, b.start))) {
		size_t j = b.end + (tx_at(t, b.end) == '.');
		struct word c;

		return tx_at(t, j) == ' ' && word_at(t, j + 1, &c) &&
		       pair_is_name(&a, &c, 0);
	}
	return 0;
}

/* A maker's name and a profile's folder are looked for only once a name
 * is found: most words are none, and the screen's cost is in the words. */
int phi_name_at(const struct text *t, size_t i, int cue)
{
	return name_at(t, i, cue) && !tx_keywords(t, i, makers, NULL) &&
	       !in_profile_folder(t, i);
}

void phi_name_cues(phi_cue_sink add)
{
	for (int k = 0; cues[k].kw; k++)
		add(cues[k].kw);
}
