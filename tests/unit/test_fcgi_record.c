/* Unit tests of src/http/fcgi_record.c: a request as nginx sends it, in
 * one piece and a byte at a time; kept connections carrying one request
 * after another; the body limit; what the parser answers by itself
 * (management records, other roles, a second request at once, aborts);
 * streams that are not FastCGI; answers framed in 64 KiB records. */
#include <stdlib.h>
#include <string.h>
#include "fcgi_record.h"
#include "test.h"

enum { BEGIN = 1, ABORT, END, PARAMS, STDIN, STDOUT, GET_VALUES = 9,
       GET_VALUES_RESULT, UNKNOWN_TYPE };

static void record(struct fcgi_buf *b, int type, unsigned id,
		   const void *content, size_t len, unsigned padding)
{
	unsigned char h[8] = { 1, (unsigned char)type, (unsigned char)(id >> 8),
			       (unsigned char)id, (unsigned char)(len >> 8),
			       (unsigned char)len, (unsigned char)padding, 0 };
	static const char zeros[255];

	fcgi_buf_add(b, h, 8);
	fcgi_buf_add(b, content, len);
	fcgi_buf_add(b, zeros, padding);
}

static void pair(struct fcgi_buf *b, const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value);
	unsigned char l[8];
	size_t k = 0;

	l[k++] = (unsigned char)n;
	if (v < 128) {
		l[k++] = (unsigned char)v;
	} else {	/* the four-byte form */
		l[k++] = (unsigned char)(0x80 | v >> 24);
		l[k++] = (unsigned char)(v >> 16);
		l[k++] = (unsigned char)(v >> 8);
		l[k++] = (unsigned char)v;
	}
	fcgi_buf_add(b, l, k);
	fcgi_buf_add(b, name, n);
	fcgi_buf_add(b, value, v);
}

static void begin(struct fcgi_buf *b, unsigned id, int role, int keep)
{
	unsigned char c[8] = { 0, (unsigned char)role, (unsigned char)keep };

	record(b, BEGIN, id, c, 8, 0);
}

/* A whole request as nginx writes it: BEGIN, PARAMS, an empty PARAMS,
 * STDIN split in records, an empty STDIN. */
static void request(struct fcgi_buf *b, unsigned id, int keep,
		    const char *uri, const char *body)
{
	struct fcgi_buf params = { 0 };
	char len[32];
	size_t n = strlen(body);

	snprintf(len, sizeof(len), "%zu", n);
	pair(&params, "REQUEST_METHOD", "POST");
	pair(&params, "DOCUMENT_URI", uri);
	pair(&params, "CONTENT_LENGTH", len);
	pair(&params, "DOCUMENT_URI", "/second/is/ignored");
	begin(b, id, 1, keep);
	record(b, PARAMS, id, params.data, params.len, 3);
	record(b, PARAMS, id, NULL, 0, 0);
	for (size_t off = 0; off < n; off += 7)
		record(b, STDIN, id, body + off, n - off < 7 ? n - off : 7, 1);
	record(b, STDIN, id, NULL, 0, 0);
	fcgi_buf_free(&params);
}

TEST(request_in_one_piece)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	size_t used;

	request(&in, 1, 1, "/api/sync", "COMMAND.POLL max=1\nPING\n");
	fcgi_parser_init(&p, 1024);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_READY);
	CHECK_EQ_INT(used, in.len);
	CHECK_EQ_INT(p.req.id, 1);
	CHECK(p.req.keep_conn);
	CHECK_EQ_STR(fcgi_param(&p.req, "REQUEST_METHOD"), "POST");
	CHECK_EQ_STR(fcgi_param(&p.req, "DOCUMENT_URI"), "/api/sync");
	CHECK(fcgi_param(&p.req, "HTTP_COOKIE") == NULL);
	CHECK_EQ_INT(p.req.body_seen, 24);
	CHECK_EQ_INT(p.req.body.len, 24);
	CHECK(memcmp(p.req.body.data, "COMMAND.POLL max=1\nPING\n", 24) == 0);
	CHECK_EQ_INT(p.reply.len, 0);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

