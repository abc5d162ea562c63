/* agent_events — `listen`'s subscription to the facility's channel.
 *
 * GET …/api/sync/events with the key and PC headers; nginx (nchan) holds
 * it and sends a Server-Sent Event when commands are waiting. The events
 * say only "poll now": the database stays the truth, so a lost event, a
 * dropped connection or a server without events costs latency, never a
 * command. Hence a poll is due after every event, after every
 * (re)connection (events sent while it was down are lost), and at each
 * retry while it cannot be made. The connection lives in a libcurl multi
 * handle beside the request handle, so a poll never waits on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "agent.h"

#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 30000
/* nginx pings every 30 s; this long without a byte means a dead link. */
#define SILENCE_S 75L

struct agent_events {
	CURLM *multi;
	CURL *curl;
	struct curl_slist *headers;
	char url[2048];
	int running;		/* the transfer is in the multi handle */
	int status_ok;		/* the answer's status was 200 */
	int due;		/* a poll is due */
	char line[512];		/* the SSE line being received */
	size_t len;
	int has_data;		/* the event being received has data */
	long retry_ms;		/* the next pause before reconnecting */
	long long retry_at;	/* monotonic ms; 0: now */
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Server-Sent Events: "field: value" lines, an empty line ends an event,
 * lines starting ':' are comments (nginx's pings). */
static void sse_line(struct agent_events *ev)
{
	if (ev->len == 0) {
		if (ev->has_data)
			ev->due = 1;
		ev->has_data = 0;
	} else if (ev->len >= 4 && !strncmp(ev->line, "data", 4)) {
		ev->has_data = 1;
	}
	ev->len = 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct agent_events *ev = arg;

	for (size_t i = 0; i < size * n; i++) {
		if (p[i] == '\n')
			sse_line(ev);
		else if (p[i] != '\r' && ev->len < sizeof(ev->line))
			ev->line[ev->len++] = p[i];
	}
	return size * n;
}

/* The end of the answer's headers is when the subscription holds. */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct agent_events *ev = arg;
	long status = 0;

	if (size * n <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		curl_easy_getinfo(ev->curl, CURLINFO_RESPONSE_CODE, &status);
		ev->status_ok = status == 200;
		if (ev->status_ok) {
			agent_log("subscribed to the facility's events");
			ev->due = 1;
			ev->retry_ms = RETRY_MIN_MS;
		}
	}
	return size * n;
}

struct agent_events *agent_events_open(const struct agent *a)
{
	struct agent_events *ev = calloc(1, sizeof(*ev));
	char auth[600], pc[200];

	if (!ev || !(ev->multi = curl_multi_init()) || !(ev->curl = curl_easy_init())) {
		agent_events_close(ev);
		return NULL;
	}
	snprintf(ev->url, sizeof(ev->url), "%s/events", a->url);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", a->key);
	snprintf(pc, sizeof(pc), "Infosys-PC: %s", a->pc);
	ev->headers = curl_slist_append(NULL, "Accept: text/event-stream");
	ev->headers = curl_slist_append(ev->headers, auth);
	ev->headers = curl_slist_append(ev->headers, pc);
	sodium_memzero(auth, sizeof(auth));
	curl_easy_setopt(ev->curl, CURLOPT_URL, ev->url);
	curl_easy_setopt(ev->curl, CURLOPT_HTTPHEADER, ev->headers);
	curl_easy_setopt(ev->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(ev->curl, CURLOPT_WRITEDATA, ev);
	curl_easy_setopt(ev->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(ev->curl, CURLOPT_HEADERDATA, ev);
	curl_easy_setopt(ev->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(ev->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(ev->curl, CURLOPT_LOW_SPEED_TIME, SILENCE_S);
	curl_easy_setopt(ev->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(ev->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	ev->retry_ms = RETRY_MIN_MS;
	return ev;
}

void agent_events_close(struct agent_events *ev)
{
	if (!ev)
		return;
	if (ev->running)
		curl_multi_remove_handle(ev->multi, ev->curl);
	if (ev->curl)
		curl_easy_cleanup(ev->curl);
	if (ev->multi)
		curl_multi_cleanup(ev->multi);
	curl_slist_free_all(ev->headers);
	free(ev);
}

/* The transfer ended (it never should): say why, and retry later. */
static void ended(struct agent_events *ev, CURLcode rc)
{
	long status = 0;

	curl_easy_getinfo(ev->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(ev->multi, ev->curl);
	ev->running = 0;
	if (rc != CURLE_OK)
		agent_log("events: %s; retrying in %ld s", curl_easy_strerror(rc),
			  ev->retry_ms / 1000);
	else
		agent_log("events: the subscription ended (HTTP %ld); retrying in %ld s",
			  status, ev->retry_ms / 1000);
	ev->retry_at = now_ms() + ev->retry_ms;
	ev->retry_ms = ev->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : ev->retry_ms * 2;
	ev->due = 1;	/* until it is back, each retry is also a poll */
}

static void start(struct agent_events *ev)
{
	ev->len = 0;
	ev->has_data = 0;
	ev->status_ok = 0;
	if (curl_multi_add_handle(ev->multi, ev->curl) == CURLM_OK)
		ev->running = 1;
}

int agent_events_wait(struct agent_events *ev, long ms)
{
	long long deadline = now_ms() + ms;
	int still, left;
	CURLMsg *m;

	while (!agent_stopping) {
		long long now = now_ms();

		if (!ev->running && now >= ev->retry_at)
			start(ev);
		curl_multi_perform(ev->multi, &still);
		while ((m = curl_multi_info_read(ev->multi, &left)))
			if (m->msg == CURLMSG_DONE)
				ended(ev, m->data.result);
		if (ev->due) {
			ev->due = 0;
			return 1;
		}
		if (now >= deadline)
			return 0;
		long long until = deadline;
		if (!ev->running && ev->retry_at < until)
			until = ev->retry_at;
		long wait = (long)(until - now);
		curl_multi_poll(ev->multi, NULL, 0, wait > 1000 ? 1000 : wait < 1 ? 1 : (int)wait, NULL);
	}
	return 0;
}
