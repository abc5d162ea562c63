/* ctl_grants_sync — make the accounts hold exactly the wanted privileges,
 * without a moment where live traffic lacks one it needs.
 *
 * The current privileges come from mysql.tables_priv / columns_priv / db
 * (`infosysctl db init` lets the migrator read them). Then, over all
 * accounts: every missing privilege is granted first; only after that is
 * anything revoked; a database-wide grant goes last. A second run finds
 * nothing to do and runs no statement. Without read access to those
 * tables every privilege is assumed held (each revoke of one that is not
 * is harmless), which still never revokes a wanted one.
 *
 * GRANT cannot take bound parameters for names: its text is built here
 * from names ctl_grants.c checked, never from request data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_grants.h"

static const char sql_tables[] =
	"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?";
static const char sql_table_privs[] =
	"SELECT Table_name, Table_priv FROM mysql.tables_priv"
	" WHERE Db = ? AND User = ? AND Host = ?";
static const char sql_column_privs[] =
	"SELECT Table_name FROM mysql.columns_priv"
	" WHERE Db = ? AND User = ? AND Host = ? AND FIND_IN_SET('Select', Column_priv)"
	" AND Column_name IN ('id', 'user_id') GROUP BY Table_name HAVING COUNT(*) = 2";
static const char sql_db_privs[] =
	"SELECT COUNT(*) FROM mysql.db WHERE Db = ? AND User = ? AND Host = ?";

struct held {
	char name[65];
	unsigned have, want;
	int blind;		/* have unknown: grant all wanted, revoke the rest */
};

struct plan {
	struct db *db;
	const char *dbname;
	int dry_run;
	int count;		/* statements run or printed */
};

static unsigned privs_of_set(const char *set)
{
	unsigned bits = 0;
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", set ? set : "");
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		bits |= !strcmp(w, "Select") ? GP_SELECT : !strcmp(w, "Insert") ? GP_INSERT :
			!strcmp(w, "Update") ? GP_UPDATE : !strcmp(w, "Delete") ? GP_DELETE :
			GP_OTHER;
	return bits;
}

static struct held *held_get(struct held *h, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(h[i].name, name))
			return &h[i];
	if (*n == GRANT_TABLES_MAX || strlen(name) >= sizeof(h->name) ||
	    !ctl_valid_ident(name))
		return NULL;
	memset(&h[*n], 0, sizeof(*h));
	snprintf(h[*n].name, sizeof(h->name), "%s", name);
	return &h[(*n)++];
}

/* What acc holds now. 1 when read, 0 when the privilege tables are not
 * readable (everything assumed held), -1 on another failure. */
static int read_held(struct plan *p, const struct grant_account *acc,
		     struct held *h, size_t nh, int *db_wide)
{
	struct dbparam q[] = { P_STR(p->dbname), P_STR(acc->user), P_STR(acc->host) };
	struct dbres r;
	struct err err;

