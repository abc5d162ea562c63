/* ctl_backup — `infosysctl backup DIR` and `infosysctl restore DIR`.
 *
 * A backup directory (mode 0700) holds database.sql (a consistent
 * mariadb-dump --single-transaction: one snapshot while the programs keep
 * writing), secret.key (the sealing key: without it the sealed e-mails and
 * TOTP secrets in the dump are lost), infosys.conf and migrate.conf (the
 * accounts' passwords), INFO (version, schema, time) and MANIFEST, in
 * `sha256sum -c` format. Restore checks MANIFEST, refuses a database that
 * already has tables or a different key already in place, imports the
 * dump, puts the key where [security] key_file says, and runs migrate
 * (pending migrations of a newer release, then the grants). The order on
 * a new host is in the README. The dump tools get the migrator's password
 * through a 0600 option file that is removed at once, never argv. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "ctl.h"
#include "token.h"

#define FILE_BYTES_MAX (1024L * 1024 * 1024 * 64)

extern char **environ;

static const char sql_tables[] =
	"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()";
static const char sql_version[] = "SELECT MAX(version) FROM schema_migrations";

/* The [client] option file for the mariadb tools, as the migrator. */
static int client_options(const char *path)
{
	const struct conf *c = ctl_conf();
	char mbuf[4096];
	struct conf *m = NULL;
	struct err err;
	int fd;
	FILE *f;

	err_clear(&err);
	const char *mpath = ctl_migrate_conf_path(mbuf, sizeof(mbuf));
	if (access(mpath, F_OK) == 0 && !(m = conf_load(mpath, &err)))
		return ctl_fail(&err), -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "infosysctl: cannot write %s: %s\n", path, strerror(errno));
		conf_free(m);
		return -1;
	}
	fprintf(f, "[client]\nuser=%s\npassword=%s\n",
		conf_get(m ? m : c, "migrate", "user", ""),
		conf_get(m ? m : c, "migrate", "password", ""));
	if (conf_get(c, "database", "socket", NULL))
		fprintf(f, "socket=%s\n", conf_get(c, "database", "socket", NULL));
	else
		fprintf(f, "host=%s\nport=%s\n", conf_get(c, "database", "host", "localhost"),
			conf_get(c, "database", "port", "3306"));
	conf_free(m);
	return fclose(f) == 0 ? 0 : -1;
}

/* Runs argv with stdin/stdout from/to files (NULL: inherited); 0 when
 * it exits 0. */
static int run_tool(char *const argv[], const char *in, const char *out)
{
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	if (in)
		posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	if (out)
		posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "infosysctl: cannot run %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "infosysctl: %s failed\n", argv[0]);
		return -1;
	}
	return 0;
}

/* Hex SHA-256 of a whole file (read into memory: the dump of a facility
 * system is megabytes, not terabytes). */
static int file_sha256(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > FILE_BYTES_MAX ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "infosysctl: cannot read %s\n", path);
		if (f)
			fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	token_sha256_hex(buf, (size_t)n, hex);
	free(buf);
	return 0;
}

/* Copies a small file (a key, a configuration) into a new 0600 file. */
static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out < 0 || n < 0 || close(out) != 0) {
		fprintf(stderr, "infosysctl: cannot copy %s to %s\n", from, to);
		return -1;
	}
	return 0;
}

static const char *const backup_files[] = {
	"database.sql", "secret.key", "infosys.conf", "migrate.conf", "INFO",
};
#define NFILES (sizeof(backup_files) / sizeof(backup_files[0]))

static int path_in(char *buf, size_t size, const char *dir, const char *name)
{
	return (size_t)snprintf(buf, size, "%s/%s", dir, name) >= size ? -1 : 0;
}

static int write_info(const char *dir, struct db *db)
{
	char path[4096], stamp[32];
	struct dbres r;
	struct err err;
	time_t now = time(NULL);
	FILE *f;

	err_clear(&err);
	if (db_query(db, sql_version, NULL, 0, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err), -1;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (path_in(path, sizeof(path), dir, "INFO") || !(f = fopen(path, "w")))
		return -1;
	fprintf(f, "version %s\nschema %s\ncreated %s\n", INFOSYS_VERSION,
		dbres_get(&r, 0, 0) ? dbres_get(&r, 0, 0) : "0", stamp);
	return fclose(f);
}

static int write_manifest(const char *dir)
{
	char path[4096], hex[65];
	FILE *f;

	if (path_in(path, sizeof(path), dir, "MANIFEST") || !(f = fopen(path, "w")))
		return -1;
	for (size_t i = 0; i < NFILES; i++) {
		if (path_in(path, sizeof(path), dir, backup_files[i]) ||
		    file_sha256(path, hex) != 0) {
			fclose(f);
			return -1;
		}
		fprintf(f, "%s  %s\n", hex, backup_files[i]);
	}
	return fclose(f);
}

/* The configuration files beside the database: infosys.conf, the key,
 * migrate.conf (an empty one when [migrate] lives in infosys.conf). */
static int copy_config(const char *dir)
{
	const struct conf *c = ctl_conf();
	const char *key = conf_get(c, "security", "key_file", NULL);
	char to[4096], mbuf[4096];
	const char *mig = ctl_migrate_conf_path(mbuf, sizeof(mbuf));
	FILE *f;

	if (!key) {
		fputs("infosysctl: [security] key_file is not set\n", stderr);
		return -1;
	}
	if (path_in(to, sizeof(to), dir, "secret.key") || copy_file(key, to) ||
	    path_in(to, sizeof(to), dir, "infosys.conf") || copy_file(conf_path(c), to) ||
	    path_in(to, sizeof(to), dir, "migrate.conf"))
		return -1;
	if (access(mig, R_OK) == 0)
		return copy_file(mig, to);
	if (!(f = fopen(to, "w")))
		return -1;
	return fclose(f);
}

static int backup(const char *dir)
{
	char opts[4096], dump[4096], optarg[4200], name[65];
	struct db *db = ctl_db(1);
	int rc = -1;

	if (!db || !ctl_arena())
		return CTL_FAIL;
	snprintf(name, sizeof(name), "%s", conf_get(ctl_conf(), "database", "name", "infosys"));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "infosysctl: cannot make %s: %s\n", dir, strerror(errno));
		return CTL_FAIL;
	}
	if (path_in(opts, sizeof(opts), dir, ".client.cnf") ||
	    path_in(dump, sizeof(dump), dir, "database.sql"))
		return CTL_FAIL;
	snprintf(optarg, sizeof(optarg), "--defaults-extra-file=%s", opts);
	char *argv[] = { "mariadb-dump", optarg, "--single-transaction", "--quick",
			 "--skip-lock-tables", "--hex-blob", "--no-tablespaces",
			 name, NULL };
	if (client_options(opts) == 0) {
		rc = run_tool(argv, NULL, dump);
		unlink(opts);
	}
	if (rc == 0 && write_info(dir, db) == 0 && copy_config(dir) == 0 &&
	    write_manifest(dir) == 0) {
		printf("backup in %s: database.sql, secret.key, infosys.conf, migrate.conf, INFO, MANIFEST\n"
		       "keep a copy of secret.key offline, apart from the dumps\n", dir);
		return CTL_OK;
	}
	fprintf(stderr, "infosysctl: backup to %s failed\n", dir);
	return CTL_FAIL;
}

