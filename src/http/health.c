/* health — see health.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <mysqld_error.h>

#include "health.h"
#include "log.h"
#include "build_info.h"

static const char sql_version[] = "SELECT MAX(version) FROM schema_migrations";

long schema_required(void)
{
	return INFOSYS_SCHEMA_REQUIRED;
}

/* The schema version, or -1 when the database does not answer. A
 * database that answers but has no schema_migrations, or does not let
 * this program's account read it (before the release that gave each
 * program its own account, 010), holds a schema too old: 0. */
static long schema_version(struct db *db, struct arena *a)
{
	struct dbres r;
	struct err err;
	const char *v;

	err_clear(&err);
	if (db_query(db, sql_version, NULL, 0, a, &r, &err) != 0) {
		unsigned e = db_errno(db);
		db_reset(db);
		return e == ER_NO_SUCH_TABLE || e == ER_TABLEACCESS_DENIED_ERROR ||
		       e == ER_DBACCESS_DENIED_ERROR ? 0 : -1;
	}
	v = dbres_get(&r, 0, 0);
	return v ? atol(v) : 0;
}

int schema_gate_pass(struct schema_gate *g, struct db *db, struct arena *a,
		     time_t now, struct err *err)
{
	if (g->ok)
		return 0;
	if (g->checked != now) {
		long was = g->version;

		g->checked = now;
		g->version = schema_version(db, a);
		if (g->version < 0 || g->version >= schema_required()) {
			g->ok = g->version >= 0;
			if (g->ok && was >= 0 && was < schema_required())
				log_info("schema version %ld: serving again", g->version);
			return 0;
		}
		if (was != g->version)
			log_error("the database schema is version %ld, this program needs %ld:"
				  " refusing requests until `infosysctl migrate` has run",
				  g->version, schema_required());
	}
	return err_set(err, E_UNAVAILABLE,
		       "the database schema is older than this program; an operator must run the migration");
}

/* "ok" when a pool's socket accepts a connection, "down" when not. */
static const char *pool_state(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return "down";
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return "down";
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	/* EAGAIN: the backlog is full, so the pool is there and busy. */
	rc = rc == 0 || errno == EAGAIN;
	close(fd);
	return rc ? "ok" : "down";
}

json_t *health_answer(const struct conf *conf, struct db *db, struct arena *a,
		      int *status)
{
	static const char *const pools[] = { "auth", "auth_device", "portal", "sync" };
	long version = schema_version(db, a);
	json_t *data = json_object(), *reply;
	int ok = version >= schema_required();

	json_object_set_new(data, "database", json_string(version >= 0 ? "ok" : "down"));
	json_object_set_new(data, "schema", version >= 0 ? json_integer(version) : json_null());
	json_object_set_new(data, "schema_required", json_integer(schema_required()));
	json_object_set_new(data, "version", json_string(INFOSYS_VERSION));
	for (size_t i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
		char key[32];
		const char *path, *state;

		snprintf(key, sizeof(key), "%s_socket", pools[i]);
		if (!(path = conf_get(conf, "health", key, NULL)))
			continue;
		state = pool_state(path);
		ok = ok && !strcmp(state, "ok");
		json_object_set_new(data, pools[i], json_string(state));
	}
	*status = ok ? 200 : 503;
	reply = json_object();
	json_object_set_new(reply, "ok", json_boolean(ok));
	json_object_set_new(reply, "data", data);
	return reply;
}
