#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fcgi_record.h"

/* Record types and statuses of the FastCGI 1.0 specification. */
enum {
	T_BEGIN_REQUEST = 1, T_ABORT_REQUEST, T_END_REQUEST, T_PARAMS, T_STDIN,
	T_STDOUT, T_STDERR, T_DATA, T_GET_VALUES, T_GET_VALUES_RESULT,
	T_UNKNOWN_TYPE,
};
enum { S_REQUEST_COMPLETE, S_CANT_MPX_CONN, S_OVERLOADED, S_UNKNOWN_ROLE };
#define ROLE_RESPONDER 1
#define FLAG_KEEP_CONN 1
#define RECORD_MAX 65535

/* Where a record's content goes while it arrives. */
enum sink { SINK_DROP, SINK_RECORD, SINK_PARAMS, SINK_STDIN };

int fcgi_buf_reserve(struct fcgi_buf *b, size_t n)
{
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		char *d;

		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2)
				return -1;
			cap *= 2;
		}
		d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	return 0;
}

int fcgi_buf_add(struct fcgi_buf *b, const void *data, size_t n)
{
	if (fcgi_buf_reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	return 0;
}

void fcgi_buf_free(struct fcgi_buf *b)
{
	free(b->data);
	*b = (struct fcgi_buf){ 0 };
}

void fcgi_parser_init(struct fcgi_parser *p, size_t body_limit)
{
	*p = (struct fcgi_parser){ .body_limit = body_limit };
}

void fcgi_parser_free(struct fcgi_parser *p)
{
	fcgi_buf_free(&p->record);
	fcgi_buf_free(&p->params);
	fcgi_buf_free(&p->req.body);
	fcgi_buf_free(&p->reply);
	free(p->req.env);
	*p = (struct fcgi_parser){ 0 };
}

static int add_header(struct fcgi_buf *out, unsigned type, unsigned id,
		      size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, (unsigned char)(id >> 8),
			       (unsigned char)id, (unsigned char)(len >> 8),
			       (unsigned char)len, 0, 0 };

	return fcgi_buf_add(out, h, sizeof(h));
}

static int add_end_request(struct fcgi_buf *out, unsigned id, int status)
{
	unsigned char body[8] = { 0, 0, 0, 0, (unsigned char)status, 0, 0, 0 };

	if (add_header(out, T_END_REQUEST, id, sizeof(body)) != 0)
		return -1;
	return fcgi_buf_add(out, body, sizeof(body));
}

int fcgi_frame_answer(struct fcgi_buf *out, unsigned id, const char *text,
		      size_t len)
{
	size_t was = out->len;

	for (size_t off = 0; off < len;) {
		size_t n = len - off > RECORD_MAX ? RECORD_MAX : len - off;

		if (add_header(out, T_STDOUT, id, n) != 0 ||
		    fcgi_buf_add(out, text + off, n) != 0)
			goto fail;
		off += n;
	}
	if (add_header(out, T_STDOUT, id, 0) == 0 &&
	    add_end_request(out, id, S_REQUEST_COMPLETE) == 0)
		return 0;
fail:
	out->len = was;
	return -1;
}

/* One name-value pair (§3.4: lengths of one byte, or four with the high
 * bit set). Returns 1 with the pair, 0 at the end, -1 when malformed. */
static int next_pair(const unsigned char **pp, const unsigned char *end,
		     const unsigned char **name, size_t *nlen,
		     const unsigned char **value, size_t *vlen)
{
	const unsigned char *p = *pp;
	size_t len[2];

	if (p == end)
		return 0;
	for (int i = 0; i < 2; i++) {
		if (p == end)
			return -1;
		if (!(*p & 0x80)) {
			len[i] = *p++;
			continue;
		}
		if (end - p < 4)
			return -1;
		len[i] = ((size_t)(p[0] & 0x7f) << 24) | ((size_t)p[1] << 16) |
			 ((size_t)p[2] << 8) | p[3];
		p += 4;
	}
	if (len[0] > (size_t)(end - p) || len[1] > (size_t)(end - p) - len[0])
		return -1;
	*name = p;
	*nlen = len[0];
	*value = p + len[0];
	*vlen = len[1];
	*pp = p + len[0] + len[1];
	return 1;
}

