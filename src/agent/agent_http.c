/* agent_http — the agent's requests to /api/sync: one libcurl handle
 * reused for every request (keep-alive), the protocol's headers, and the
 * JSON answer parsed with Jansson. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "agent.h"

struct http {
	CURL *curl;
	struct curl_slist *headers;
	char *body;		/* the answer being received; malloc'd */
	size_t len, cap;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct http *h = arg;
	size_t add = size * n;

	if (h->len + add + 1 > AGENT_BODY_MAX * 2)
		return 0;
	if (h->len + add + 1 > h->cap) {
		size_t cap = (h->len + add + 1) * 2;
		char *b = realloc(h->body, cap);

		if (!b)
			return 0;
		h->body = b;
		h->cap = cap;
	}
	memcpy(h->body + h->len, p, add);
	h->len += add;
	h->body[h->len] = '\0';
	return add;
}

int agent_http_open(struct agent *a)
{
	struct http *h = calloc(1, sizeof(*h));
	char auth[600], pc[200];

	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		agent_log("cannot initialise libcurl");
		return -1;
	}
	a->http = h;
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", a->key);
	snprintf(pc, sizeof(pc), "Infosys-PC: %s", a->pc);
	h->headers = curl_slist_append(NULL, "Content-Type: application/x-infosys-command");
	h->headers = curl_slist_append(h->headers, auth);
	h->headers = curl_slist_append(h->headers, pc);
	h->headers = curl_slist_append(h->headers, "Expect:");
	sodium_memzero(auth, sizeof(auth));
	curl_easy_setopt(h->curl, CURLOPT_URL, a->url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	return 0;
}

void agent_http_close(struct agent *a)
{
	struct http *h = a->http;

	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h->body);
	free(h);
	a->http = NULL;
}

int agent_call(struct agent *a, const char *body, size_t len, long *status,
	       json_t **reply)
{
	struct http *h = a->http;
	CURLcode rc;

	h->len = 0;
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		agent_log("%s: %s", a->url, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
	*reply = h->body ? json_loadb(h->body, h->len, 0, NULL) : NULL;
	return 0;
}

int agent_call_retry(struct agent *a, const char *body, size_t len,
		     long *status, json_t **reply)
{
	long pause = 500;

	for (int attempt = 0; attempt < 6 && !agent_stopping; attempt++) {
		if (agent_call(a, body, len, status, reply) == 0) {
			if (*status != 503 || attempt == 5)
				return 0;
			json_decref(*reply);
			agent_log("server unavailable (503); retrying");
		}
		agent_sleep_ms(pause);
		pause *= 2;
	}
	return -1;
}

void agent_reply_error(const json_t *reply, long status, char *buf, size_t size)
{
	const json_t *e = json_object_get(reply, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	json_int_t line = json_integer_value(json_object_get(e, "line"));

	if (!code) {
		snprintf(buf, size, "HTTP %ld without a protocol answer", status);
		return;
	}
	if (line > 0)
		snprintf(buf, size, "%s: %s (line %lld)", code, msg ? msg : "",
			 (long long)line);
	else
		snprintf(buf, size, "%s: %s", code, msg ? msg : "");
}