TEST(request_a_byte_at_a_time)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	size_t used, off = 0;
	enum fcgi_event ev = FCGI_MORE;

	request(&in, 7, 0, "/api/portal", "LOGIN user=a");
	fcgi_parser_init(&p, 1024);
	while (ev == FCGI_MORE && off < in.len) {
		ev = fcgi_feed(&p, in.data + off, 1, &used);
		CHECK_EQ_INT(used, 1);
		off += used;
	}
	CHECK_EQ_INT(ev, FCGI_READY);
	CHECK_EQ_INT(off, in.len);
	CHECK(!p.req.keep_conn);
	CHECK_EQ_STR(fcgi_param(&p.req, "DOCUMENT_URI"), "/api/portal");
	CHECK_EQ_INT(p.req.body.len, 12);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

/* A kept connection: the second request follows the first, whatever the
 * reads' boundaries; the parser stops at the end of each. */
TEST(kept_connection_carries_requests_in_turn)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	size_t used, off;

	request(&in, 1, 1, "/first", "A");
	off = in.len;
	request(&in, 1, 1, "/second", "BB");
	fcgi_parser_init(&p, 1024);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_READY);
	CHECK_EQ_INT(used, off);
	CHECK_EQ_STR(fcgi_param(&p.req, "DOCUMENT_URI"), "/first");
	fcgi_request_done(&p);
	CHECK_EQ_INT(fcgi_feed(&p, in.data + off, in.len - off, &used),
		     FCGI_READY);
	CHECK_EQ_INT(used, in.len - off);
	CHECK_EQ_STR(fcgi_param(&p.req, "DOCUMENT_URI"), "/second");
	CHECK_EQ_INT(p.req.body.len, 2);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

/* Beyond the limit the body is counted, not kept. */
TEST(body_beyond_the_limit_is_counted_not_kept)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	size_t used;

	request(&in, 1, 1, "/api/sync", "0123456789abcdefghij");
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_READY);
	CHECK_EQ_INT(p.req.body_seen, 20);
	CHECK_EQ_INT(p.req.body.len, 10);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

TEST(long_values_use_four_byte_lengths)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 }, params = { 0 };
	char *cookie = malloc(3000);
	size_t used;

	memset(cookie, 'c', 2999);
	cookie[2999] = '\0';
	pair(&params, "HTTP_COOKIE", cookie);
	begin(&in, 2, 1, 0);
	record(&in, PARAMS, 2, params.data, params.len, 0);
	record(&in, PARAMS, 2, NULL, 0, 0);
	record(&in, STDIN, 2, NULL, 0, 0);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_READY);
	CHECK_EQ_STR(fcgi_param(&p.req, "HTTP_COOKIE"), cookie);
	free(cookie);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
	fcgi_buf_free(&params);
}

TEST(get_values_is_answered)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 }, q = { 0 };
	const unsigned char *r;
	size_t used;

	pair(&q, "FCGI_MPXS_CONNS", "");
	pair(&q, "NOT_A_VARIABLE", "");
	record(&in, GET_VALUES, 0, q.data, q.len, 0);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_MORE);
	r = (const unsigned char *)p.reply.data;
	CHECK(p.reply.len == 8 + 2 + 15 + 1);
	CHECK_EQ_INT(r[1], GET_VALUES_RESULT);
	CHECK(memcmp(r + 10, "FCGI_MPXS_CONNS0", 16) == 0);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
	fcgi_buf_free(&q);
}

TEST(unknown_management_type_is_named)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	size_t used;

	record(&in, 42, 0, "xyz", 3, 5);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_MORE);
	CHECK_EQ_INT(p.reply.len, 16);
	CHECK_EQ_INT((unsigned char)p.reply.data[1], UNKNOWN_TYPE);
	CHECK_EQ_INT((unsigned char)p.reply.data[8], 42);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

/* END_REQUEST's protocol status is the fifth byte of its body. */
static int end_status(const struct fcgi_buf *reply, unsigned id)
{
	const unsigned char *r = (const unsigned char *)reply->data;

	if (reply->len != 16 || r[1] != END || (r[2] << 8 | r[3]) != (int)id)
		return -1;
	return r[12];
}

TEST(other_roles_and_a_second_request_are_refused)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 }, more = { 0 };
	size_t used;

	begin(&in, 3, 2, 1);	/* the authorizer role */
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_MORE);
	CHECK_EQ_INT(end_status(&p.reply, 3), 3);	/* UNKNOWN_ROLE */
	CHECK_EQ_INT(p.req.id, 0);
	p.reply.len = 0;
	begin(&more, 4, 1, 1);
	begin(&more, 5, 1, 1);
	CHECK_EQ_INT(fcgi_feed(&p, more.data, more.len, &used), FCGI_MORE);
	CHECK_EQ_INT(end_status(&p.reply, 5), 1);	/* CANT_MPX_CONN */
	CHECK_EQ_INT(p.req.id, 4);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
	fcgi_buf_free(&more);
}

