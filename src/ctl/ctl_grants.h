/* ctl_grants — which database account may do what on which table.
 *
 * The migrations declare it in `-- @grant` comment lines (the syntax is at
 * the top of schema/001_init.sql and schema/010_accounts.sql);
 * ctl_grants_collect turns every line of every file into the wanted
 * privileges per account and table, ctl_grants_sync.c makes the server
 * hold exactly those, granting what is missing before revoking what is no
 * longer wanted, so that live traffic never meets a missing privilege. */
#ifndef INFOSYS_CTL_GRANTS_H
#define INFOSYS_CTL_GRANTS_H

#include <stddef.h>
#include "ctl.h"

/* Privileges on one table, as a bit set. */
enum {
	GP_SELECT = 1,
	GP_INSERT = 2,
	GP_UPDATE = 4,
	GP_DELETE = 8,
	GP_COLSEL = 16,	/* SELECT (id, user_id) only: find a user's rows */
	GP_OTHER = 32,	/* anything else a table grant can hold (DDL, GRANT) */
};
#define GP_ROWS (GP_SELECT | GP_INSERT | GP_UPDATE | GP_DELETE)

/* The accounts, in the order of their index everywhere below: the CLI's
 * ([database] user) and one per program ([database.<name>] user). */
enum { GA_APP, GA_AUTH, GA_PORTAL, GA_SYNC, GA_PURGE, GA_COUNT };
#define GRANT_TABLES_MAX 256

struct grant_table {
	char name[65];
	unsigned want[GA_COUNT];
};

struct grant_account {
	const char *name;	/* "app", "auth", … as in @grant lines */
	char user[65];		/* "" when not configured: left alone */
	char host[65];
};

/* The wanted privileges from the @grant lines of m[0..n), later lines
 * winning per account and table. *ntables set; -1 on a bad line
 * (message printed). t must hold GRANT_TABLES_MAX entries. */
int ctl_grants_collect(const struct migration *m, size_t n,
		       struct grant_table *t, size_t *ntables);

/* The configured accounts (a[GA_COUNT]); -1 on an invalid name. */
int ctl_grants_accounts(struct grant_account *a);

/* "SELECT, INSERT" for a bit set (GP_COLSEL as "SELECT (id, user_id)");
 * buf returned. */
const char *ctl_grants_privs_text(unsigned privs, char *buf, size_t size);

/* Brings every configured account to exactly the wanted privileges.
 * dry_run prints the statements instead of running them. Returns the
 * number of statements (run or printed), or -1 (message printed). */
int ctl_grants_sync(struct db *db, const struct grant_table *t, size_t nt,
		    const struct grant_account *a, int dry_run);

#endif
