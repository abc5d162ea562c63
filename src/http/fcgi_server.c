#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fcgi_server.h"
#include "log.h"

/* Connections one worker holds; beyond them it leaves new ones to the
 * pool's other workers. nginx keeps a few per upstream (keepalive). */
#define MAX_CONNS 256
/* A peer that takes no answer for this long is given up. */
#define SEND_TIMEOUT_MS 30000
#define READ_SIZE (64 * 1024)
/* After SIGTERM: how long a request nginx is still writing may take. */
#define STOP_GRACE_MS 2000

struct conn {
	int fd;
	struct fcgi_parser p;
	struct conn *prev, *next;	/* every connection the worker holds */
};

/* SIGTERM (multiwatch stopping or restarting the pool) asks the worker
 * to finish what it holds rather than drop it: see stop_begin(). */
static volatile sig_atomic_t stop_requested;

static void on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct loop {
	int lfd, ep;
	int accepting, stopping;
	struct conn *conns;
	sigset_t waitmask;	/* the signals epoll_pwait lets in: SIGTERM */
	size_t nconns, body_limit;
	fcgi_serve_fn *serve;
	void *arg;
	struct fcgi_buf out, wire;	/* reused by every request */
	unsigned char in[READ_SIZE];
};

const char *fcgi_getparam(const struct fcgi_exchange *x, const char *name)
{
	return fcgi_param(x->req, name);
}

void fcgi_printf(struct fcgi_exchange *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (x->finished || x->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || fcgi_buf_reserve(x->out, (size_t)n + 1) != 0) {
		x->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(x->out->data + x->out->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	x->out->len += (size_t)n;
}

/* Writes all of data to a non-blocking socket, waiting while it is full. */
static int send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int r = poll(&pfd, 1, SEND_TIMEOUT_MS);

			if (r > 0 || (r < 0 && errno == EINTR))
				continue;
		}
		return -1;
	}
	return 0;
}

/* Frames and sends the answer, once. */
static void send_answer(struct fcgi_exchange *x)
{
	struct fcgi_buf *wire = x->wire;

	if (x->sent)
		return;
	x->sent = x->finished = 1;
	wire->len = 0;
	/* An answer that could not be written whole is not sent at all:
	 * the connection closes and nginx answers 502. */
	if (x->failed ||
	    fcgi_frame_answer(wire, x->req->id, x->out->data, x->out->len) != 0 ||
	    send_all(x->fd, wire->data, wire->len) != 0)
		x->failed = 1;
}

void fcgi_finish(struct fcgi_exchange *x)
{
	x->finished = 1;
	if (!x->req->keep_conn)
		send_answer(x);
}

static void accept_toggle(struct loop *l, int on)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };

	if (on == l->accepting || (on && l->stopping))
		return;
	if (epoll_ctl(l->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l->lfd,
		      &ev) == 0)
		l->accepting = on;
}

static void conn_close(struct loop *l, struct conn *c)
{
	close(c->fd);	/* leaves the epoll set with it */
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	fcgi_parser_free(&c->p);
	free(c);
	l->nconns--;
	accept_toggle(l, 1);
}

/* Serves the request that has just become complete on c. Returns -1 when
 * the connection is to be closed: the peer did not ask to keep it, the
 * answer could not be sent, or the worker is stopping. */
static int serve_request(struct loop *l, struct conn *c)
{
	struct fcgi_exchange x = { .req = &c->p.req, .out = &l->out,
				   .wire = &l->wire, .fd = c->fd };
	int keep = c->p.req.keep_conn;

	l->out.len = 0;
	if (!c->p.req.aborted)
		l->serve(l->arg, &x);
	send_answer(&x);
	fcgi_request_done(&c->p);
	return x.failed || !keep || l->stopping ? -1 : 0;
}

/* Runs n bytes of l->in through c's parser, serving what completes. */
static int conn_feed(struct loop *l, struct conn *c, size_t n)
{
	size_t off = 0, used;

	while (off < n) {
		enum fcgi_event ev = fcgi_feed(&c->p, l->in + off, n - off, &used);

		off += used;
		if (c->p.reply.len) {
			if (send_all(c->fd, c->p.reply.data, c->p.reply.len) != 0)
				return -1;
			c->p.reply.len = 0;
		}
		if (ev == FCGI_BROKEN) {
			log_warn("closed a connection that broke the FastCGI"
				 " protocol");
			return -1;
		}
		if (ev == FCGI_READY && serve_request(l, c) != 0)
			return -1;
	}
	return 0;
}

