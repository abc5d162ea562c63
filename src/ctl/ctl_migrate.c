/* ctl_migrate — `infosysctl migrate`: applies schema/NNN_name.sql files in
 * order, once each, and records them in schema_migrations with their
 * SHA-256 so that an edited, already applied file stops everything rather
 * than leaving databases that differ. Idempotent: a second run applies
 * nothing and only re-asserts the grants. The rules for writing a
 * migration are at the top of schema/001_init.sql. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "token.h"

#define MIGRATIONS_MAX 999
#define MIGRATION_BYTES_MAX (4 * 1024 * 1024)

static const char sql_bootstrap[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INT UNSIGNED NOT NULL,"
	" name VARCHAR(255) NOT NULL,"
	" checksum CHAR(64) NOT NULL,"
	" applied_at DATETIME NOT NULL,"
	" PRIMARY KEY (version)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
/* The cluster-wide migrate lock is a row, not GET_LOCK: Galera does not
 * share GET_LOCK between nodes, but it certifies row writes, so of two
 * nodes inserting row 1 at once exactly one commits. The row expires, so
 * a migrate killed mid-way blocks the next one for at most an hour. */
#define LOCK_WAIT_S 30	/* [migrate] lock_wait */
static const char sql_lock_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrate_lock ("
	" id TINYINT UNSIGNED NOT NULL,"
	" holder VARCHAR(255) NOT NULL,"
	" token VARCHAR(64) NOT NULL,"
	" taken_at DATETIME NOT NULL,"
	" expires_at DATETIME NOT NULL,"
	" PRIMARY KEY (id)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
static const char sql_lock_expire[] =
	"DELETE FROM schema_migrate_lock WHERE id = 1"
	" AND expires_at < UTC_TIMESTAMP()";
static const char sql_lock_take[] =
	"INSERT IGNORE INTO schema_migrate_lock"
	" (id, holder, token, taken_at, expires_at)"
	" VALUES (1, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 HOUR)";
static const char sql_lock_holder[] =
	"SELECT holder, taken_at, expires_at FROM schema_migrate_lock WHERE id = 1";
static const char sql_lock_release[] =
	"DELETE FROM schema_migrate_lock WHERE id = 1 AND token = ?";
static const char sql_applied[] =
	"SELECT version, name, checksum FROM schema_migrations ORDER BY version";
static const char sql_record[] =
	"INSERT INTO schema_migrations (version, name, checksum, applied_at)"
	" VALUES (?, ?, ?, UTC_TIMESTAMP())";

/* --schema DIR, $INFOSYS_SCHEMA, [migrate] schema_dir, else the first of
 * ./schema, <exe>/../schema, <exe>/../share/infosys/schema (installed)
 * that exists. */
static const char *schema_dir(const char *opt, char *buf, size_t size)
{
	const char *d = opt ? opt : getenv("INFOSYS_SCHEMA");
	char exe[PATH_MAX];
	ssize_t n;

	if (d && *d)
		return d;
	d = conf_get(ctl_conf(), "migrate", "schema_dir", NULL);
	if (d && *d)
		return d;
	if (access("schema/001_init.sql", R_OK) == 0)
		return "schema";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		if ((size_t)snprintf(buf, size, "%s/../schema", exe) < size &&
		    access(buf, R_OK) == 0)
			return buf;
		if ((size_t)snprintf(buf, size, "%s/../share/infosys/schema", exe) < size &&
		    access(buf, R_OK) == 0)
			return buf;
	}
	return "schema";
}

/* NNN_name.sql with a plain name; its version in *v. */
static int migration_name(const char *s, unsigned *v)
{
	const char *p = s;
	size_t len = strlen(s);

	if (!isdigit((unsigned char)*p) || len < 7 || len >= 256 ||
	    strcmp(s + len - 4, ".sql"))
		return 0;
	*v = (unsigned)strtoul(p, NULL, 10);
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != '_' || *v == 0)
		return 0;
	for (p++; p < s + len - 4; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return 0;
	return 1;
}

static int read_file(const char *dir, struct migration *m)
{
	char path[PATH_MAX];
	FILE *f;
	long size;

	errno = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, m->name) >= sizeof(path)) {
		fprintf(stderr, "infosysctl: path too long in %s\n", dir);
		return -1;
	}
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) ||
	    (size = ftell(f)) < 0 || size > MIGRATION_BYTES_MAX ||
	    fseek(f, 0, SEEK_SET) || !(m->sql = malloc((size_t)size + 1)) ||
	    fread(m->sql, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "infosysctl: cannot read %s: %s\n", path,
			errno ? strerror(errno) : "too large");
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	m->len = (size_t)size;
	m->sql[m->len] = '\0';
	token_sha256_hex(m->sql, m->len, m->checksum);
	return 0;
}

