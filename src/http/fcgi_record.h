/* fcgi_record — the FastCGI 1.0 wire format of one connection, without
 * any I/O: bytes in, one responder request at a time out, and the answer
 * framed as STDOUT records and END_REQUEST.
 *
 * Written for nginx (one request per connection at a time, kept open with
 * FCGI_KEEP_CONN), and for whatever else a peer may send: the parser takes
 * records in any split, answers management records (GET_VALUES, unknown
 * types), refuses other roles and a second request on a busy connection
 * with END_REQUEST, and calls anything it cannot frame broken, so that the
 * caller closes the connection. Fuzzed by tests/fuzz/fuzz_fcgi.c. */
#ifndef INFOSYS_FCGI_RECORD_H
#define INFOSYS_FCGI_RECORD_H

#include <stddef.h>

/* All of a request's parameters together; nginx sends a few kilobytes. */
#define FCGI_PARAMS_LIMIT (64 * 1024)

/* A growing byte buffer; the owner frees data. */
struct fcgi_buf {
	char *data;
	size_t len, cap;
};

struct fcgi_param {
	const char *name, *value;
};

/* The request being read. Its strings and body live in the parser's
 * buffers until fcgi_request_done(). */
struct fcgi_request {
	unsigned id;		/* 0: no request begun */
	int keep_conn;		/* the peer keeps the connection afterwards */
	int aborted;		/* ABORT_REQUEST: answer it, serve nothing */
	int params_done, stdin_done;
	struct fcgi_param *env;
	size_t nenv, env_cap;
	struct fcgi_buf body;	/* the first body_limit bytes of stdin */
	size_t body_seen;	/* every stdin byte, kept or not */
};

struct fcgi_parser {
	size_t body_limit;
	unsigned char hdr[8];
	size_t hdr_len;
	unsigned type, id;
	size_t content_left, padding_left;
	int sink;		/* where this record's content goes */
	struct fcgi_buf record;	/* content of a record read whole */
	struct fcgi_buf params;	/* raw, then decoded "name\0value\0" */
	struct fcgi_request req;
	/* Records the parser answers by itself; the caller sends them. */
	struct fcgi_buf reply;
};

enum fcgi_event {
	FCGI_MORE,		/* every byte taken; send more */
	FCGI_READY,		/* p->req is complete (or aborted) */
	FCGI_BROKEN,		/* not FastCGI: close the connection */
};

void fcgi_parser_init(struct fcgi_parser *p, size_t body_limit);
void fcgi_parser_free(struct fcgi_parser *p);

/* Takes bytes from in[0..len). Stops after the record that completes a
 * request: *used says how many bytes were taken, and the rest belong to
 * what follows it. Anything in p->reply must be sent before the answer. */
enum fcgi_event fcgi_feed(struct fcgi_parser *p, const void *in, size_t len,
			  size_t *used);

/* The parameter's value (the first, when named twice), or NULL. */
const char *fcgi_param(const struct fcgi_request *r, const char *name);

/* Forgets the answered request; the connection may carry another. */
void fcgi_request_done(struct fcgi_parser *p);

/* Appends to out the STDOUT records carrying text[0..len), the empty one
 * that ends the stream, and END_REQUEST. -1 when out of memory. */
int fcgi_frame_answer(struct fcgi_buf *out, unsigned id, const char *text,
		      size_t len);

/* Makes room for n more bytes; -1 when out of memory. */
int fcgi_buf_reserve(struct fcgi_buf *b, size_t n);
/* Appends n bytes; -1 when out of memory (the buffer is unchanged). */
int fcgi_buf_add(struct fcgi_buf *b, const void *data, size_t n);
void fcgi_buf_free(struct fcgi_buf *b);

#endif
