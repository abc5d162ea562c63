/* ctx — everything a handler may know about the request it serves. The
 * pipeline fills it; handlers never see FastCGI, headers or cookies, and
 * ask for transport effects (a cookie, Retry-After) through its fields. */
#ifndef INFOSYS_CTX_H
#define INFOSYS_CTX_H

#include <time.h>
#include "arena.h"
#include "conf.h"
#include "db.h"
#include "verb.h"

struct ctx {
	struct arena *arena;
	struct db *db;
	const struct conf *conf;
	enum program program;
	time_t now;

	/* transport facts */
	const char *remote_addr;
	const char *user_agent;
	const char *session_token;	/* the __Host-sid cookie, or NULL */
	const char *sync_key;		/* Authorization: Bearer, or NULL */
	const char *pc_id;		/* Infosys-PC, or NULL */
	int background;			/* Infosys-Background: 1 */
	char request_id[17];

	/* the caller, once authenticated */
	long long facility_id;		/* 0: none */
	const char *facility_code;
	long long user_id;		/* 0: none */
	const char *user_name;
	unsigned role;			/* one ROLE_* bit */
	long long session_id;
	/* The session carries a restriction of PROTOCOL.md §3
	 * (PASSWORD_CHANGE_REQUIRED or MFA_ENROLL_REQUIRED). */
	int session_restricted;

	/* what the transport should do */
	const char *set_cookie;		/* a Set-Cookie header value */
	int retry_after;		/* seconds; 0: none */
	/* Set by a handler whose success changed nothing and decided nothing
	 * (an empty poll): a one-line request so marked is not logged. */
	int quiet;
};

#endif
