/* libFuzzer target of the FastCGI record layer (src/http/fcgi_record.c),
 * what every byte nginx, or anything else that reaches a pool's socket,
 * sends goes through first.
 *
 * The first input byte chooses how the rest is cut into reads (1 to 256
 * bytes), since a record may arrive in any split. Invariants checked
 * (abort() on violation, so the fuzzer reports it):
 * - a feed takes at least one byte and never more than it was given;
 * - a complete request's body is the first body_limit bytes of what was
 *   counted, and its parameters are NUL-terminated strings;
 * - the records the parser answers by itself are well framed;
 * - an answer framed from the body reads back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fcgi_record.h"

#define BODY_LIMIT 300

/* Walks framed records; returns the STDOUT content's length, or aborts
 * when a record runs past the end. */
static size_t check_framing(const struct fcgi_buf *b, char *stdout_copy)
{
	size_t off = 0, got = 0;

	while (off < b->len) {
		const unsigned char *h = (const unsigned char *)b->data + off;
		size_t n;

		if (b->len - off < 8 || h[0] != 1)
			abort();
		n = (size_t)h[4] << 8 | h[5];
		if (b->len - off - 8 < n + h[6])
			abort();
		if (h[1] == 6 && stdout_copy) {
			memcpy(stdout_copy + got, h + 8, n);
			got += n;
		}
		off += 8 + n + h[6];
	}
	return got;
}

static void check_request(const struct fcgi_parser *p)
{
	const struct fcgi_request *r = &p->req;
	size_t kept = r->body_seen < BODY_LIMIT ? r->body_seen : BODY_LIMIT;
	struct fcgi_buf framed = { 0 };
	char back[BODY_LIMIT];

	if (r->body.len != kept)
		abort();
	for (size_t i = 0; i < r->nenv; i++)
		if (strlen(r->env[i].name) > FCGI_PARAMS_LIMIT ||
		    strlen(r->env[i].value) > FCGI_PARAMS_LIMIT)
			abort();
	if (r->nenv && fcgi_param(r, r->env[0].name) != r->env[0].value)
		abort();
	if (fcgi_frame_answer(&framed, r->id, r->body.data, r->body.len) != 0 ||
	    check_framing(&framed, back) != r->body.len ||
	    (r->body.len && memcmp(back, r->body.data, r->body.len) != 0))
		abort();
	fcgi_buf_free(&framed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_parser p;
	size_t cut, off = 1;

	if (size < 1)
		return 0;
	cut = (size_t)data[0] + 1;
	fcgi_parser_init(&p, BODY_LIMIT);
	while (off < size) {
		size_t n = size - off < cut ? size - off : cut, used;
		enum fcgi_event ev = fcgi_feed(&p, data + off, n, &used);

		if (used == 0 || used > n)
			abort();
		off += used;
		check_framing(&p.reply, NULL);
		p.reply.len = 0;
		if (ev == FCGI_BROKEN)
			break;
		if (ev == FCGI_READY) {
			check_request(&p);
			fcgi_request_done(&p);
		}
	}
	fcgi_parser_free(&p);
	return 0;
}
