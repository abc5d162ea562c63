/* ctl_grants — the application account's table privileges, from the
 * `-- @grant rw|log|ro table …` lines of the migrations (documented at the
 * top of schema/001_init.sql).
 *
 * GRANT cannot take bound parameters for names, so its text is built
 * here; every name put into it comes from the configuration or the
 * migration files and is checked against a strict character set first,
 * never from request data. Each table is revoked and granted again so
 * that a table moved to the log class really loses UPDATE and DELETE. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

#define GRANT_TABLES_MAX 256

struct grant {
	char table[65];
	const char *privs;
};

static const struct {
	const char *kind;
	const char *privs;
} kinds[] = {
	{ "rw", "SELECT, INSERT, UPDATE, DELETE" },
	{ "log", "SELECT, INSERT" },
	{ "ro", "SELECT" },
};

static int valid_host(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-%", *s))
			return 0;
	return 1;
}

static const char *privs_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i].kind))
			return kinds[i].privs;
	return NULL;
}

/* Adds or replaces (a later migration wins) one table's class. */
static int grant_set(struct grant *g, size_t *n, const char *table,
		     const char *privs)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(g[i].table, table)) {
			g[i].privs = privs;
			return 0;
		}
	if (*n == GRANT_TABLES_MAX)
		return -1;
	snprintf(g[*n].table, sizeof(g[*n].table), "%s", table);
	g[(*n)++].privs = privs;
	return 0;
}

/* 1 when line holds only names and blanks: a directive, possibly with a
 * typo in its kind; otherwise it is prose that mentions @grant. */
static int looks_like_directive(const char *line)
{
	return line[strspn(line, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t")] == '\0';
}

/* One "-- @grant kind t1 t2" line (already past "-- @grant"). */
static int parse_line(const struct migration *m, char *line, struct grant *g,
		      size_t *n)
{
	int directive = looks_like_directive(line);
	const char *privs, *kind = strtok(line, " \t");
	char *t;

	if (!kind || !(privs = privs_of(kind))) {
		if (!directive)
			return 0;
		fprintf(stderr, "infosysctl: %s: @grant needs rw, log or ro\n", m->name);
		return -1;
	}
	while ((t = strtok(NULL, " \t"))) {
		if (!ctl_valid_ident(t)) {
			fprintf(stderr, "infosysctl: %s: bad table name in @grant\n", m->name);
			return -1;
		}
		if (grant_set(g, n, t, privs) != 0)
			return -1;
	}
	return 0;
}

static int collect(const struct migration *m, size_t nm, struct grant *g,
		   size_t *n)
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
				if (parse_line(&m[i], line, g, n) != 0)
					return -1;
			}
			p += len + (p[len] == '\n');
		}
	return 0;
}

/* Runs one GRANT/REVOKE; "no such grant" is fine for a REVOKE. */
static int run(struct db *db, const char *sql, int revoke)
{
	struct err err;

	err_clear(&err);
	if (db_run_script(db, sql, strlen(sql), &err) == 0)
		return 0;
	if (revoke && (db_errno(db) == 1141 || db_errno(db) == 1147))
		return 0;
	if (db_errno(db) == 1133)
		fprintf(stderr, "infosysctl: the application account does not exist; create it first (%s)\n",
			err.msg);
	else
		fprintf(stderr, "infosysctl: grants: %s\n", err.msg);
	return -1;
}

/* The statement text of one GRANT/REVOKE, from names already checked. */
static int fmt(char *sql, size_t size, const char *verb, const char *privs,
	       const char *dbname, const char *table, const char *dir,
	       const char *who)
{
	int n = snprintf(sql, size, "%s %s ON `%s`.%s%s%s %s %s", verb, privs,
			 dbname, table[0] == '*' ? "" : "`", table,
			 table[0] == '*' ? "" : "`", dir, who);

	if (n < 0 || (size_t)n >= size) {
		fputs("infosysctl: grants: statement too long\n", stderr);
		return -1;
	}
	return 0;
}

static int apply(struct db *db, const char *dbname, const char *who,
		 const struct grant *g, size_t n)
{
	char sql[512];

	if (fmt(sql, sizeof(sql), "REVOKE", "ALL PRIVILEGES", dbname, "*",
		"FROM", who) || run(db, sql, 1))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fmt(sql, sizeof(sql), "REVOKE", "ALL PRIVILEGES", dbname,
			g[i].table, "FROM", who) || run(db, sql, 1) ||
		    fmt(sql, sizeof(sql), "GRANT", g[i].privs, dbname,
			g[i].table, "TO", who) || run(db, sql, 0))
			return -1;
	return 0;
}

int ctl_grants_apply(struct db *db, const struct migration *m, size_t n)
{
	const struct conf *c = ctl_conf();
	const char *user = conf_get(c, "database", "user", "");
	const char *host = conf_get(c, "database", "app_host", "localhost");
	const char *dbname = conf_get(c, "database", "name", "infosys");
	const char *migrator = conf_get(c, "migrate", "user", "");
	static struct grant g[GRANT_TABLES_MAX];
	char who[160];
	size_t ng;

	if (!ctl_valid_ident(user) || !valid_host(host) || !ctl_valid_ident(dbname)) {
		fputs("infosysctl: [database] user, app_host and name must be plain names ([A-Za-z0-9_]; the host may also use . - %)\n",
		      stderr);
		return CTL_FAIL;
	}
	if (!strcmp(user, migrator)) {
		fputs("infosysctl: warning: [database] user is the [migrate] user; grants left alone\n",
		      stderr);
		return CTL_OK;
	}
	if (collect(m, n, g, &ng) != 0)
		return CTL_FAIL;
	snprintf(who, sizeof(who), "'%s'@'%s'", user, host);
	if (apply(db, dbname, who, g, ng) != 0)
		return CTL_FAIL;
	printf("grants: %s holds privileges on %zu tables\n", who, ng);
	return CTL_OK;
}