TEST(abort_ends_the_request)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	size_t used;

	begin(&in, 9, 1, 1);
	record(&in, STDIN, 8, "not ours", 8, 0);	/* no such request */
	record(&in, ABORT, 9, NULL, 0, 0);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_READY);
	CHECK(p.req.aborted);
	CHECK_EQ_INT(p.req.body_seen, 0);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

TEST(what_is_not_fastcgi_breaks)
{
	static const char http[] = "GET / HTTP/1.1\r\n\r\n";
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 }, params = { 0 };
	size_t used;

	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, http, sizeof(http) - 1, &used), FCGI_BROKEN);
	fcgi_parser_free(&p);

	/* A pair whose value runs past the record. */
	fcgi_buf_add(&params, "\x04\x7f" "NAME" "short", 11);
	begin(&in, 1, 1, 1);
	record(&in, PARAMS, 1, params.data, params.len, 0);
	record(&in, PARAMS, 1, NULL, 0, 0);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_BROKEN);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
	fcgi_buf_free(&params);

	/* A NUL inside a value: it could not be told from the end. */
	fcgi_buf_add(&params, "\x01\x03" "A" "b\0c", 6);
	begin(&in, 1, 1, 1);
	record(&in, PARAMS, 1, params.data, params.len, 0);
	record(&in, PARAMS, 1, NULL, 0, 0);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_BROKEN);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
	fcgi_buf_free(&params);
}

TEST(parameters_beyond_their_limit_break)
{
	struct fcgi_parser p;
	struct fcgi_buf in = { 0 };
	char *chunk = calloc(1, 60000);
	size_t used;

	begin(&in, 1, 1, 1);
	record(&in, PARAMS, 1, chunk, 60000, 0);
	record(&in, PARAMS, 1, chunk, 60000, 0);
	fcgi_parser_init(&p, 10);
	CHECK_EQ_INT(fcgi_feed(&p, in.data, in.len, &used), FCGI_BROKEN);
	free(chunk);
	fcgi_parser_free(&p);
	fcgi_buf_free(&in);
}

/* An answer longer than a record goes out in several, then the empty
 * STDOUT and END_REQUEST; read back, it is the same text. */
TEST(long_answer_is_framed_in_records)
{
	size_t len = 150000, off = 0, got = 0;
	char *text = malloc(len);
	char *back = malloc(len);
	struct fcgi_buf out = { 0 };
	int records = 0, ended = 0;

	for (size_t i = 0; i < len; i++)
		text[i] = (char)('a' + i % 26);
	CHECK_EQ_INT(fcgi_frame_answer(&out, 300, text, len), 0);
	while (off + 8 <= out.len) {
		const unsigned char *h = (const unsigned char *)out.data + off;
		size_t n = (size_t)h[4] << 8 | h[5];

		CHECK_EQ_INT(h[2] << 8 | h[3], 300);
		if (h[1] == STDOUT && n > 0) {
			memcpy(back + got, h + 8, n);
			got += n;
			records++;
		} else if (h[1] == END) {
			ended = 1;
			CHECK_EQ_INT(h[12], 0);	/* REQUEST_COMPLETE */
		}
		off += 8 + n + h[6];
	}
	CHECK_EQ_INT(off, out.len);
	CHECK_EQ_INT(records, 3);
	CHECK(ended);
	CHECK_EQ_INT(got, len);
	CHECK(memcmp(back, text, len) == 0);
	free(text);
	free(back);
	fcgi_buf_free(&out);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(request_in_one_piece);
	RUN(request_a_byte_at_a_time);
	RUN(kept_connection_carries_requests_in_turn);
	RUN(body_beyond_the_limit_is_counted_not_kept);
	RUN(long_values_use_four_byte_lengths);
	RUN(get_values_is_answered);
	RUN(unknown_management_type_is_named);
	RUN(other_roles_and_a_second_request_are_refused);
	RUN(abort_ends_the_request);
	RUN(what_is_not_fastcgi_breaks);
	RUN(parameters_beyond_their_limit_break);
	RUN(long_answer_is_framed_in_records);
	return test_summary(argv[0]);
}
