/* phi_name — a patient's name introduced by patient / pt / name / Mr / Mrs.
 *
 * A name is a capitalised word ("Smith", "O'Brien", "McDonald", "José")
 * or a SURNAME, GIVEN pair in capitals, right after the introducing word
 * and its punctuation. Operational text often puts a capitalised noun
 * there too ("Patient Portal down", "Name: Fridge 2"); those nouns are
 * listed below, and a "name" that belongs to a thing ("device name",
 * "file name") introduces nothing. */
#include <string.h>
#include "phi_context.h"

static const char *const intro_words[] = {
	"patient", "pt", "pat", "name", "named", "mr", "mrs", "ms", "miss",
	"mx", NULL
};

static const char *const name_fillers[] = {
	"name", "named", "is", "called", "was", "mr", "mrs", "ms", NULL
};

/* Capitalised words that follow "patient", "pt" or "name" in
 * operational messages. */
static const char *const not_names[] = {
	"access", "admission", "admissions", "alarm", "alarms", "app", "area",
	"arrival", "arrivals", "bay", "bed", "beds", "board", "call", "care",
	"census", "chair", "chart", "charts", "check", "clinic", "count",
	"data", "department", "dept", "desk", "discharge", "discharges",
	"display", "education", "entrance", "escort", "eval", "evaluation",
	"experience", "field", "floor", "flow", "food", "freezer", "fridge",
	"front", "gym", "id", "info", "information", "intake", "kiosk", "lab",
	"label", "labels", "lift", "line", "lines", "list", "load", "lookup",
	"lounge", "meal", "meals", "menu", "monitor", "monitoring", "none",
	"not", "note", "notes", "office", "parking", "pharmacy", "portal",
	"printer", "pump", "pumps", "queue", "queues", "record", "records",
	"registration", "room", "rooms", "safety", "scale", "schedule",
	"search", "service", "services", "session", "sessions", "staff",
	"station", "status", "sync", "team", "test", "the", "therapy",
	"tracker", "tracking", "transfer", "transport", "unit", "unknown",
	"vitals", "volume", "wait", "waiting", "ward", "weight", "wheelchair",
	"wing", "wristband", "wristbands", "and", "for", "in", "on", "at",
	"to", "from", "with", "no", "all", "any", "flagged", "field", "column",
	"satisfaction", "survey", "feedback", "identifier", "placeholder",
	"redacted", "anonymous", "demo", "sample", "coffee", "teams",
	"word", "excel", "edge", "outlook", "windows", NULL
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
	"alarm", "kind", "screen", "display", "zone", "feed", "channel",
	"account", "login", "short", "code", "short", "setting", NULL
};

static int in_list(const struct text *t, size_t i, size_t end,
		   const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (strlen(list[k]) == end - i && tx_keyword(t, i, list[k]))
			return 1;
	return 0;
}

static int ch_letter(int c)
{
	return ch_alpha(c) || c >= 0x80;
}

/* Smith, O'Brien, Smith-Jones, McDonald, José: its end, or 0. */
static size_t name_word(const struct text *t, size_t i)
{
	size_t j = i + 1;
	int c = tx_at(t, i);

	if (!ch_upper(c) && c < 0x80)
		return 0;
	if (tx_at(t, j) == '\'' && ch_upper(tx_at(t, j + 1)))
		j += 2;		/* O'Brien */
	if (!ch_lower(tx_at(t, j)) && tx_at(t, j) < 0x80)
		return 0;
	for (;; j++) {
		c = tx_at(t, j);
		if (ch_letter(c))
			continue;
		if ((c == '\'' || c == '-') && ch_letter(tx_at(t, j + 1)))
			continue;
		break;
	}
	/* Report.pdf, getName(, user_name, Fridge2: a file or a symbol. */
	if (ch_digit(c) || c == '_' || c == '(' ||
	    ((c == '.' || c == ':' || c == '/') && ch_alnum(tx_at(t, j + 1))))
		return 0;
	return j;
}

/* SMITH, JOHN — the way clinical systems print a patient. */
static int caps_pair(const struct text *t, size_t i)
{
	size_t j = i;

	while (ch_upper(tx_at(t, j)))
		j++;
	if (j - i < 2 || tx_at(t, j) != ',')
		return 0;
	j += tx_at(t, j + 1) == ' ' ? 2 : 1;
	i = j;
	while (ch_upper(tx_at(t, j)))
		j++;
	return j - i >= 2 && !ch_alnum(tx_at(t, j));
}

static size_t skip_intro(const struct text *t, size_t i)
{
	for (int words = 0; words < 3; words++) {
		size_t n;
		int c;

		while ((c = tx_at(t, i)) == ' ' || c == ':' || c == '=' ||
		       c == '-' || c == '#' || c == '"' || c == '\'' || c == '.')
			i++;
		if (!(n = tx_keywords(t, i, name_fillers, NULL)))
			break;
		i += n;
	}
	return i;
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
	return start < end && in_list(t, start, end, thing_words);
}

int phi_name_rule(const struct text *t, size_t i)
{
	int which;
	size_t n = tx_keywords(t, i, intro_words, &which), j, end;

	if (!n)
		return 0;
	if ((which == 3 || which == 4) && after_thing(t, i))
		return 0;
	/* Titles count only as written before a name ("Ms Lee", not "250 ms"). */
	if (which >= 5 && !ch_upper(tx_at(t, i)))
		return 0;
	j = skip_intro(t, i + n);
	if (j == i + n && tx_at(t, j) != ' ')
		return 0;
	if (caps_pair(t, j))
		return 1;
	if (!(end = name_word(t, j)) || in_list(t, j, end, not_names))
		return 0;
	/* "Name Fridge 2", "Patient Room 12": a thing with a number. */
	return !(tx_at(t, end) == ' ' && ch_digit(tx_at(t, end + 1)));
}
