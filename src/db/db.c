/* db — MariaDB Connector/C behind prepared statements.
 *
 * One connection per struct db, opened on first use, with short connect,
 * read and write timeouts so a hung server costs a worker seconds, not
 * forever. Statements are prepared once and cached by the address of
 * their SQL text (callers pass static constants). When the connection is
 * lost, it and every cached statement are dropped and the call fails with
 * E_UNAVAILABLE; the next call reconnects, to the next server of the
 * configured list first (failover in a Galera cluster: a node that lost
 * its connection is likely dead). Error messages are redacted of
 * quoted values, because servers quote the offending value (e.g. a
 * duplicate key) and parameters must never reach a log. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "db.h"

#define DB_TIMEOUT_S 5
#define DB_MIGRATE_TIMEOUT_S 3600
#define DB_PARAMS_ON_STACK 32

/* A cached statement and the buffers its result columns are bound to.
 * The library keeps pointers to those buffers between calls, so they
 * belong to the statement, never to a request's arena. */
struct db_stmt {
	const char *sql;	/* the key: the caller's constant */
	MYSQL_STMT *st;
	size_t ncols;
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls, *errs;
};

#define DB_COL_MIN 72		/* numbers, dates and decimals as text */
#define DB_COL_KEEP 65536	/* larger column buffers are freed after use */

/* One server of [database] socket/host lists. */
struct db_server {
	char *socket;		/* or NULL: host and port */
	char *host;
	unsigned port;
};

#define DB_SERVERS_MAX 16
#define DB_ADDR_MAX 512

struct db {
	struct db_server servers[DB_SERVERS_MAX];
	size_t nservers, cur;	/* cur: the server tried first */
	char *user, *password, *name;
	char init_sync[64];	/* SET wsrep_sync_wait, or "" */
	unsigned timeout;
	int migrator;

	MYSQL *conn;
	struct db_stmt *stmts;
	size_t nstmts, capstmts;

	int depth;		/* transaction nesting */
	int unwind;		/* levels still to end after a forced rollback */
	enum errcode abort_code;
	unsigned last_errno;
};

static char *dup_or_null(const char *s)
{
	return (s && *s) ? strdup(s) : NULL;
}

/* host or host:port (default port given). */
static int server_add_host(struct db *db, const char *item, unsigned port)
{
	struct db_server *s = &db->servers[db->nservers];
	const char *colon = strrchr(item, ':');
	char *end;

	s->port = port;
	if (colon) {
		unsigned long p = strtoul(colon + 1, &end, 10);

		if (*end || p == 0 || p > 65535)
			return -1;
		s->port = (unsigned)p;
	}
	s->host = colon ? strndup(item, (size_t)(colon - item)) : strdup(item);
	if (!s->host)
		return -1;
	db->nservers++;
	return 0;
}

/* The servers in preference order: every socket of the list, then every
 * host. Without either, localhost:port as before. */
static void servers_load(struct db *db, const struct conf *conf)
{
	const char *socks = conf_get(conf, "database", "socket", NULL);
	const char *hosts = conf_get(conf, "database", "host", NULL);
	unsigned port = (unsigned)conf_get_int(conf, "database", "port", 3306);
	char item[DB_ADDR_MAX];

	for (size_t i = 0; db->nservers < DB_SERVERS_MAX &&
	     conf_list_item(socks, i, item, sizeof(item)) == 0; i++)
		if ((db->servers[db->nservers].socket = strdup(item)))
			db->nservers++;
	for (size_t i = 0; db->nservers < DB_SERVERS_MAX &&
	     conf_list_item(hosts, i, item, sizeof(item)) == 0; i++)
		if (server_add_host(db, item, port) != 0)
			fprintf(stderr, "database: ignoring bad host '%s'\n", item);
	if (db->nservers == 0)
		server_add_host(db, "localhost", port);
}

/* [database] sync_wait: Galera's wsrep_sync_wait for every session, so a
 * read on one node sees what another node committed just before (a
 * session made through the other application node, a lockout count). */
static void sync_wait_load(struct db *db, const struct conf *conf)
{
	long long v = conf_get_int(conf, "database", "sync_wait", 0);

	if (v > 0 && v <= 15)
		snprintf(db->init_sync, sizeof(db->init_sync),
			 "SET SESSION wsrep_sync_wait = %lld", v);
}

