/* ctl — the pieces infosysctl's subcommands share.
 *
 * Each subcommand is `int ctl_x(int argc, char **argv)` with argv[0] the
 * subcommand's own name, and returns an exit code: CTL_OK, CTL_FAIL (an
 * operational error: the database is down, the facility exists, …) or
 * CTL_USAGE. Messages go to stderr; only results go to stdout. */
#ifndef INFOSYS_CTL_H
#define INFOSYS_CTL_H

#include <stddef.h>
#include "arena.h"
#include "conf.h"
#include "db.h"
#include "err.h"

enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = 2 };

/* The --conf argument, or NULL for $INFOSYS_CONF / the default. */
extern const char *ctl_conf_path;

/* The configuration, loaded on first call; NULL (message printed) when
 * unreadable. Owned by ctl; freed by ctl_cleanup. */
const struct conf *ctl_conf(void);

/* A database connection as the application or the migrator account;
 * NULL (message printed) without a configuration. Owned by ctl. */
struct db *ctl_db(int as_migrator);

/* Where the migrator's credentials live: $INFOSYS_MIGRATE_CONF, else
 * migrate.conf beside the main configuration (root-only, 0600). When that
 * file is missing, [migrate] of the main configuration is used. The path
 * is buf or a constant. */
const char *ctl_migrate_conf_path(char *buf, size_t size);

/* The [migrate] user name from wherever the credentials live; "" when
 * none. Owned by ctl. */
const char *ctl_migrator_user(void);

/* The operator's request context for domain functions: configuration,
 * connection (as ctl_db), arena, the time, address "local", program 0
 * (the operator: useradmin.h). -1 (message printed) when one is
 * missing. */
struct ctx;
int ctl_ctx(struct ctx *ctx, int as_migrator);

/* A scratch arena for query results, owned by ctl. */
struct arena *ctl_arena(void);

void ctl_cleanup(void);

/* Prints "infosysctl: <msg>" and returns CTL_FAIL. */
int ctl_fail(const struct err *err);

/* Prints "infosysctl: <message>" and a hint to run help; returns
 * CTL_USAGE. */
int ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 when s is a facility code / user name (the protocol's `code` and
 * `name` types, bind.h), or [A-Za-z0-9_]{1,64}. */
int ctl_valid_code(const char *s);
int ctl_valid_user_name(const char *s);
int ctl_valid_ident(const char *s);

/* 1 when s is a MariaDB account host: [A-Za-z0-9_.%-]{1,64}. */
int ctl_valid_host(const char *s);

/* Records an operator action in activity_log (module "infosysctl",
 * address "local"); failures are reported but not fatal. */
void ctl_activity(struct db *db, long long facility_id, const char *action,
		  const char *target);

/* One schema/NNN_name.sql file, read whole (ctl_migrate.c). */
struct migration {
	unsigned version;
	char name[256];		/* the file name */
	char *sql;		/* the file's text, NUL-terminated; malloc'd */
	size_t len;
	char checksum[65];	/* hex SHA-256 of the text */
};

/* Makes every database account hold exactly the table privileges that
 * the @grant lines of the migrations declare (ctl_grants.h); dry_run
 * prints the statements instead. CTL_OK or CTL_FAIL, messages printed. */
int ctl_grants_apply(struct db *db, const struct migration *m, size_t n,
		     int dry_run);

int ctl_db_cmd(int argc, char **argv);
int ctl_migrate(int argc, char **argv);
int ctl_purge(int argc, char **argv);
/* backup DIR and restore DIR (argv[0] says which). */
int ctl_backup(int argc, char **argv);
int ctl_facility(int argc, char **argv);
int ctl_user(int argc, char **argv);
int ctl_api_reference(int argc, char **argv);
int ctl_audit(int argc, char **argv);	/* ctl_audit.c */
int ctl_alerts(int argc, char **argv);	/* ctl_alerts.c */
int ctl_key(int argc, char **argv);	/* ctl_key.c */

#endif