/* The raw pairs in p->params become "name\0value\0" strings in place,
 * indexed by p->req.env. Each string moves down by at least its pair's
 * length bytes, which make room for its NUL, so the write never passes
 * the next pair's read. A NUL inside a name or value cannot be told apart
 * from the end of the string, so it breaks the request. */
static int decode_params(struct fcgi_parser *p)
{
	struct fcgi_request *r = &p->req;
	char *out = p->params.data;
	const unsigned char *in = (const unsigned char *)out, *end, *name, *value;
	size_t nlen, vlen;
	int rc;

	r->nenv = 0;
	if (p->params.len == 0)
		return 0;
	end = in + p->params.len;
	while ((rc = next_pair(&in, end, &name, &nlen, &value, &vlen)) == 1) {
		if (memchr(name, 0, nlen) || memchr(value, 0, vlen))
			return -1;
		if (r->nenv == r->env_cap) {
			size_t cap = r->env_cap ? r->env_cap * 2 : 32;
			struct fcgi_param *e = realloc(r->env, cap * sizeof(*e));

			if (!e)
				return -1;
			r->env = e;
			r->env_cap = cap;
		}
		r->env[r->nenv].name = memmove(out, name, nlen);
		out += nlen;
		*out++ = '\0';
		r->env[r->nenv++].value = memmove(out, value, vlen);
		out += vlen;
		*out++ = '\0';
	}
	return rc;
}

const char *fcgi_param(const struct fcgi_request *r, const char *name)
{
	for (size_t i = 0; i < r->nenv; i++)
		if (strcmp(r->env[i].name, name) == 0)
			return r->env[i].value;
	return NULL;
}

void fcgi_request_done(struct fcgi_parser *p)
{
	struct fcgi_request *r = &p->req;

	r->id = 0;
	r->keep_conn = r->aborted = r->params_done = r->stdin_done = 0;
	r->nenv = 0;
	r->body_seen = 0;
	r->body.len = 0;
	p->params.len = 0;
	/* A megabyte batch's buffer is not kept for the polls after it. */
	if (r->body.cap > 256 * 1024)
		fcgi_buf_free(&r->body);
}

/* GET_VALUES: the three variables of §4.1, the ones a server may ask. */
static int answer_get_values(struct fcgi_parser *p)
{
	static const char *const known[][2] = {
		{ "FCGI_MAX_CONNS", "256" },
		{ "FCGI_MAX_REQS", "256" },
		{ "FCGI_MPXS_CONNS", "0" },
	};
	const unsigned char *in = (const unsigned char *)
		(p->record.len ? p->record.data : "");
	const unsigned char *end = in + p->record.len, *name, *value;
	struct fcgi_buf body = { 0 };
	size_t nlen, vlen;
	int rc;

	while ((rc = next_pair(&in, end, &name, &nlen, &value, &vlen)) == 1)
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			unsigned char lens[2] = { (unsigned char)nlen,
						  (unsigned char)strlen(known[i][1]) };

			if (nlen != strlen(known[i][0]) ||
			    memcmp(name, known[i][0], nlen) != 0)
				continue;
			if (fcgi_buf_add(&body, lens, 2) != 0 ||
			    fcgi_buf_add(&body, name, nlen) != 0 ||
			    fcgi_buf_add(&body, known[i][1], lens[1]) != 0)
				rc = -1;
		}
	if (rc == 0 && (add_header(&p->reply, T_GET_VALUES_RESULT, 0, body.len) != 0 ||
			fcgi_buf_add(&p->reply, body.data, body.len) != 0))
		rc = -1;
	fcgi_buf_free(&body);
	return rc;
}

static enum fcgi_event begin_request(struct fcgi_parser *p)
{
	const unsigned char *b = (const unsigned char *)p->record.data;
	struct fcgi_request *r = &p->req;

	if (p->record.len != 8 || p->id == 0 || p->id == r->id)
		return FCGI_BROKEN;
	/* One request at a time: nginx never multiplexes a connection. */
	if (r->id != 0)
		return add_end_request(&p->reply, p->id, S_CANT_MPX_CONN) == 0 ?
		       FCGI_MORE : FCGI_BROKEN;
	if (((unsigned)b[0] << 8 | b[1]) != ROLE_RESPONDER)
		return add_end_request(&p->reply, p->id, S_UNKNOWN_ROLE) == 0 ?
		       FCGI_MORE : FCGI_BROKEN;
	r->id = p->id;
	r->keep_conn = (b[2] & FLAG_KEEP_CONN) != 0;
	return FCGI_MORE;
}

