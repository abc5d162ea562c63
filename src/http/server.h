/* server — the FastCGI side of a program: accept a request, enforce the
 * transport rules of PROTOCOL.md §1 (POST, media type, body limits), hand
 * the body to the pipeline, write the answer with its headers, then log
 * it. The only module that reads a request's headers or cookies. */
#ifndef INFOSYS_SERVER_H
#define INFOSYS_SERVER_H

#include "verb.h"

#define BODY_LIMIT_WEB  (8 * 1024)	/* /api/auth, /api/portal */
#define BODY_LIMIT_SYNC (1024 * 1024)	/* /api/sync */

/* Serves requests on the FastCGI socket on standard input (fcgi_server.h)
 * until it fails. Returns the process exit status (non-zero only when startup
 * fails: no configuration, no crypto library). `--version` as the only
 * argument prints the version and the schema version needed instead. */
int server_main(enum program program, int argc, char **argv);

#endif