static int by_version(const void *a, const void *b)
{
	const struct migration *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Every migration file of dir, sorted by version, texts loaded. */
static int load_all(const char *dir, struct migration *m, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned v;

	*n = 0;
	if (!d) {
		fprintf(stderr, "infosysctl: cannot open schema directory %s: %s\n",
			dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && *n < MIGRATIONS_MAX)
		if (migration_name(e->d_name, &v)) {
			m[*n].version = v;
			snprintf(m[*n].name, sizeof(m[*n].name), "%s", e->d_name);
			m[*n].sql = NULL;
			(*n)++;
		}
	closedir(d);
	qsort(m, *n, sizeof(*m), by_version);
	for (size_t i = 0; i < *n; i++) {
		if (i > 0 && m[i].version == m[i - 1].version) {
			fprintf(stderr, "infosysctl: %s and %s have the same number; renumber one\n",
				m[i - 1].name, m[i].name);
			return -1;
		}
		if (read_file(dir, &m[i]) != 0)
			return -1;
	}
	return 0;
}

static struct migration *find(struct migration *m, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].version == v)
			return &m[i];
	return NULL;
}

/* Refuses when an applied file changed or went missing; marks the applied
 * ones by clearing their version's pending flag in pending[]. */
static int check_applied(const struct dbres *r, struct migration *m, size_t n,
			 char *pending)
{
	for (size_t i = 0; i < n; i++)
		pending[i] = 1;
	for (size_t row = 0; row < r->nrows; row++) {
		unsigned v = (unsigned)strtoul(dbres_get(r, row, 0), NULL, 10);
		const char *name = dbres_get(r, row, 1);
		struct migration *f = find(m, n, v);

		if (!f) {
			fprintf(stderr, "infosysctl: applied migration %s is missing from the schema directory\n",
				name);
			return -1;
		}
		if (strcmp(f->checksum, dbres_get(r, row, 2)) || strcmp(f->name, name)) {
			fprintf(stderr, "infosysctl: %s was changed after it was applied (checksum differs); refusing to migrate. Put changes in a new migration.\n",
				f->name);
			return -1;
		}
		pending[f - m] = 0;
	}
	return 0;
}

static int apply_one(struct db *db, const struct migration *m)
{
	struct dbparam p[] = { P_INT(m->version), P_STR(m->name),
			       P_STR(m->checksum) };
	struct err err;

	err_clear(&err);
	if (db_run_script(db, m->sql, m->len, &err) != 0 &&
	    db_errno(db) != 1065) {	/* ER_EMPTY_QUERY: a comments-only file */
		fprintf(stderr, "infosysctl: %s failed: %s\n", m->name, err.msg);
		return -1;
	}
	if (db_exec(db, sql_record, p, 3, NULL, NULL, &err) != 0) {
		fprintf(stderr, "infosysctl: %s applied but not recorded: %s\n",
			m->name, err.msg);
		return -1;
	}
	printf("applied %s\n", m->name);
	return 0;
}

/* One attempt: 1 taken, 0 held by another, -1 error. A certification
 * conflict (another node took it at the same instant) counts as held. */
static int lock_try(struct db *db, const char *holder, const char *token,
		    struct err *err)
{
	struct dbparam p[] = { P_STR(holder), P_STR(token) };
	unsigned long long n = 0;

	if (db_exec(db, sql_lock_expire, NULL, 0, NULL, NULL, err) != 0 ||
	    db_exec(db, sql_lock_take, p, 2, &n, NULL, err) != 0)
		return err->code == E_RETRY ? 0 : -1;
	return n == 1;
}

/* Takes the lock, waiting up to lock_wait seconds for another migrate. token
 * (random, per run) is what release matches. */
static int lock_take(struct db *db, char token[TOKEN_B64_LEN + 1])
{
	char holder[255], host[128] = "?";
	long long wait = conf_get_int(ctl_conf(), "migrate", "lock_wait", LOCK_WAIT_S);
	struct err err;
	struct dbres r;
	int rc;

	gethostname(host, sizeof(host) - 1);
	snprintf(holder, sizeof(holder), "infosysctl migrate on %s, pid %ld",
		 host, (long)getpid());
	token_new(token);
	err_clear(&err);
	if (db_run_script(db, sql_lock_table, strlen(sql_lock_table), &err) != 0)
		return ctl_fail(&err);
	for (int waited = 0;; waited++) {
		err_clear(&err);
		if ((rc = lock_try(db, holder, token, &err)) != 0)
			return rc > 0 ? 0 : ctl_fail(&err);
		if (waited >= wait)
			break;
		sleep(1);
	}
	if (db_query(db, sql_lock_holder, NULL, 0, ctl_arena(), &r, &err) == 0 &&
	    r.nrows == 1)
		fprintf(stderr, "infosysctl: another migrate is running (%s, "
			"since %s UTC; its lock expires at %s UTC)\n",
			dbres_get(&r, 0, 0), dbres_get(&r, 0, 1), dbres_get(&r, 0, 2));
	else
		fputs("infosysctl: another migrate is running\n", stderr);
	return CTL_FAIL;
}

