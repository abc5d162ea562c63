/* verb — what a verb is: its argument spec, roles and handler.
 *
 * The table itself is src/proto/verbs.c; it is the single source of the API:
 * the parser binds against it, the pipeline checks roles with it, the
 * request log redacts `secret` values with it and `make docs` prints the
 * API reference from it. Adding a verb is one entry and one handler. */
#ifndef INFOSYS_VERB_H
#define INFOSYS_VERB_H

#include <stddef.h>
#include <jansson.h>
#include "cmd.h"
#include "err.h"

enum argtype {
	AT_INT,		/* decimal integer within [min, max] */
	AT_DEC,		/* at most 2 fraction digits; min/max in hundredths */
	AT_BOOL,	/* 0 1 true false */
	AT_ENUM,	/* one of words[] */
	AT_CODE,	/* facility code [A-Za-z0-9]{3,16} */
	AT_NAME,	/* user name [A-Za-z0-9._@-]{1,64} */
	AT_ID,		/* [A-Za-z0-9._:-]{1,64} */
	AT_TS,		/* YYYY-MM-DDTHH:MM:SSZ, at most 5 minutes ahead */
	AT_DATE,	/* YYYY-MM-DD */
	AT_TEXT,	/* UTF-8, at most max characters (500 when max is 0) */
	AT_SECRET,	/* never logged or stored in clear; at most 1024 bytes */
	AT_HASH,	/* PHC argon2id string */
	AT_EMAIL,	/* local@domain, at most 254 bytes */
};

struct argspec {
	const char *key;
	enum argtype type;
	int required;
	long long min, max;		/* AT_INT, AT_DEC bounds; AT_TEXT max */
	const char *const *words;	/* AT_ENUM: NULL-terminated */
	const char *doc;		/* one phrase for the API reference */
};

enum program {
	PROG_AUTH = 1,
	PROG_PORTAL = 2,
	PROG_SYNC = 4,
};

/* Who may call a verb (a bit set). */
#define ROLE_ANON  1u	/* no session: LOGIN and the recovery flows */
#define ROLE_USER  2u	/* a signed-in user */
#define ROLE_ADMIN 4u	/* a signed-in facility admin */
#define ROLE_PC    8u	/* a facility PC with the sync key */

/* A bound value (see bind.h). Every present value has s/len, the
 * decoded text NUL-terminated in the request arena; n holds the number
 * for AT_INT, hundredths for AT_DEC, 0/1 for AT_BOOL, the word's index for
 * AT_ENUM, Unix seconds for AT_TS and days since 1970-01-01 for AT_DATE. */
struct argval {
	int present;
	const char *s;
	size_t len;
	long long n;
	const char *phi_rule;	/* the category when PHI screening refused it */
};

struct verb;

/* One command line bound to its verb: v[] is indexed like verb->args. */
struct call {
	const struct verb *verb;
	int line;
	struct argval v[CMD_MAX_ARGS];
	const char *phi_rule;	/* set when binding refused a value as PHI */
};

struct ctx;

/* A handler reads the call, does its work through ctx, and fills data
 * (an empty object it does not own) or err. Returns 0 or -1. */
typedef int (*verb_handler)(struct ctx *ctx, const struct call *call,
			    json_t *data, struct err *err);

/* A verb's optional way of running n consecutive lines of a batch at once
 * (calls[0..n), n > 1), inside the batch's transaction: it appends one
 * answer per line to results, or fails naming the line in err->line. */
typedef int (*verb_bulk)(struct ctx *ctx, const struct call *calls, size_t n,
			 json_t *results, struct err *err);

/* Verb flags. */
/* On a one-line request the handler proves the caller itself, in its first
 * statement (the hot COMMAND.POLL fuses the key check with its look-up);
 * in a batch the pipeline has done it already and ctx->role is set. */
#define VF_SELF_AUTH 1u
/* Open in a session restricted until the password is changed, or until an
 * admin has enrolled in MFA (PROTOCOL.md §3, §4). */
#define VF_WHILE_PASSWORD_CHANGE 2u
#define VF_WHILE_MFA_ENROLL 4u

struct verb {
	const char *name;
	enum program program;
	unsigned roles;
	const struct argspec *args;
	int nargs;
	verb_handler handler;
	const char *summary;
	unsigned flags;		/* VF_* */
	verb_bulk bulk;		/* NULL: line by line */
};

extern const struct verb verb_table[];
extern const size_t verb_count;

/* The verb named name[0..len), or NULL. */
const struct verb *verb_find(const char *name, size_t len);

/* The bound value of key; a static absent value for a key the verb does
 * not have (a bug, but never a crash). */
const struct argval *call_arg(const struct call *c, const char *key);

/* The bound number (argval n) of key, or dflt when it is absent. */
long long call_arg_n(const struct call *c, const char *key, long long dflt);

/* "int", "dec", … as the API reference names them. */
const char *argtype_name(enum argtype t);

#endif