struct db *db_new_as(const struct conf *conf, const char *user,
		     const char *password, int as_migrator)
{
	struct db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->migrator = as_migrator;
	servers_load(db, conf);
	sync_wait_load(db, conf);
	db->name = dup_or_null(conf_get(conf, "database", "name", "infosys"));
	db->user = dup_or_null(user);
	db->password = dup_or_null(password);
	db->timeout = (unsigned)conf_get_int(conf, as_migrator ? "migrate" : "database",
					     "timeout",
					     as_migrator ? DB_MIGRATE_TIMEOUT_S : DB_TIMEOUT_S);
	return db;
}

struct db *db_new_admin(const struct conf *conf, const char *user,
			const char *password)
{
	struct db *db = db_new_as(conf, user, password, 1);

	if (db) {
		free(db->name);
		db->name = NULL;
	}
	return db;
}

struct db *db_new(const struct conf *conf, int as_migrator)
{
	const char *sec = as_migrator ? "migrate" : "database";

	return db_new_as(conf, conf_get(conf, sec, "user", NULL),
			 conf_get(conf, sec, "password", NULL), as_migrator);
}

struct db *db_new_account(const struct conf *conf, const char *account)
{
	char sec[64];

	snprintf(sec, sizeof(sec), "database.%s", account);
	if (!conf_get(conf, sec, "user", NULL))
		return db_new(conf, 0);
	return db_new_as(conf, conf_get(conf, sec, "user", NULL),
			 conf_get(conf, sec, "password", NULL), 0);
}

/* The transaction is gone (server rollback or lost connection): the levels
 * of begin still open must each end with a rollback or commit, and until
 * then statements fail rather than silently run outside a transaction. */
static void tx_abandon(struct db *db, enum errcode code)
{
	if (db->depth > 0) {
		db->unwind = db->depth;
		db->abort_code = code;
	}
	db->depth = 0;
}

static void stmt_free_bufs(struct db_stmt *s)
{
	for (size_t c = 0; c < s->ncols && s->bind; c++)
		free(s->bind[c].buffer);
	free(s->bind);
	free(s->lens);
	free(s->nulls);
	free(s->errs);
	s->bind = NULL;
	s->lens = NULL;
	s->nulls = s->errs = NULL;
	s->ncols = 0;
}

static void stmt_close(struct db_stmt *s)
{
	mysql_stmt_close(s->st);
	stmt_free_bufs(s);
}

/* Forgets the connection and its statements (they die with it). */
static void db_drop(struct db *db)
{
	for (size_t i = 0; i < db->nstmts; i++)
		stmt_close(&db->stmts[i]);
	db->nstmts = 0;
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	tx_abandon(db, E_UNAVAILABLE);
}

void db_free(struct db *db)
{
	if (!db)
		return;
	db_drop(db);
	free(db->stmts);
	for (size_t i = 0; i < db->nservers; i++) {
		free(db->servers[i].socket);
		free(db->servers[i].host);
	}
	free(db->user);
	free(db->password);
	free(db->name);
	free(db);
}

unsigned db_errno(const struct db *db)
{
	return db ? db->last_errno : 0;
}

static int is_conn_error(unsigned e)
{
	switch (e) {
	case CR_SOCKET_CREATE_ERROR: case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR: case CR_IPSOCK_ERROR: case CR_UNKNOWN_HOST:
	case CR_SERVER_GONE_ERROR: case CR_SERVER_HANDSHAKE_ERR:
	case CR_SERVER_LOST: case CR_COMMANDS_OUT_OF_SYNC:
	case CR_SERVER_LOST_EXTENDED:
	case ER_CON_COUNT_ERROR: case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED:
	case 1047:	/* ER_UNKNOWN_COM_ERROR: Galera node not ready */
	case 1158: case 1159: case 1160: case 1161:	/* ER_NET_* */
	case 4031:	/* ER_CLIENT_INTERACTION_TIMEOUT */
		return 1;
	default:
		return 0;
	}
}

static int quote_is_name(const char *start, const char *q)
{
	static const char *const words[] = { "key ", "column ", "table ",
		"constraint ", "database ", "user ", "near ", "function ",
		"socket ", "in " };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(q - start) >= n && !strncmp(q - n, words[i], n))
			return 1;
	}
	return 0;
}

/* Copies a server message, replacing quoted values by '?' while keeping
 * quoted names (key 'x', column 'y', …), which help and are not data. An
 * apostrophe inside a word (Can't) opens no quote. */
