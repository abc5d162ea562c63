#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "authn.h"
#include "events.h"

struct events {
	CURL *curl;
	char *socket;		/* the publisher's unix socket path */
	int warned;		/* one complaint per worker, not one per request */
};

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

struct events *events_new(const struct conf *conf)
{
	struct events *ev = calloc(1, sizeof(*ev));
	const char *path = conf_get(conf, "events", "publish_socket",
				    EVENTS_SOCKET_DEFAULT);

	if (!ev || !(ev->socket = strdup(path)) || !(ev->curl = curl_easy_init())) {
		events_free(ev);
		return NULL;
	}
	curl_easy_setopt(ev->curl, CURLOPT_UNIX_SOCKET_PATH, ev->socket);
	curl_easy_setopt(ev->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(ev->curl, CURLOPT_TIMEOUT_MS, 1000L);
	curl_easy_setopt(ev->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(ev->curl, CURLOPT_PROTOCOLS_STR, "http");
	return ev;
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	if (ev->curl)
		curl_easy_cleanup(ev->curl);
	free(ev->socket);
	free(ev);
}

static void post(struct events *ev, const char *channel, long long facility,
		 const char *json)
{
	char url[96];
	long status = 0;
	CURLcode rc;

	snprintf(url, sizeof(url), "http://localhost/%s/%lld", channel, facility);
	curl_easy_setopt(ev->curl, CURLOPT_URL, url);
	curl_easy_setopt(ev->curl, CURLOPT_POSTFIELDS, json);
	rc = curl_easy_perform(ev->curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(ev->curl, CURLINFO_RESPONSE_CODE, &status);
	if ((rc != CURLE_OK || status >= 300) && !ev->warned) {
		ev->warned = 1;
		fprintf(stderr, "events: publishing to %s failed (%s); subscribers "
			"fall back to their slow poll\n", ev->socket,
			rc != CURLE_OK ? curl_easy_strerror(rc) : "refused");
	} else if (rc == CURLE_OK && status < 300) {
		ev->warned = 0;
	}
}

void events_publish(struct events *ev, const struct ctx *ctx)
{
	if (!ev || ctx->facility_id <= 0)
		return;
	if (ctx->commands_queued)
		post(ev, "pc", ctx->facility_id, "{\"commands\":\"waiting\"}");
	if (ctx->settled && json_array_size(ctx->settled) > 0) {
		json_t *msg = json_pack("{sO}", "settled", ctx->settled);
		char *text = json_dumps(msg, JSON_COMPACT);

		if (text)
			post(ev, "portal", ctx->facility_id, text);
		free(text);
		json_decref(msg);
	}
}

const char *events_path(enum program p)
{
	switch (p) {
	case PROG_SYNC: return EVENTS_PATH_SYNC;
	case PROG_PORTAL: return EVENTS_PATH_PORTAL;
	default: return NULL;
	}
}

int events_authorize(struct ctx *ctx, char *redirect, size_t size,
		     struct err *err)
{
	/* The portal's page subscribes on its own: that is no sign of a
	 * person at the keyboard, so it never keeps the session alive. It
	 * may subscribe whenever it may list the commands. */
	static const char list[] = "COMMAND.LIST";

	if (ctx->program == PROG_SYNC) {
		if (authn_sync_key(ctx, err) != 0)
			return -1;
	} else {
		ctx->background = 1;
		if (authn_check(ctx, verb_find(list, sizeof(list) - 1), err) != 0)
			return -1;
	}
	snprintf(redirect, size, "/_events/%s/%lld",
		 ctx->program == PROG_SYNC ? "pc" : "portal", ctx->facility_id);
	return 0;
}
