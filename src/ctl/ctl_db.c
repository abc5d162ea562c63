/* ctl_db — `infosysctl db init`: run once on a new host as the MariaDB
 * administrator (by default the caller's own Unix name over the socket,
 * root's unix_socket authentication). Creates the database and every
 * account (migrator, the CLI's, one per program, purge) with random
 * passwords, writes those into the configuration (the programs' and the
 * CLI's into infosys.conf, the migrator's into the root-only
 * migrate.conf) and lets the migrator read the privilege tables, so that
 * `infosysctl migrate` can grant first and revoke later. Running it again
 * keeps existing passwords and only creates what is missing. */
#include <pwd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_confedit.h"

#define PASSWORD_BYTES 24

struct account {
	const char *section;	/* where user/password live */
	const char *dflt_user;
	int migrator;
	char user[65];
	char password[2 * PASSWORD_BYTES + 1];
	int fresh;		/* password made now */
};

static struct account accounts[] = {
	{ .section = "migrate", .dflt_user = "infosys_migrate", .migrator = 1 },
	{ .section = "database", .dflt_user = "infosys_app", .migrator = 0 },
	{ .section = "database.auth", .dflt_user = "infosys_auth", .migrator = 0 },
	{ .section = "database.portal", .dflt_user = "infosys_portal", .migrator = 0 },
	{ .section = "database.sync", .dflt_user = "infosys_sync", .migrator = 0 },
	{ .section = "database.purge", .dflt_user = "infosys_purge", .migrator = 0 },
};
#define NACCOUNTS (sizeof(accounts) / sizeof(accounts[0]))

/* A password safe to put between quotes in SQL text. */
static int plain_password(const char *s)
{
	return *s && strlen(s) < 2 * PASSWORD_BYTES + 1 &&
	       s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] == '\0';
}

static int account_fill(struct account *a, const struct conf *main,
			const struct conf *mig)
{
	const struct conf *c = a->migrator && mig ? mig : main;
	const char *user = conf_get(c, a->section, "user", a->dflt_user);
	const char *pw = conf_get(c, a->section, "password", "");

	if (!ctl_valid_ident(user)) {
		fprintf(stderr, "infosysctl: [%s] user must be a plain name\n", a->section);
		return -1;
	}
	snprintf(a->user, sizeof(a->user), "%s", user);
	a->fresh = !plain_password(pw) || !strcmp(pw, "CHANGE-ME");
	if (a->fresh) {
		unsigned char raw[PASSWORD_BYTES];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(a->password, sizeof(a->password), raw, sizeof(raw));
	} else
		snprintf(a->password, sizeof(a->password), "%s", pw);
	return 0;
}

static int exec_sql(struct db *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int exec_sql(struct db *db, const char *fmt, ...)
{
	char sql[1024];
	struct err err;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	err_clear(&err);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return err_set(&err, E_INTERNAL, "statement too long"), ctl_fail(&err), -1;
	if (db_run_script(db, sql, (size_t)n, &err) != 0) {
		ctl_fail(&err);
		return -1;
	}
	return 0;
}

static int create_all(struct db *db, const char *name, const char *host)
{
	if (exec_sql(db, "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4"
		     " COLLATE utf8mb4_unicode_ci", name) != 0)
		return -1;
	for (size_t i = 0; i < NACCOUNTS; i++) {
		struct account *a = &accounts[i];

		if (exec_sql(db, "CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s'",
			     a->user, host, a->password) != 0 ||
		    (a->fresh && exec_sql(db, "ALTER USER '%s'@'%s' IDENTIFIED BY '%s'",
					  a->user, host, a->password) != 0))
			return -1;
	}
	return exec_sql(db, "GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'%s' WITH GRANT OPTION",
			name, accounts[0].user, host) ||
	       exec_sql(db, "GRANT SELECT ON mysql.tables_priv TO '%s'@'%s'",
			accounts[0].user, host) ||
	       exec_sql(db, "GRANT SELECT ON mysql.columns_priv TO '%s'@'%s'",
			accounts[0].user, host) ||
	       exec_sql(db, "GRANT SELECT ON mysql.db TO '%s'@'%s'",
			accounts[0].user, host);
}

static int write_confs(const char *main_path, const char *mig_path)
{
	struct confedit e[2 * NACCOUNTS];
	struct confedit m[] = {
		{ "migrate", "user", accounts[0].user },
		{ "migrate", "password", accounts[0].password },
	};
	size_t n = 0;

	for (size_t i = 1; i < NACCOUNTS; i++) {
		e[n++] = (struct confedit){ accounts[i].section, "user", accounts[i].user };
		e[n++] = (struct confedit){ accounts[i].section, "password", accounts[i].password };
	}
	/* The migrator's password leaves the file the programs read. */
	e[n++] = (struct confedit){ "migrate", "password", NULL };
	if (confedit_apply(mig_path, m, 2, 0600) != 0 ||
	    confedit_apply(main_path, e, n, 0640) != 0)
		return -1;
	printf("wrote the accounts' passwords to %s and %s\n", main_path, mig_path);
	return 0;
}

static const char *admin_name(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : "root";
}

static int db_init(int argc, char **argv)
{
	const char *admin = admin_name(), *name, *host, *mig_path;
	const struct conf *c;
	struct conf *mig = NULL;
	char buf[4096];
	struct err err;
	struct db *db;
	int rc = CTL_FAIL;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--admin") && i + 1 < argc)
			admin = argv[++i];
		else
			return ctl_usage("usage: db init [--admin USER]");
	if (!(c = ctl_conf()))
		return CTL_FAIL;
	name = conf_get(c, "database", "name", "infosys");
	host = conf_get(c, "database", "app_host", "localhost");
	if (!ctl_valid_ident(name) || !ctl_valid_ident(admin) || !ctl_valid_host(host))
		return ctl_usage("database name, app_host and --admin must be plain names");
	mig_path = ctl_migrate_conf_path(buf, sizeof(buf));
	err_clear(&err);
	if (access(mig_path, F_OK) == 0 && !(mig = conf_load(mig_path, &err)))
		return ctl_fail(&err);
	for (size_t i = 0; i < NACCOUNTS; i++)
		if (account_fill(&accounts[i], c, mig) != 0)
			goto done;
	if (!(db = db_new_admin(c, admin, getenv("INFOSYS_DB_ADMIN_PASSWORD"))))
		goto done;
	if (create_all(db, name, host) == 0 &&
	    write_confs(conf_path(c), mig_path) == 0) {
		printf("database %s and %zu accounts ready; now run `infosysctl migrate`\n",
		       name, NACCOUNTS);
		rc = CTL_OK;
	}
	db_free(db);
done:
	conf_free(mig);
	explicit_bzero(accounts, sizeof(accounts));
	return rc;
}

int ctl_db_cmd(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "init"))
		return db_init(argc - 1, argv + 1);
	return ctl_usage("usage: db init [--admin USER]");
}
