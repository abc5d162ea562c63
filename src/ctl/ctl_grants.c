/* ctl_grants — the wanted privileges, from the `-- @grant` lines.
 *
 *   -- @grant KIND table …            every program account and the CLI's
 *   -- @grant ACCOUNT KIND table …    one account (auth portal sync purge app)
 *
 * KIND is rw (SELECT INSERT UPDATE DELETE), log (SELECT INSERT), ro
 * (SELECT), none, end (SELECT of id and user_id, DELETE: may end a user's
 * rows without reading them), or letters of "siud". Files are read in
 * order and a later line wins for each account and table it names, so a
 * new table is granted to every program until a line narrows it. The purge
 * account gets only what names it. Every name that later goes into GRANT
 * text is checked against a strict character set here. */
#include <stdio.h>
#include <string.h>

#include "ctl_grants.h"

static const char *const account_names[GA_COUNT] = {
	"app", "auth", "portal", "sync", "purge"
};

static int account_of(const char *s)
{
	for (int i = 0; i < GA_COUNT; i++)
		if (!strcmp(s, account_names[i]))
			return i;
	return -1;
}

/* The bits of a KIND word, or -1. */
static int kind_bits(const char *k)
{
	static const struct { const char *word; unsigned bits; } named[] = {
		{ "rw", GP_ROWS }, { "log", GP_SELECT | GP_INSERT },
		{ "ro", GP_SELECT }, { "none", 0 }, { "end", GP_DELETE | GP_COLSEL },
	};
	static const char letters[] = "siud";
	unsigned bits = 0;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcmp(k, named[i].word))
			return (int)named[i].bits;
	if (!*k || strlen(k) > 4)
		return -1;
	for (; *k; k++) {
		const char *p = strchr(letters, *k);

		if (!p || (bits & (1u << (p - letters))))
			return -1;
		bits |= 1u << (p - letters);
	}
	return (int)bits;
}

static struct grant_table *table_get(struct grant_table *t, size_t *n,
				     const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	if (*n == GRANT_TABLES_MAX)
		return NULL;
	memset(&t[*n], 0, sizeof(t[*n]));
	snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
	return &t[(*n)++];
}

/* 1 when line holds only names and blanks: a directive, possibly with a
 * typo in its kind; otherwise it is prose that mentions @grant. */
static int looks_like_directive(const char *line)
{
	return line[strspn(line, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t")] == '\0';
}

/* One line, already past "-- @grant ". */
static int parse_line(const struct migration *m, char *line,
		      struct grant_table *t, size_t *n)
{
	int directive = looks_like_directive(line);
	char *word = strtok(line, " \t"), *name;
	int account = word ? account_of(word) : -1, bits;

	if (account >= 0)
		word = strtok(NULL, " \t");
	if (!word || (bits = kind_bits(word)) < 0) {
		if (!directive)
			return 0;
		fprintf(stderr, "infosysctl: %s: @grant needs rw, log, ro, none, end or letters of siud\n",
			m->name);
		return -1;
	}
	while ((name = strtok(NULL, " \t"))) {
		struct grant_table *g;

		if (!ctl_valid_ident(name)) {
			fprintf(stderr, "infosysctl: %s: bad table name in @grant\n", m->name);
			return -1;
		}
		if (!(g = table_get(t, n, name))) {
			fputs("infosysctl: too many tables in @grant lines\n", stderr);
			return -1;
		}
		for (int i = 0; i < GA_COUNT; i++)
			if (account == i || (account < 0 && i != GA_PURGE))
				g->want[i] = (unsigned)bits;
	}
	return 0;
}

int ctl_grants_collect(const struct migration *m, size_t nm,
		       struct grant_table *t, size_t *n)
{
	static const char tag[] = "-- @grant ";
	char line[1024];

	*n = 0;
	for (size_t i = 0; i < nm; i++)
		for (const char *p = m[i].sql; p && *p;) {
			size_t len = strcspn(p, "\n");

			if (!strncmp(p, tag, sizeof(tag) - 1) && len < sizeof(line)) {
				memcpy(line, p + sizeof(tag) - 1, len - (sizeof(tag) - 1));
				line[len - (sizeof(tag) - 1)] = '\0';
				line[strcspn(line, "\r")] = '\0';
				if (parse_line(&m[i], line, t, n) != 0)
					return -1;
			}
			p += len + (p[len] == '\n');
		}
	return 0;
}

int ctl_grants_accounts(struct grant_account *a)
{
	const struct conf *c = ctl_conf();
	const char *host = conf_get(c, "database", "app_host", "localhost");
	const char *migrator = ctl_migrator_user();

	for (int i = 0; i < GA_COUNT; i++) {
		char sec[32];
		const char *user;

		snprintf(sec, sizeof(sec), "database.%s", account_names[i]);
		user = conf_get(c, i == GA_APP ? "database" : sec, "user", "");
		a[i].name = account_names[i];
		if (*user && !ctl_valid_ident(user)) {
			fprintf(stderr, "infosysctl: [%s] user must be a plain name ([A-Za-z0-9_])\n",
				i == GA_APP ? "database" : sec);
			return -1;
		}
		if (!ctl_valid_host(host)) {
			fputs("infosysctl: [database] app_host may hold only letters, digits and _ . - %\n",
			      stderr);
			return -1;
		}
		/* The migrator keeps its own grants; a program section that
		 * names the CLI's account is that account (granted once). */
		if (!strcmp(user, migrator) ||
		    (i != GA_APP && !strcmp(user, a[GA_APP].user)))
			user = "";
		snprintf(a[i].user, sizeof(a[i].user), "%s", user);
		snprintf(a[i].host, sizeof(a[i].host), "%s", host);
	}
	return 0;
}

const char *ctl_grants_privs_text(unsigned privs, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *text; } names[] = {
		{ GP_SELECT, "SELECT" }, { GP_COLSEL, "SELECT (id, user_id)" },
		{ GP_INSERT, "INSERT" }, { GP_UPDATE, "UPDATE" },
		{ GP_DELETE, "DELETE" },
		{ GP_OTHER, "CREATE, DROP, GRANT OPTION, REFERENCES, INDEX, ALTER,"
			    " CREATE VIEW, SHOW VIEW, TRIGGER, DELETE HISTORY" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (privs & names[i].bit)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
						 "%s%s", used ? ", " : "", names[i].text);
	return buf;
}