	err_clear(&err);
	if (db_query(p->db, sql_table_privs, q, 3, ctl_arena(), &r, &err) != 0) {
		if (db_errno(p->db) != 1142 && db_errno(p->db) != 1044)
			return ctl_fail(&err), -1;
		for (size_t i = 0; i < nh; i++)
			h[i].blind = 1;
		*db_wide = 1;
		return 0;
	}
	for (size_t row = 0; row < r.nrows; row++)
		for (size_t i = 0; i < nh; i++)
			if (!strcmp(h[i].name, dbres_get(&r, row, 0)))
				h[i].have = privs_of_set(dbres_get(&r, row, 1));
	if (db_query(p->db, sql_column_privs, q, 3, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err), -1;
	for (size_t row = 0; row < r.nrows; row++)
		for (size_t i = 0; i < nh; i++)
			if (!strcmp(h[i].name, dbres_get(&r, row, 0)))
				h[i].have |= GP_COLSEL;
	if (db_query(p->db, sql_db_privs, q, 3, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err), -1;
	*db_wide = atoi(dbres_get(&r, 0, 0) ? dbres_get(&r, 0, 0) : "0") > 0;
	return 1;
}

/* Runs (or prints) one GRANT/REVOKE; "no such grant" is fine for a
 * REVOKE: nothing to take away. */
static int run(struct plan *p, const char *verb, unsigned privs,
	       const char *table, const struct grant_account *acc)
{
	char sql[768], what[256];
	int revoke = verb[0] == 'R';
	struct err err;
	int n;

	if (privs == (GP_ROWS | GP_OTHER | GP_COLSEL))
		snprintf(what, sizeof(what), "ALL PRIVILEGES");
	else
		ctl_grants_privs_text(privs, what, sizeof(what));
	n = snprintf(sql, sizeof(sql), "%s %s ON `%s`.%s%s%s %s '%s'@'%s'", verb,
		     what, p->dbname, table[0] == '*' ? "" : "`", table,
		     table[0] == '*' ? "" : "`", revoke ? "FROM" : "TO", acc->user,
		     acc->host);
	if (n < 0 || (size_t)n >= sizeof(sql)) {
		fputs("infosysctl: grants: statement too long\n", stderr);
		return -1;
	}
	p->count++;
	if (p->dry_run) {
		printf("%s\n", sql);
		return 0;
	}
	err_clear(&err);
	if (db_run_script(p->db, sql, strlen(sql), &err) == 0)
		return 0;
	if (revoke && (db_errno(p->db) == 1141 || db_errno(p->db) == 1147))
		return 0;
	if (db_errno(p->db) == 1133)
		fprintf(stderr, "infosysctl: account %s does not exist: run `infosysctl db init` (%s)\n",
			acc->user, err.msg);
	else
		fprintf(stderr, "infosysctl: grants: %s\n", err.msg);
	return -1;
}

/* Every table of the schema and every declared one, with acc's wanted
 * privileges; *nh set. */
static int tables_of(struct plan *p, const struct grant_table *t, size_t nt,
		     int account, struct held *h, size_t *nh)
{
	struct dbparam q[] = { P_STR(p->dbname) };
	struct dbres r;
	struct err err;

	*nh = 0;
	err_clear(&err);
	if (db_query(p->db, sql_tables, q, 1, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err), -1;
	for (size_t row = 0; row < r.nrows; row++)
		held_get(h, nh, dbres_get(&r, row, 0));
	for (size_t i = 0; i < nt; i++) {
		struct held *x = held_get(h, nh, t[i].name);

		if (x)
			x->want = t[i].want[account];
	}
	return 0;
}

/* The tables of one account, read; phase 0 grants, phase 1 revokes. */
static int account_phase(struct plan *p, const struct grant_account *acc,
			 struct held *h, size_t nh, int db_wide, int phase)
{
	for (size_t i = 0; i < nh; i++) {
		unsigned add = h[i].want & ~h[i].have;
		unsigned drop = (h[i].blind ? GP_ROWS | GP_OTHER : h[i].have) &
				~h[i].want;

		if (phase == 0 && add && run(p, "GRANT", add, h[i].name, acc))
			return -1;
		if (phase == 1 && drop) {
			/* A table-wide SELECT revoked takes the column SELECT
			 * with it: give that back at once. */
			unsigned again = (drop & GP_SELECT) && (h[i].want & GP_COLSEL);

			unsigned gone = h[i].want ? drop & ~GP_COLSEL :
					GP_ROWS | GP_OTHER | GP_COLSEL;

			if ((gone && run(p, "REVOKE", gone, h[i].name, acc)) ||
			    (again && run(p, "GRANT", GP_COLSEL, h[i].name, acc)))
				return -1;
		}
	}
	if (phase == 1 && db_wide &&
	    run(p, "REVOKE", GP_ROWS | GP_OTHER | GP_COLSEL, "*", acc))
		return -1;
	return 0;
}

int ctl_grants_sync(struct db *db, const struct grant_table *t, size_t nt,
		    const struct grant_account *a, int dry_run)
{
	static struct held h[GA_COUNT][GRANT_TABLES_MAX];
	size_t nh[GA_COUNT] = { 0 };
	int db_wide[GA_COUNT] = { 0 };
	struct plan p = { .db = db, .dry_run = dry_run };

	p.dbname = conf_get(ctl_conf(), "database", "name", "infosys");
	if (!ctl_valid_ident(p.dbname)) {
		fputs("infosysctl: [database] name must be a plain name\n", stderr);
		return -1;
	}
	for (int i = 0; i < GA_COUNT; i++)
		if (a[i].user[0] &&
		    (tables_of(&p, t, nt, i, h[i], &nh[i]) != 0 ||
		     read_held(&p, &a[i], h[i], nh[i], &db_wide[i]) < 0))
			return -1;
	/* All grants of all accounts before any revoke. */
	for (int phase = 0; phase < 2; phase++)
		for (int i = 0; i < GA_COUNT; i++)
			if (a[i].user[0] &&
			    account_phase(&p, &a[i], h[i], nh[i], db_wide[i], phase))
				return -1;
	return p.count;
}

int ctl_grants_apply(struct db *db, const struct migration *m, size_t n,
		     int dry_run)
{
	static struct grant_table t[GRANT_TABLES_MAX];
	struct grant_account a[GA_COUNT];
	size_t nt;
	int changed, accounts = 0;

	if (ctl_grants_collect(m, n, t, &nt) != 0 || ctl_grants_accounts(a) != 0 ||
	    (changed = ctl_grants_sync(db, t, nt, a, dry_run)) < 0)
		return CTL_FAIL;
	for (int i = 0; i < GA_COUNT; i++)
		accounts += a[i].user[0] != 0;
	if (dry_run)
		printf("grants: %d statement%s to run for %d account%s\n", changed,
		       changed == 1 ? "" : "s", accounts, accounts == 1 ? "" : "s");
	else
		printf("grants: %d account%s exact on %zu tables (%d statement%s)\n",
		       accounts, accounts == 1 ? "" : "s", nt, changed,
		       changed == 1 ? "" : "s");
	return CTL_OK;
}
