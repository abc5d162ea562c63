/* db — the database layer over MariaDB Connector/C.
 *
 * Prepared statements only: every SQL text is a string constant of the
 * calling module and every value is a bound parameter. Statements are
 * prepared once per connection and cached by their SQL text's address.
 * A lost connection gives E_UNAVAILABLE and is reopened on the next call;
 * a deadlock or lock wait timeout gives E_RETRY (the pipeline runs the
 * request again). */
#ifndef INFOSYS_DB_H
#define INFOSYS_DB_H

#include <stddef.h>
#include <string.h>
#include "arena.h"
#include "conf.h"
#include "err.h"

enum dbtype { DBP_NULL, DBP_INT, DBP_STR };

struct dbparam {
	enum dbtype type;
	long long i;
	const char *s;
	size_t len;
};

#define P_INT(x)     ((struct dbparam){ .type = DBP_INT, .i = (x) })
#define P_STR(x)     ((struct dbparam){ .type = DBP_STR, .s = (x), .len = strlen(x) })
#define P_STRN(x, n) ((struct dbparam){ .type = DBP_STR, .s = (x), .len = (n) })
#define P_NULL       ((struct dbparam){ .type = DBP_NULL })

/* A result set, all in the arena. cell(r, row, col) is NUL-terminated text,
 * or NULL for SQL NULL; lens[] gives byte lengths (binary-safe). */
struct dbres {
	size_t nrows, ncols;
	char **cells;		/* nrows * ncols */
	unsigned long *lens;	/* nrows * ncols */
};

static inline const char *dbres_get(const struct dbres *r, size_t row,
				    size_t col)
{
	return (row < r->nrows && col < r->ncols) ? r->cells[row * r->ncols + col] : NULL;
}

struct db;

/* Connects with [database] of the configuration (socket or host/port,
 * name, user, password). as_migrator uses [migrate] user/password instead.
 * The connection is opened lazily; this only records the settings. */
struct db *db_new(const struct conf *conf, int as_migrator);

/* The database account of one program ("auth", "portal", "sync",
 * "purge"): user and password of [database.<account>], else those of
 * [database] (a configuration from before per-program accounts). */
struct db *db_new_account(const struct conf *conf, const char *account);

/* As db_new, with the account given: host, socket, port and name still
 * come from [database] of conf. */
struct db *db_new_as(const struct conf *conf, const char *user,
		     const char *password, int as_migrator);

/* As db_new_as for a server administrator: no default database (it may
 * not exist yet). */
struct db *db_new_admin(const struct conf *conf, const char *user,
			const char *password);
void db_free(struct db *db);

/* Statements that change rows. affected/insert_id may be NULL. */
int db_exec(struct db *db, const char *sql, const struct dbparam *params,
	    size_t nparams, unsigned long long *affected,
	    unsigned long long *insert_id, struct err *err);

/* Statements that return rows; the result lives in arena. */
int db_query(struct db *db, const char *sql, const struct dbparam *params,
	     size_t nparams, struct arena *arena, struct dbres *out,
	     struct err *err);

/* Transactions nest by depth: only the outermost begin/commit reach the
 * server; a rollback at any depth rolls the whole transaction back. */
int db_begin(struct db *db, struct err *err);
int db_commit(struct db *db, struct err *err);
void db_rollback(struct db *db);

/* 1 while a db_begin is open (or a forced rollback still unwinds). */
int db_in_transaction(const struct db *db);

/* Ends what db_begin started: commits when failed is 0, else rolls back.
 * Returns 0 only when committed; err keeps the first failure. */
int db_end(struct db *db, int failed, struct err *err);

/* Ends the request's use of the connection: rolls back a transaction a
 * handler left open and clears the nesting, so one handler's missing
 * rollback cannot leak into the next request. Call after each request. */
void db_reset(struct db *db);

/* The server error number of the last failed call (e.g. 1062 for a
 * duplicate key), 0 when none. */
unsigned db_errno(const struct db *db);

/* The text of a statement over a list of rows ("VALUES (?, ?), (?, ?)",
 * "IN (?, ?, ?)"): head, first, then rows - 1 times more (after join the
 * first time, after ", " the others), then tail. Only for constant
 * parts, never request text; malloc'd (NULL when out of memory). A
 * caller keeps it for the worker's life: statements are cached by the
 * text's address. */
char *db_sql_repeat(const char *head, const char *first, const char *join,
		    const char *more, const char *tail, size_t rows);

/* Runs a multi-statement SQL script as is (migrations only; never with
 * request data). */
int db_run_script(struct db *db, const char *sql, size_t len, struct err *err);

#endif