static void msg_redact(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 4 < size; p++) {
		const char *end;
		size_t n;

		if (*p != '\'' || (p > in && isalnum((unsigned char)p[-1])) ||
		    !(end = strchr(p + 1, '\''))) {
			out[o++] = *p;
			continue;
		}
		if (quote_is_name(in, p)) {
			n = (size_t)(end - p) + 1;
			if (n > size - 1 - o)
				n = size - 1 - o;
			memcpy(out + o, p, n);
			o += n;
		} else {
			memcpy(out + o, "'?'", 3);
			o += 3;
		}
		p = end;
	}
	out[o] = '\0';
}

/* Maps a failure to an error value; drops the connection when it is gone
 * and rolls back when the server chose us as a deadlock victim. */
static int db_fail(struct db *db, unsigned e, const char *msg, struct err *err)
{
	char clean[ERR_MSG_MAX];

	db->last_errno = e;
	msg_redact(msg ? msg : "", clean, sizeof(clean));
	if (is_conn_error(e)) {
		db_drop(db);
		/* The server may be dead: the next connection tries the
		 * next one first. */
		if (db->nservers > 0)
			db->cur = (db->cur + 1) % db->nservers;
		return err_set(err, E_UNAVAILABLE, "database unavailable (%u): %s",
			       e, clean);
	}
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT) {
		if (db->depth > 0) {
			/* A lock wait timeout rolls back only the statement;
			 * the request is retried whole, so drop it all. */
			mysql_rollback(db->conn);
			tx_abandon(db, E_RETRY);
		}
		return err_set(err, E_RETRY, "database lock conflict (%u)", e);
	}
	return err_set(err, E_INTERNAL, "database error %u: %s", e, clean);
}

static int conn_fail(struct db *db, struct err *err)
{
	unsigned e = db->conn ? mysql_errno(db->conn) : CR_CONNECTION_ERROR;
	const char *m = db->conn ? mysql_error(db->conn) : "no connection";

	return db_fail(db, e, m, err);
}

static int db_set_options(struct db *db)
{
	unsigned t_conn = DB_TIMEOUT_S, t = db->timeout;
	my_bool off = 0;

	return mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &t_conn) ||
	       mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &t) ||
	       mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &t) ||
	       mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off) ||
	       mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4") ||
	       mysql_options(db->conn, MYSQL_INIT_COMMAND,
			     "SET time_zone = '+00:00'") ||
	       (db->init_sync[0] &&
		mysql_options(db->conn, MYSQL_INIT_COMMAND, db->init_sync));
}

/* Opens a connection to one server; 0, or -1 with the reason in err. */
static int server_connect(struct db *db, const struct db_server *s,
			  struct err *err)
{
	unsigned long flags = db->migrator ? CLIENT_MULTI_STATEMENTS : 0;
	char msg[ERR_MSG_MAX];
	unsigned e;

	if (!(db->conn = mysql_init(NULL)))
		return err_set(err, E_UNAVAILABLE, "database: out of memory");
	if (db_set_options(db) == 0 &&
	    mysql_real_connect(db->conn, s->socket ? NULL : s->host, db->user,
			       db->password, db->name,
			       s->socket ? 0 : s->port, s->socket, flags) &&
	    mysql_autocommit(db->conn, 1) == 0)
		return 0;
	e = mysql_errno(db->conn);
	msg_redact(mysql_error(db->conn), msg, sizeof(msg));
	db_drop(db);
	db->last_errno = e ? e : CR_CONNECTION_ERROR;
	return err_set(err, E_UNAVAILABLE, "database unavailable (%u): %s",
		       db->last_errno, msg);
}

static const char *server_name(const struct db_server *s)
{
	return s->socket ? s->socket : s->host;
}

/* Tries each server once, from the current one. Any failure to connect
 * (refused, access denied, unknown database, a Galera node not ready)
 * moves on; when none answers this worker cannot serve: unavailable. */
static int db_connect(struct db *db, struct err *err)
{
	if (db->conn)
		return 0;
	for (size_t k = 0; k < db->nservers; k++) {
		size_t i = (db->cur + k) % db->nservers;

		if (server_connect(db, &db->servers[i], err) != 0)
			continue;
		if (k > 0)
			fprintf(stderr, "database: %s unavailable, using %s\n",
				server_name(&db->servers[db->cur]),
				server_name(&db->servers[i]));
		db->cur = i;
		return 0;
	}
	return -1;
}

/* The cached statement for sql, prepared on first use. */
static struct db_stmt *stmt_get(struct db *db, const char *sql, struct err *err)
{
	MYSQL_STMT *st;
	my_bool on = 1;

