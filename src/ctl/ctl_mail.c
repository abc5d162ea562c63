/* ctl_mail — `infosysctl mail run [--smtp URL]`: delivers the mail outbox
 * (src/domain/outbox.h) over SMTP with libcurl, once through the due messages.
 *
 * Each message is claimed with a conditional UPDATE that pushes its next
 * attempt out by a lease, so two mailers (two timers, two hosts) never
 * send the same message twice at once. A failure retries with doubling
 * backoff (1 minute up to an hour) and gives up after MAIL_MAX_ATTEMPTS,
 * marking failed_at. [mail] smtp_url (default smtp://127.0.0.1:25) and
 * from (default infosys@localhost) come from the configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ctl.h"
#include "ctl_mail.h"
#include "outbox.h"

#define MAIL_MAX_ATTEMPTS 8
#define MAIL_LEASE_S 300
#define MAIL_BATCH 100

static const char sql_due[] =
	"SELECT id, message_sealed, attempts FROM mail_outbox WHERE sent_at IS NULL"
	" AND failed_at IS NULL AND next_attempt_at <= UTC_TIMESTAMP()"
	" ORDER BY id LIMIT ?";

static const char sql_claim[] =
	"UPDATE mail_outbox SET next_attempt_at = UTC_TIMESTAMP() + INTERVAL ?"
	" SECOND WHERE id = ? AND sent_at IS NULL AND failed_at IS NULL"
	" AND next_attempt_at <= UTC_TIMESTAMP()";

static const char sql_sent[] =
	"UPDATE mail_outbox SET sent_at = UTC_TIMESTAMP(), attempts = attempts + 1,"
	" last_error = NULL WHERE id = ?";

/* attempts is assigned first, so failed_at sees the new count. */
static const char sql_retry[] =
	"UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?,"
	" next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
	" failed_at = IF(attempts >= ?, UTC_TIMESTAMP(), NULL) WHERE id = ?";

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* A header value without CR or LF: nothing can add a header. */
static char *header_safe(struct arena *a, const char *s)
{
	char *c = arena_strdup(a, s);

	for (char *p = c; p && *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	return c;
}

/* RFC 5322 text with CRLF line ends and dot-stuffing left to libcurl. */
static char *message_text(struct arena *a, const char *from,
			  const struct outbox_msg *m, long long id)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	char *body = arena_alloc(a, 2 * strlen(m->body) + 1), *o = body;

	if (!body)
		return NULL;
	for (const char *p = m->body; *p; p++) {
		if (*p == '\n' && (p == m->body || p[-1] != '\r'))
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	return arena_printf(a, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
			    "Message-ID: <outbox-%lld-%lld@infosys>\r\n"
			    "MIME-Version: 1.0\r\n"
			    "Content-Type: text/plain; charset=utf-8\r\n\r\n%s",
			    header_safe(a, from), header_safe(a, m->to),
			    header_safe(a, m->subject), date, id, (long long)now,
			    body);
}

/* 0 sent; -1 with why filled. */
static int smtp_send(const char *url, const char *from, const char *to,
		     const char *text, char *why, size_t whysize)
{
	struct upload up = { text, strlen(text) };
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	if (c && rcpt) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
		rc = curl_easy_perform(c);
	}
	snprintf(why, whysize, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

static long backoff_s(long attempts)
{
	long s = 60;

	for (long i = 0; i < attempts && s < 3600; i++)
		s *= 2;
	return s < 3600 ? s : 3600;
}

/* One claimed message: sent, or its retry recorded. 1 sent, 0 not. */
static int deliver(struct ctx *ctx, const char *url, const char *from,
		   long long id, const char *sealed, long attempts)
{
	struct outbox_msg m;
	struct err err;
	char why[ERR_MSG_MAX] = "";
	char *text;
	int ok;

	err_clear(&err);
	ok = outbox_open(ctx, sealed, &m, &err) == 0 &&
	     (text = message_text(ctx->arena, from, &m, id)) &&
	     smtp_send(url, from, m.to, text, why, sizeof(why)) == 0;
	if (!why[0])
		snprintf(why, sizeof(why), "%s", err.msg[0] ? err.msg : "out of memory");
	if (ok) {
		struct dbparam p[] = { P_INT(id) };
		return db_exec(ctx->db, sql_sent, p, 1, NULL, NULL, &err) == 0;
	}
	struct dbparam p[] = { P_STR(why), P_INT(backoff_s(attempts)),
			       P_INT(MAIL_MAX_ATTEMPTS), P_INT(id) };
	if (db_exec(ctx->db, sql_retry, p, 4, NULL, NULL, &err) != 0)
		ctl_fail(&err);
	fprintf(stderr, "infosysctl: mail %lld not sent (attempt %ld): %s\n",
		id, attempts + 1, why);
	return 0;
}

/* One round through the due messages; quiet: say nothing when none. */
static int mail_run(const char *url, int quiet)
{
	struct ctx ctx = { .conf = ctl_conf(), .db = ctl_db(0), .arena = ctl_arena() };
	const char *from;
	struct dbres r;
	struct err err;
	int sent = 0, tried = 0;

	if (!ctx.conf || !ctx.db || !ctx.arena)
		return CTL_FAIL;
	from = conf_get(ctx.conf, "mail", "from", "infosys@localhost");
	url = url ? url : conf_get(ctx.conf, "mail", "smtp_url", "smtp://127.0.0.1:25");
	struct dbparam p[] = { P_INT(MAIL_BATCH) };
	err_clear(&err);
	if (db_query(ctx.db, sql_due, p, 1, ctx.arena, &r, &err) != 0)
		return ctl_fail(&err);
	for (size_t i = 0; i < r.nrows; i++) {
		long long id = strtoll(dbres_get(&r, i, 0), NULL, 10);
		unsigned long long claimed = 0;
		struct dbparam c[] = { P_INT(MAIL_LEASE_S), P_INT(id) };
		if (db_exec(ctx.db, sql_claim, c, 2, &claimed, NULL, &err) != 0)
			return ctl_fail(&err);
		if (claimed != 1)
			continue;	/* another mailer has it */
		tried++;
		sent += deliver(&ctx, url, from, id, dbres_get(&r, i, 1),
				strtol(dbres_get(&r, i, 2), NULL, 10));
	}
	if (tried > 0 || !quiet)
		printf("mail: %d sent, %d not sent\n", sent, tried - sent);
	fflush(stdout);
	return sent == tried ? CTL_OK : CTL_FAIL;
}

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* --every: the mailer as a long-running process (the local stack's, or a
 * service instead of a timer); a failed round is retried at the next. */
static int mail_loop(const char *url, unsigned every)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stopping) {
		mail_run(url, 1);
		arena_reset(ctl_arena());
		for (unsigned i = 0; i < every && !stopping; i++)
			sleep(1);
	}
	return CTL_OK;
}

int ctl_mail(int argc, char **argv)
{
	const char *url = NULL;
	unsigned every = 0;
	int rc;

	if (argc < 2 || strcmp(argv[1], "run") != 0)
		return ctl_usage("usage: mail run [--smtp URL] [--every SECONDS]");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--smtp") && i + 1 < argc)
			url = argv[++i];
		else if (!strcmp(argv[i], "--every") && i + 1 < argc &&
			 (every = (unsigned)strtoul(argv[i + 1], NULL, 10)) > 0 &&
			 every <= 3600)
			i++;
		else
			return ctl_usage("unexpected argument '%s'", argv[i]);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = every ? mail_loop(url, every) : mail_run(url, 0);
	curl_global_cleanup();
	return rc;
}