/* Reads what c has sent; closes c at its end or on an error. */
static void conn_readable(struct loop *l, struct conn *c)
{
	for (;;) {
		ssize_t n = read(c->fd, l->in, sizeof(l->in));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0 || conn_feed(l, c, (size_t)n) != 0) {
			conn_close(l, c);
			return;
		}
		if ((size_t)n < sizeof(l->in))
			return;	/* epoll says when there is more */
	}
}

static int conn_open(struct loop *l, int fd)
{
	struct conn *c = malloc(sizeof(*c));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };

	if (!c) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	fcgi_parser_init(&c->p, l->body_limit);
	c->prev = NULL;
	c->next = l->conns;
	ev.data.ptr = c;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		free(c);
		return -1;
	}
	if (l->conns)
		l->conns->prev = c;
	l->conns = c;
	if (++l->nconns >= MAX_CONNS)
		accept_toggle(l, 0);
	/* nginx writes the request as soon as it connects: reading now
	 * saves a turn of the loop. */
	conn_readable(l, c);
	return 0;
}

/* Takes the connections waiting. Other workers may have taken them
 * first (EAGAIN); -1 only when the socket itself fails. */
static int accept_waiting(struct loop *l)
{
	for (int i = 0; i < 16 && l->accepting; i++) {
		int fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			conn_open(l, fd);
			continue;
		}
		switch (errno) {
		case EAGAIN: case EINTR: case ECONNABORTED: case EPROTO:
			return 0;
		case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM:
			/* Out of descriptors: serve what is held first. */
			log_warn("cannot accept a connection: %s", strerror(errno));
			if (l->nconns > 0)
				accept_toggle(l, 0);
			else
				poll(NULL, 0, 100);
			return 0;
		default:
			log_error("accept on the FastCGI socket: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Stopping: no more connections, and every held one is read one last
 * time and closed once it has no request half-way. nginx notices each
 * close and stops using that connection; a request it wrote just before
 * is served first rather than lost. */
static void stop_begin(struct loop *l)
{
	struct conn *c, *next;

	for (c = l->conns; c; c = next) {
		next = c->next;
		conn_readable(l, c);
	}
	accept_toggle(l, 0);
	l->stopping = 1;
	for (c = l->conns; c; c = next) {
		next = c->next;
		if (c->p.hdr_len == 0 && c->p.req.id == 0)
			conn_close(l, c);
	}
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static int loop_run(struct loop *l)
{
	struct epoll_event ev[64];
	long deadline = 0;

	for (;;) {
		int n, timeout = -1;

		if (stop_requested && !l->stopping) {
			stop_begin(l);
			deadline = now_ms() + STOP_GRACE_MS;
		}
		if (l->stopping) {
			if (!l->conns || now_ms() >= deadline)
				return 0;
			timeout = 100;
		}
		n = epoll_pwait(l->ep, ev, 64, timeout, &l->waitmask);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("epoll_pwait: %s", strerror(errno));
			return 1;
		}
		/* A connection is closed only while its own event is handled,
		 * so the later entries of ev stay valid. */
		for (int i = 0; i < n; i++) {
			if (!ev[i].data.ptr) {
				if (accept_waiting(l) != 0)
					return 1;
			} else {
				conn_readable(l, ev[i].data.ptr);
			}
		}
	}
}

int fcgi_serve_forever(int lfd, size_t body_limit, fcgi_serve_fn *serve,
		       void *arg)
{
	int listening = 0, rc;
	socklen_t sl = sizeof(listening);
	struct loop *l;

	if (getsockopt(lfd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &sl) != 0 ||
	    !listening) {
		log_error("standard input is not a listening socket: start the"
			  " program with spawn-fcgi (see deploy/infosys-*.service)");
		return 1;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return 1;
	l->lfd = lfd;
	l->body_limit = body_limit;
	l->serve = serve;
	l->arg = arg;
	/* SIGTERM is let in only while the worker waits (epoll_pwait), so
	 * that it never interrupts a request, its database calls included. */
	struct sigaction sa = { .sa_handler = on_term };
	sigset_t term;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &l->waitmask);
	sigdelset(&l->waitmask, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	/* The pool's workers share the socket: whoever is woken and finds
	 * nothing left must not block in accept. */
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0 || fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) != 0) {
		log_error("cannot wait on the FastCGI socket: %s", strerror(errno));
		free(l);
		return 1;
	}
	accept_toggle(l, 1);
	rc = loop_run(l);
	while (l->conns)
		conn_close(l, l->conns);
	close(l->ep);
	fcgi_buf_free(&l->out);
	fcgi_buf_free(&l->wire);
	free(l);
	return rc;
}