	if (db_connect(db, err) != 0)
		return NULL;
	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql)
			return &db->stmts[i];
	if (db->nstmts == db->capstmts) {
		size_t cap = db->capstmts ? db->capstmts * 2 : 32;
		struct db_stmt *v = realloc(db->stmts, cap * sizeof(*v));

		if (!v) {
			err_set(err, E_INTERNAL, "database: out of memory");
			return NULL;
		}
		db->stmts = v;
		db->capstmts = cap;
	}
	if (!(st = mysql_stmt_init(db->conn))) {
		conn_fail(db, err);
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		unsigned e = mysql_stmt_errno(st);
		char msg[ERR_MSG_MAX];

		snprintf(msg, sizeof(msg), "%s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		db_fail(db, e, msg, err);
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	db->stmts[db->nstmts] = (struct db_stmt){ .sql = sql, .st = st };
	return &db->stmts[db->nstmts++];
}

/* A statement the server forgot (e.g. after DDL) is prepared again on the
 * next call rather than failing forever. */
static void stmt_forget(struct db *db, const char *sql)
{
	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i].sql == sql) {
			stmt_close(&db->stmts[i]);
			db->stmts[i] = db->stmts[--db->nstmts];
			return;
		}
}

/* Maps a statement's failure; st must not be used afterwards (it may
 * have been closed with the connection). */
static int stmt_fail(struct db *db, const char *sql, MYSQL_STMT *st,
		     struct err *err)
{
	unsigned e = mysql_stmt_errno(st);
	char msg[ERR_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", mysql_stmt_error(st));
	if (!is_conn_error(e)) {
		mysql_stmt_free_result(st);
		if (e == 1243 || e == 1615)	/* unknown handler, needs reprepare */
			stmt_forget(db, sql);
	}
	return db_fail(db, e, msg, err);
}

/* Binds params and executes. The bind array lives on the stack for the
 * common case and on the heap for large multi-row inserts. */
static int stmt_run(struct db *db, const char *sql, MYSQL_STMT *st,
		    const struct dbparam *params, size_t n, struct err *err)
{
	MYSQL_BIND stack[DB_PARAMS_ON_STACK], *b = stack;
	int rc = 0;

	if (mysql_stmt_param_count(st) != n)
		return err_set(err, E_INTERNAL, "database: statement wants %lu parameters, got %zu",
			       mysql_stmt_param_count(st), n);
	if (n > DB_PARAMS_ON_STACK && !(b = calloc(n, sizeof(*b))))
		return err_set(err, E_INTERNAL, "database: out of memory");
	memset(b, 0, (n ? n : 1) * sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		const struct dbparam *p = &params[i];

		if (p->type == DBP_INT) {
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)(uintptr_t)&p->i;
		} else if (p->type == DBP_STR) {
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)(uintptr_t)(p->s ? p->s : "");
			b[i].buffer_length = p->s ? p->len : 0;
		} else {
			b[i].buffer_type = MYSQL_TYPE_NULL;
		}
	}
	if ((n && mysql_stmt_bind_param(st, b)) || mysql_stmt_execute(st))
		rc = stmt_fail(db, sql, st, err);
	if (b != stack)
		free(b);
	return rc;
}

static int tx_check(struct db *db, struct err *err)
{
	if (db->unwind > 0)
		return err_set(err, db->abort_code,
			       "database: transaction was already rolled back");
	return 0;
}

/* Prepares (once) and executes sql. A connection found gone before the
 * statement reached the server (CR_SERVER_GONE_ERROR: the server restarted
 * or closed an idle worker's connection) is reopened and the statement
 * tried once more, but only outside a transaction, where nothing else
 * was lost with it; otherwise the caller gets E_UNAVAILABLE. */
static struct db_stmt *stmt_exec(struct db *db, const char *sql,
				 const struct dbparam *params, size_t n,
				 struct err *err)
{
	for (int attempt = 0;; attempt++) {
		int had_conn = db->conn != NULL;
		struct db_stmt *s;

		db->last_errno = 0;
		if (tx_check(db, err))
			return NULL;
		s = stmt_get(db, sql, err);
		if (s && stmt_run(db, sql, s->st, params, n, err) == 0)
			return s;
		if (attempt > 0 || !had_conn || db->unwind > 0 ||
		    db->last_errno != CR_SERVER_GONE_ERROR)
			return NULL;
	}
}

