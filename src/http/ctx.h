/* ctx — everything a handler may know about the request it serves. The
 * pipeline fills it; handlers never see FastCGI, headers or cookies, and
 * ask for transport effects (a cookie, Retry-After) through its fields. */
#ifndef INFOSYS_CTX_H
#define INFOSYS_CTX_H

#include <time.h>
#include <jansson.h>
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
	/* the __Host-sid cookie, or on the app channel the bearer token */
	const char *session_token;
	const char *sync_key;		/* /api/sync's Authorization: Bearer */
	const char *app_origin;		/* an allow-listed app origin, or NULL */
	const char *pc_id;		/* Infosys-PC, or NULL */
	int background;			/* Infosys-Background: 1 */
	/* /api/auth: the device cookie's value (devicecookie.h), or NULL;
	 * like the session token, never logged */
	const char *device_cookie;
	/* This worker serves the known-device sign-in lane (auth.fcgi
	 * --known-device): it runs only LOGINs that carry a valid device
	 * cookie for their user and hands back everything else. */
	int known_device_lane;
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
	const char *set_device_cookie;	/* a second one: the device cookie */
	/* A session opened by this request: the token the cookie carries,
	 * answered as data.token instead on the app channel. */
	const char *new_session_token;
	int retry_after;		/* seconds; 0: none */
	/* Set by a handler whose success changed nothing and decided nothing
	 * (an empty poll): a one-line request so marked is not logged. */
	int quiet;
	/* Events to publish once the request succeeded (events.h): commands
	 * were queued for the facility's PCs; commands settled, as
	 * [{"id","status"}] (new reference, or NULL; the transport frees it). */
	int commands_queued;
	json_t *settled;
};

#endif