static void lock_release(struct db *db, const char *token)
{
	struct dbparam p[] = { P_STR(token) };
	struct err err;

	err_clear(&err);
	if (db_exec(db, sql_lock_release, p, 1, NULL, NULL, &err) != 0)
		fprintf(stderr, "infosysctl: migrate lock not released (it "
			"expires within the hour): %s\n", err.msg);
}

static int migrate_run(struct db *db, struct migration *m, size_t n)
{
	char pending[MIGRATIONS_MAX];
	struct err err;
	struct dbres r;
	int applied = 0;

	err_clear(&err);
	if (db_run_script(db, sql_bootstrap, strlen(sql_bootstrap), &err) != 0)
		return ctl_fail(&err);
	if (db_query(db, sql_applied, NULL, 0, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err);
	if (check_applied(&r, m, n, pending) != 0)
		return CTL_FAIL;
	for (size_t i = 0; i < n; i++) {
		if (!pending[i])
			continue;
		if (apply_one(db, &m[i]) != 0)
			return CTL_FAIL;
		applied++;
	}
	if (applied == 0)
		printf("schema up to date (%zu migrations)\n", n);
	return ctl_grants_apply(db, m, n, 0);
}

/* --status: each migration applied or pending, then the grant changes a
 * migrate would make. --dry-run: the pending files and the GRANT/REVOKE
 * statements, nothing changed. Neither takes the migrate lock: they only
 * read. Exit status 0 when up to date, 1 when something is pending. */
static int migrate_report(struct db *db, struct migration *m, size_t n,
			  int dry_run)
{
	char pending[MIGRATIONS_MAX];
	struct err err;
	struct dbres r;
	size_t npending = 0;

	err_clear(&err);
	if (db_run_script(db, sql_bootstrap, strlen(sql_bootstrap), &err) != 0 ||
	    db_query(db, sql_applied, NULL, 0, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err);
	if (check_applied(&r, m, n, pending) != 0)
		return CTL_FAIL;
	for (size_t i = 0; i < n; i++) {
		npending += (size_t)pending[i];
		if (!dry_run || pending[i])
			printf("%-8s %s\n", pending[i] ? "pending" : "applied", m[i].name);
	}
	printf("schema version %u, %zu pending\n",
	       r.nrows ? (unsigned)strtoul(dbres_get(&r, r.nrows - 1, 0), NULL, 10) : 0,
	       npending);
	if (ctl_grants_apply(db, m, n, 1) != CTL_OK)
		return CTL_FAIL;
	return npending ? CTL_FAIL : CTL_OK;
}

int ctl_migrate(int argc, char **argv)
{
	static struct migration m[MIGRATIONS_MAX];
	const char *opt = NULL, *dir;
	char buf[PATH_MAX], token[TOKEN_B64_LEN + 1];
	struct db *db;
	size_t n = 0, use;
	long to = 0;
	char *end;
	int rc = CTL_FAIL, report = 0, dry_run = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--schema") && i + 1 < argc)
			opt = argv[++i];
		else if (!strcmp(argv[i], "--status"))
			report = 1;
		else if (!strcmp(argv[i], "--dry-run"))
			report = dry_run = 1;
		else if (!strcmp(argv[i], "--to") && i + 1 < argc &&
			 (to = strtol(argv[i + 1], &end, 10)) > 0 && !*end)
			i++;
		else
			return ctl_usage("usage: migrate [--status | --dry-run] [--to N] [--schema DIR]");
	if (!(db = ctl_db(1)) || !ctl_arena())
		return CTL_FAIL;
	dir = schema_dir(opt, buf, sizeof(buf));
	if (load_all(dir, m, &n) == 0) {
		/* --to N: the files up to version N only, as a release that
		 * shipped with them would have migrated (the upgrade test). */
		for (use = 0; use < n && (!to || m[use].version <= (unsigned long)to);)
			use++;
		if (n == 0)
			fprintf(stderr, "infosysctl: no migrations in %s\n", dir);
		else if (to && (use == 0 || m[use - 1].version != (unsigned long)to))
			fprintf(stderr, "infosysctl: no migration %ld in %s\n", to, dir);
		else if (report)
			rc = migrate_report(db, m, use, dry_run);
		else if (lock_take(db, token) == 0) {
			rc = migrate_run(db, m, use);
			lock_release(db, token);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(m[i].sql);
	return rc;
}