int db_exec(struct db *db, const char *sql, const struct dbparam *params,
	    size_t nparams, unsigned long long *affected,
	    unsigned long long *insert_id, struct err *err)
{
	struct db_stmt *s = stmt_exec(db, sql, params, nparams, err);
	MYSQL_STMT *st;

	if (!s)
		return -1;
	st = s->st;
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id)
		*insert_id = mysql_stmt_insert_id(st);
	if (mysql_stmt_field_count(st) > 0)
		mysql_stmt_free_result(st);
	return 0;
}

/* The statement's column buffers for one row, grown to the stored
 * result's max_length; a value that still does not fit is fetched again
 * at its full size (cell_copy). */
static int res_bind(struct db_stmt *s, MYSQL_RES *meta, size_t ncols)
{
	MYSQL_FIELD *f = mysql_fetch_fields(meta);

	if (s->ncols != ncols) {
		stmt_free_bufs(s);
		s->bind = calloc(ncols, sizeof(*s->bind));
		s->lens = calloc(ncols, sizeof(*s->lens));
		s->nulls = calloc(ncols, sizeof(*s->nulls));
		s->errs = calloc(ncols, sizeof(*s->errs));
		if (!s->bind || !s->lens || !s->nulls || !s->errs) {
			stmt_free_bufs(s);
			return -1;
		}
		s->ncols = ncols;
	}
	for (size_t c = 0; c < ncols; c++) {
		MYSQL_BIND *b = &s->bind[c];
		unsigned long size = f[c].max_length + 1;

		if (size < DB_COL_MIN)
			size = DB_COL_MIN;
		if (!b->buffer || b->buffer_length < size) {
			void *buf = realloc(b->buffer, size);

			if (!buf)
				return -1;
			b->buffer = buf;
			b->buffer_length = size;
		}
		b->buffer_type = MYSQL_TYPE_STRING;
		b->length = &s->lens[c];
		b->is_null = &s->nulls[c];
		b->error = &s->errs[c];
	}
	return mysql_stmt_bind_result(s->st, s->bind) ? -1 : 0;
}

/* Large buffers are not kept for the worker's lifetime; the library is
 * told at once, as it keeps the bound addresses. */
static void res_trim(struct db_stmt *s)
{
	int changed = 0;

	for (size_t c = 0; c < s->ncols; c++)
		if (s->bind[c].buffer_length > DB_COL_KEEP) {
			void *small = realloc(s->bind[c].buffer, DB_COL_MIN);

			if (small) {
				s->bind[c].buffer = small;
				s->bind[c].buffer_length = DB_COL_MIN;
				changed = 1;
			}
		}
	if (changed)
		mysql_stmt_bind_result(s->st, s->bind);
}

static char *cell_copy(MYSQL_STMT *st, MYSQL_BIND *b, unsigned c,
		       struct arena *a)
{
	unsigned long len = *b[c].length;
	MYSQL_BIND big;
	char *s;

	if (len < b[c].buffer_length)
		return arena_strndup(a, b[c].buffer, len);
	if (!(s = arena_alloc(a, len + 1)))
		return NULL;
	big = b[c];
	big.buffer = s;
	big.buffer_length = len + 1;
	if (mysql_stmt_fetch_column(st, &big, c, 0))
		return NULL;
	s[len] = '\0';
	return s;
}

static int res_fetch(MYSQL_STMT *st, MYSQL_BIND *b, struct dbres *r,
		     struct arena *a)
{
	for (size_t row = 0; row < r->nrows; row++) {
		int rc = mysql_stmt_fetch(st);

		if (rc == 1 || rc == MYSQL_NO_DATA)
			return -1;	/* the statement's error */
		for (size_t c = 0; c < r->ncols; c++) {
			size_t k = row * r->ncols + c;

			r->cells[k] = NULL;
			r->lens[k] = 0;
			if (*b[c].is_null)
				continue;
			r->lens[k] = *b[c].length;
			if (!(r->cells[k] = cell_copy(st, b, (unsigned)c, a)))
				return -2;	/* out of memory */
		}
	}
	return 0;
}

static int res_read(struct db *db, struct db_stmt *s, struct arena *a,
		    struct dbres *out, struct err *err)
{
	MYSQL_STMT *st = s->st;
	const char *sql = s->sql;
	MYSQL_RES *meta;
	size_t cells;
	int rc = -2;

