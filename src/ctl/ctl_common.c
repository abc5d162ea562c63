/* ctl_common — configuration, connections and checks shared by the
 * infosysctl subcommands. One process runs one command, so the shared
 * state is a handful of lazily made singletons freed at exit. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auditchain.h"
#include "bind.h"
#include "ctl.h"

const char *ctl_conf_path;

static struct conf *conf;
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

struct db *ctl_db(int as_migrator)
{
	int k = as_migrator ? 1 : 0;

	if (dbs[k])
		return dbs[k];
	if (!ctl_conf())
		return NULL;
	if (!(dbs[k] = db_new(conf, as_migrator)))
		fputs("infosysctl: out of memory\n", stderr);
	return dbs[k];
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
	conf = NULL;
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
