/* ctl_common — configuration, connections and checks shared by the
 * infosysctl subcommands. One process runs one command, so the shared
 * state is a handful of lazily made singletons freed at exit. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "auditchain.h"
#include "bind.h"
#include "ctl.h"
#include "ctx.h"

const char *ctl_conf_path;

static struct conf *conf, *migconf;
static int migconf_tried;
static struct db *dbs[2];
static struct arena *arena;

const struct conf *ctl_conf(void)
{
	struct err err;

	if (conf)
		return conf;
	err_clear(&err);
	if (!(conf = conf_load(ctl_conf_path, &err)))
		fprintf(stderr, "infosysctl: %s\n", err.msg);
	return conf;
}

const char *ctl_migrate_conf_path(char *buf, size_t size)
{
	const char *env = getenv("INFOSYS_MIGRATE_CONF");
	const char *main_path, *slash;

	if (env && *env)
		return env;
	main_path = ctl_conf() ? conf_path(ctl_conf()) : CONF_DEFAULT_PATH;
	slash = strrchr(main_path, '/');
	if (!slash)
		return "migrate.conf";
	snprintf(buf, size, "%.*s/migrate.conf", (int)(slash - main_path), main_path);
	return buf;
}

/* The root-only migrate.conf when it exists, else NULL: [migrate] of the
 * main configuration (a setup from before the split) is used then. */
static const struct conf *ctl_migconf(void)
{
	char buf[4096];
	const char *path = ctl_migrate_conf_path(buf, sizeof(buf));
	struct stat st;
	struct err err;

	if (migconf_tried)
		return migconf;
	migconf_tried = 1;
	if (stat(path, &st) != 0)
		return NULL;
	if (st.st_mode & 077)
		fprintf(stderr, "infosysctl: warning: %s is readable by others; chmod 0600 it\n",
			path);
	err_clear(&err);
	if (!(migconf = conf_load(path, &err)))
		fprintf(stderr, "infosysctl: %s\n", err.msg);
	return migconf;
}

const char *ctl_migrator_user(void)
{
	const struct conf *m = ctl_migconf();

	return conf_get(m ? m : ctl_conf(), "migrate", "user", "");
}

struct db *ctl_db(int as_migrator)
{
	int k = as_migrator ? 1 : 0;
	const struct conf *m;

	if (dbs[k])
		return dbs[k];
	if (!ctl_conf())
		return NULL;
	m = as_migrator ? ctl_migconf() : NULL;
	if (m)
		dbs[k] = db_new_as(conf, conf_get(m, "migrate", "user", NULL),
				   conf_get(m, "migrate", "password", NULL), 1);
	else
		dbs[k] = db_new(conf, as_migrator);
	if (!dbs[k])
		fputs("infosysctl: out of memory\n", stderr);
	return dbs[k];
}

int ctl_ctx(struct ctx *ctx, int as_migrator)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->conf = ctl_conf();
	ctx->db = ctl_db(as_migrator);
	ctx->arena = ctl_arena();
	ctx->now = time(NULL);
	ctx->remote_addr = "local";
	return ctx->conf && ctx->db && ctx->arena ? 0 : -1;
}

struct arena *ctl_arena(void)
{
	if (!arena && !(arena = arena_new()))
		fputs("infosysctl: out of memory\n", stderr);
	return arena;
}

void ctl_cleanup(void)
{
	db_free(dbs[0]);
	db_free(dbs[1]);
	dbs[0] = dbs[1] = NULL;
	arena_destroy(arena);
	arena = NULL;
	conf_free(conf);
	conf_free(migconf);
	conf = migconf = NULL;
	migconf_tried = 0;
}

int ctl_fail(const struct err *err)
{
	fprintf(stderr, "infosysctl: %s\n", err->msg);
	return CTL_FAIL;
}

int ctl_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("infosysctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(run 'infosysctl help' for usage)\n", stderr);
	return CTL_USAGE;
}

static int all_of(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return 0;
	return 1;
}

int ctl_valid_code(const char *s)
{
	return value_is_code(s, strlen(s)) == 0;
}

int ctl_valid_user_name(const char *s)
{
	return value_is_name(s, strlen(s)) == 0;
}

int ctl_valid_ident(const char *s)
{
	return all_of(s, 1, 64, "_");
}

static const char sql_activity[] =
	"INSERT INTO activity_log (ts, facility_id, user_name, module, action,"
	" target, detail, address" AUDITCHAIN_COLUMNS ")"
	" VALUES (UTC_TIMESTAMP(3), ?, NULL, 'infosysctl', ?, ?, NULL, 'local'"
	AUDITCHAIN_VALUES_ACTIVITY_LOG ")";

void ctl_activity(struct db *db, long long facility_id, const char *action,
		  const char *target)
{
	struct dbparam p[] = { facility_id ? P_INT(facility_id) : P_NULL,
			       P_STR(action), P_STR(target), AUDITCHAIN_PARAMS };
	struct err err;

	err_clear(&err);
	if (auditchain_insert(db, ctl_arena(), AUDIT_ACTIVITY_LOG, facility_id,
			      sql_activity, p, sizeof(p) / sizeof(p[0]), &err) != 0)
		fprintf(stderr, "infosysctl: warning: not recorded in activity_log: %s\n",
			err.msg);
}

int ctl_valid_host(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-%", *s))
			return 0;
	return 1;
}