/* A whole record has been read (its content already in its sink). */
static enum fcgi_event end_record(struct fcgi_parser *p, size_t clen)
{
	int sink = p->sink;

	struct fcgi_request *r = &p->req;

	p->hdr_len = 0;
	if (p->id == 0) {
		if (p->type == T_GET_VALUES)
			return answer_get_values(p) == 0 ? FCGI_MORE : FCGI_BROKEN;
		unsigned char body[8] = { (unsigned char)p->type };
		return add_header(&p->reply, T_UNKNOWN_TYPE, 0, 8) == 0 &&
		       fcgi_buf_add(&p->reply, body, 8) == 0 ? FCGI_MORE :
		       FCGI_BROKEN;
	}
	if (p->type == T_BEGIN_REQUEST)
		return begin_request(p);
	if (p->type == T_ABORT_REQUEST && p->id == r->id) {
		r->aborted = 1;
		return FCGI_READY;
	}
	if (sink == SINK_PARAMS && clen == 0) {
		r->params_done = 1;
		if (decode_params(p) != 0)
			return FCGI_BROKEN;
	} else if (sink == SINK_STDIN && clen == 0) {
		r->stdin_done = 1;
	} else {
		return FCGI_MORE;
	}
	return r->params_done && r->stdin_done ? FCGI_READY : FCGI_MORE;
}

/* The header is whole: check it and choose where the content goes. */
static int begin_record(struct fcgi_parser *p)
{
	int *sink = &p->sink;

	const unsigned char *h = p->hdr;
	const struct fcgi_request *r = &p->req;

	if (h[0] != 1)
		return -1;
	p->type = h[1];
	p->id = (unsigned)h[2] << 8 | h[3];
	p->content_left = (size_t)h[4] << 8 | h[5];
	p->padding_left = h[6];
	p->record.len = 0;
	if (p->id == 0 || p->type == T_BEGIN_REQUEST)
		*sink = SINK_RECORD;
	else if (p->id != r->id)
		*sink = SINK_DROP;	/* §3.3: records of no active request */
	else if (p->type == T_PARAMS && !r->params_done)
		*sink = SINK_PARAMS;
	else if (p->type == T_STDIN && !r->stdin_done)
		*sink = SINK_STDIN;
	else
		*sink = SINK_DROP;
	return 0;
}

static int take_content(struct fcgi_parser *p, const unsigned char *in,
			size_t n)
{
	struct fcgi_request *r = &p->req;

	switch (p->sink) {
	case SINK_RECORD:
		return fcgi_buf_add(&p->record, in, n);
	case SINK_PARAMS:
		if (n > FCGI_PARAMS_LIMIT - p->params.len)
			return -1;
		return fcgi_buf_add(&p->params, in, n);
	case SINK_STDIN: {
		size_t room = p->body_limit - r->body.len;

		r->body_seen += n;
		/* Beyond the limit it is counted, not kept: the caller
		 * answers it as too large once it has all arrived. */
		return fcgi_buf_add(&r->body, in, n < room ? n : room);
	}
	default:
		return 0;
	}
}

enum fcgi_event fcgi_feed(struct fcgi_parser *p, const void *data, size_t len,
			  size_t *used)
{
	const unsigned char *in = data;
	size_t off = 0;
	enum fcgi_event ev = FCGI_MORE;

	while (ev == FCGI_MORE && off < len) {
		size_t n;

		if (p->hdr_len < 8) {
			n = 8 - p->hdr_len < len - off ? 8 - p->hdr_len : len - off;
			memcpy(p->hdr + p->hdr_len, in + off, n);
			p->hdr_len += n;
			off += n;
			if (p->hdr_len < 8)
				break;
			if (begin_record(p) != 0) {
				ev = FCGI_BROKEN;
				break;
			}
		} else if (p->content_left) {
			n = p->content_left < len - off ? p->content_left : len - off;
			if (take_content(p, in + off, n) != 0) {
				ev = FCGI_BROKEN;
				break;
			}
			p->content_left -= n;
			off += n;
		} else {
			n = p->padding_left < len - off ? p->padding_left : len - off;
			p->padding_left -= n;
			off += n;
		}
		if (p->content_left == 0 && p->padding_left == 0)
			ev = end_record(p, (size_t)p->hdr[4] << 8 | p->hdr[5]);
	}
	*used = off;
	return ev;
}
