/* fcgi_server — a worker's FastCGI connections: accepts on the listening
 * socket it inherits (spawn-fcgi's standard input, shared by the pool's
 * workers), reads requests off every connection it holds, and hands each
 * complete one to serve().
 *
 * Why not libfcgi: its accept loop reads one connection at a time and
 * blocks on it, so a connection nginx keeps open (fastcgi_keep_conn) would
 * hold its worker while new connections wait in the backlog. Here a worker
 * waits on all its connections and the listening socket at once (epoll),
 * so kept connections cost nothing while idle, and each request saves the
 * connect, accept, shutdown and close that one connection per request
 * costs nginx and the worker. Requests on one worker still run one after
 * another: serve() may block on the database. */
#ifndef INFOSYS_FCGI_SERVER_H
#define INFOSYS_FCGI_SERVER_H

#include <stddef.h>
#include "fcgi_record.h"

/* One request being served. Everything it points to stays valid until
 * serve() returns. */
struct fcgi_exchange {
	const struct fcgi_request *req;
	struct fcgi_buf *out;	/* the answer as it is written */
	struct fcgi_buf *wire;	/* the answer framed, as it is sent */
	int fd;
	int finished;		/* no more output (fcgi_finish) */
	int sent;
	int failed;		/* the answer could not be sent */
};

typedef void fcgi_serve_fn(void *arg, struct fcgi_exchange *x);

/* The request's parameter (CGI/1.1 variables and HTTP_* headers). */
const char *fcgi_getparam(const struct fcgi_exchange *x, const char *name);

/* Appends to the answer: CGI headers ("Status: ...\r\n"), a blank line,
 * the body. Nothing is sent before fcgi_finish(). */
void fcgi_printf(struct fcgi_exchange *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the answer; later output is dropped. On a connection that closes
 * with the request it is sent at once, so that the client has it while
 * serve() goes on (logging, publishing). On a kept connection it is sent
 * when serve() returns: nginx passes its next request to the connection
 * it got an answer from last, and that request must not wait behind this
 * one's aftermath while the pool's other workers are free. serve()
 * returning unfinished finishes it. */
void fcgi_finish(struct fcgi_exchange *x);

/* Serves connections on listen_fd; stdin bodies are kept up to
 * body_limit bytes (fcgi_request.body_seen tells the rest). SIGTERM stops
 * it gracefully: no new connection, the requests under way and those
 * already sent are answered, every connection is closed, and it returns
 * 0. Returns non-zero, with the reason logged, when listen_fd is not a
 * listening socket or the worker cannot wait on it. */
int fcgi_serve_forever(int listen_fd, size_t body_limit, fcgi_serve_fn *serve,
		       void *arg);

#endif