	if (mysql_stmt_store_result(st))
		return stmt_fail(db, sql, st, err);
	if (!(meta = mysql_stmt_result_metadata(st))) {
		mysql_stmt_free_result(st);
		return err_set(err, E_INTERNAL, "database: statement returns no rows");
	}
	out->ncols = mysql_num_fields(meta);
	out->nrows = (size_t)mysql_stmt_num_rows(st);
	cells = out->nrows * out->ncols + 1;
	out->cells = arena_alloc(a, cells * sizeof(*out->cells));
	out->lens = arena_alloc(a, cells * sizeof(*out->lens));
	if (out->cells && out->lens && res_bind(s, meta, out->ncols) == 0)
		rc = res_fetch(st, s->bind, out, a);
	mysql_free_result(meta);
	if (rc == -1)
		return stmt_fail(db, sql, st, err);
	mysql_stmt_free_result(st);
	res_trim(s);
	if (rc == -2)
		return err_set(err, E_INTERNAL, "database: out of memory");
	return 0;
}

int db_query(struct db *db, const char *sql, const struct dbparam *params,
	     size_t nparams, struct arena *arena, struct dbres *out,
	     struct err *err)
{
	struct db_stmt *s;

	memset(out, 0, sizeof(*out));
	if (!(s = stmt_exec(db, sql, params, nparams, err)) ||
	    res_read(db, s, arena, out, err)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int db_in_transaction(const struct db *db)
{
	return db->depth > 0 || db->unwind > 0;
}

int db_begin(struct db *db, struct err *err)
{
	db->last_errno = 0;
	if (tx_check(db, err))
		return -1;
	if (db->depth == 0) {
		if (db_connect(db, err))
			return -1;
		if (mysql_real_query(db->conn, "START TRANSACTION", 17))
			return conn_fail(db, err);
	}
	db->depth++;
	return 0;
}

int db_commit(struct db *db, struct err *err)
{
	db->last_errno = 0;
	if (db->unwind > 0) {
		db->unwind--;
		return err_set(err, db->abort_code,
			       "database: transaction was rolled back");
	}
	if (db->depth == 0)
		return err_set(err, E_INTERNAL, "database: commit without begin");
	if (--db->depth > 0)
		return 0;
	if (mysql_commit(db->conn))
		return conn_fail(db, err);
	return 0;
}

void db_rollback(struct db *db)
{
	/* Whatever the depth, the whole transaction goes; the outer levels
	 * learn it from tx_check until they unwind with their own end. */
	if (db->depth > 0) {
		if (db->conn)
			mysql_rollback(db->conn);
		db->unwind = db->depth - 1;
		db->abort_code = E_INTERNAL;
		db->depth = 0;
	} else if (db->unwind > 0) {
		db->unwind--;
	}
}

void db_reset(struct db *db)
{
	if (db->depth > 0 && db->conn)
		mysql_rollback(db->conn);
	db->depth = 0;
	db->unwind = 0;
}

/* Drains every result of a multi-statement script; the first error stops
 * the server from running the rest. */
int db_run_script(struct db *db, const char *sql, size_t len, struct err *err)
{
	int status, n = 1;

	db->last_errno = 0;
	if (db_connect(db, err))
		return -1;
	if (!db->migrator)
		return err_set(err, E_INTERNAL, "database: scripts need the migrator connection");
	if (mysql_real_query(db->conn, sql, len))
		return conn_fail(db, err);
	do {
		MYSQL_RES *res = mysql_store_result(db->conn);

		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(db->conn) != 0)
			return conn_fail(db, err);
		status = mysql_next_result(db->conn);
		n++;
	} while (status == 0);
	if (status > 0) {
		char msg[ERR_MSG_MAX];

		conn_fail(db, err);
		snprintf(msg, sizeof(msg), "statement %d: %.230s", n, err->msg);
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
		return -1;
	}
	return 0;
}

int db_end(struct db *db, int failed, struct err *err)
{
	if (!failed && db_commit(db, err) == 0)
		return 0;
	db_rollback(db);
	return -1;
}

char *db_sql_repeat(const char *head, const char *first, const char *join,
		    const char *more, const char *tail, size_t rows)
{
	size_t cap = strlen(head) + strlen(first) + strlen(join) + strlen(tail) +
		     rows * (strlen(more) + 2) + 1;
	char *s = malloc(cap), *p = s;

	if (!s)
		return NULL;
	p += sprintf(p, "%s%s", head, first);
	for (size_t i = 1; i < rows; i++)
		p += sprintf(p, "%s%s", i == 1 ? join : ", ", more);
	sprintf(p, "%s", tail);
	return s;
}