/* Every file of the backup against MANIFEST. */
static int check_manifest(const char *dir)
{
	char path[4096], line[4200], hex[65];
	size_t ok = 0;
	FILE *f;

	if (path_in(path, sizeof(path), dir, "MANIFEST") || !(f = fopen(path, "r"))) {
		fprintf(stderr, "infosysctl: %s has no MANIFEST: not a backup\n", dir);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ')
			continue;
		line[64] = '\0';
		for (size_t i = 0; i < NFILES; i++)
			if (!strcmp(line + 66, backup_files[i])) {
				if (path_in(path, sizeof(path), dir, backup_files[i]) ||
				    file_sha256(path, hex) != 0 || strcmp(hex, line)) {
					fprintf(stderr, "infosysctl: %s does not match MANIFEST\n",
						backup_files[i]);
					fclose(f);
					return -1;
				}
				ok++;
			}
	}
	fclose(f);
	if (ok != NFILES) {
		fprintf(stderr, "infosysctl: MANIFEST of %s is incomplete\n", dir);
		return -1;
	}
	return 0;
}

/* The backup's key where [security] key_file says: put there when
 * missing, accepted when the same, refused when different. */
static int check_key(const char *dir, int install)
{
	const char *key = conf_get(ctl_conf(), "security", "key_file", NULL);
	char from[4096], a[65], b[65];

	if (!key || path_in(from, sizeof(from), dir, "secret.key"))
		return -1;
	if (access(key, F_OK) != 0)
		return install ? copy_file(from, key) : 0;
	if (file_sha256(from, a) || file_sha256(key, b))
		return -1;
	if (strcmp(a, b)) {
		fprintf(stderr, "infosysctl: %s holds a different key than the backup; move it away first\n",
			key);
		return -1;
	}
	return 0;
}

static int database_empty(struct db *db)
{
	struct dbres r;
	struct err err;

	err_clear(&err);
	if (db_query(db, sql_tables, NULL, 0, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err), -1;
	if (strcmp(dbres_get(&r, 0, 0) ? dbres_get(&r, 0, 0) : "1", "0")) {
		fputs("infosysctl: the database already has tables; restore only onto an empty one\n",
		      stderr);
		return -1;
	}
	return 0;
}

static int restore(const char *dir)
{
	char opts[4096], dump[4096], optarg[4200], name[65];
	char *argv[] = { "mariadb", optarg, name, NULL };
	char *migrate_argv[] = { "migrate", NULL };
	struct db *db = ctl_db(1);
	int rc = -1;

	snprintf(name, sizeof(name), "%s", conf_get(ctl_conf(), "database", "name", "infosys"));
	if (!db || !ctl_arena() || check_manifest(dir) || check_key(dir, 0) ||
	    database_empty(db))
		return CTL_FAIL;
	if (path_in(dump, sizeof(dump), dir, "database.sql") ||
	    (size_t)snprintf(opts, sizeof(opts), "%s.client.cnf", conf_path(ctl_conf())) >= sizeof(opts))
		return CTL_FAIL;
	snprintf(optarg, sizeof(optarg), "--defaults-extra-file=%s", opts);
	unlink(opts);
	if (client_options(opts) == 0) {
		rc = run_tool(argv, dump, NULL);
		unlink(opts);
	}
	if (rc != 0 || check_key(dir, 1) != 0)
		return CTL_FAIL;
	printf("restored the database and the key from %s\n", dir);
	return ctl_migrate(1, migrate_argv);
}

int ctl_backup(int argc, char **argv)
{
	if (argc != 2)
		return ctl_usage("usage: %s DIR", argv[0]);
	return !strcmp(argv[0], "backup") ? backup(argv[1]) : restore(argv[1]);
}
