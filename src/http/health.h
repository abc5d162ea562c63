/* health — GET /api/health (PROTOCOL.md §6) and the schema gate.
 *
 * A program built for schema version N (the highest schema/NNN_*.sql file
 * of its build) refuses to serve while the database's schema is older: a
 * 503 for every request and one clear line in its log, until `infosysctl
 * migrate` has run. A newer schema is fine (migrations only add), which is
 * what lets an upgrade migrate first and replace the programs after. */
#ifndef INFOSYS_HEALTH_H
#define INFOSYS_HEALTH_H

#include <jansson.h>
#include <time.h>
#include "arena.h"
#include "conf.h"
#include "db.h"
#include "err.h"

struct schema_gate {
	int ok;			/* seen new enough once: never asked again */
	time_t checked;		/* last time it was asked while not ok */
	long version;		/* last version seen, -1 unknown */
};

/* The version this build needs. */
long schema_required(void);

/* 0 when requests may be served. -1 with err set (E_UNAVAILABLE) while the
 * schema is known to be too old; asked again at most once a second. A
 * database that does not answer lets the request through: it will meet
 * the outage itself and say so. */
int schema_gate_pass(struct schema_gate *g, struct db *db, struct arena *a,
		     time_t now, struct err *err);

/* The health answer (new reference) and its HTTP status, 200 or 503: the
 * database, the schema version against the one needed, and the other
 * pools' sockets named in [health] (auth_socket, auth_device_socket,
 * portal_socket, sync_socket). */
json_t *health_answer(const struct conf *conf, struct db *db, struct arena *a,
		      int *status);

#endif
