/* agent_daily — `infosys-agent daily` (claim today's daily sync, run a
 * stand-in for it, report) and `infosys-agent update-check` (ask for a
 * newer release and believe it only if the pinned key signed it).
 *
 * update-check trusts nothing in the answer but the signed manifest: the
 * signature must verify over the exact manifest text with the pinned
 * public key, the manifest must be canonical, every field the server
 * also answered must equal the manifest's, the channel must be one this
 * PC follows and the version must be newer than ours (no downgrades). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "canon.h"
#include "release.h"

/* Sends one line; on 0 the caller owns *reply. */
static int call_line(struct agent *a, const char *line, long *status, json_t **reply)
{
	return agent_call_retry(a, line, strlen(line), status, reply);
}

int agent_daily(struct agent *a, int argc, char **argv)
{
	const char *fail = argc == 3 && !strcmp(argv[1], "--fail") ? argv[2] : NULL;
	char date[11], line[700], msg[600];
	time_t now = time(NULL);
	struct tm tm;
	long status = 0;
	json_t *reply = NULL;
	int rc = AGENT_FAIL;

	if (argc != 1 && !fail) {
		agent_log("daily takes only --fail MESSAGE");
		return AGENT_USAGE;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(line, sizeof(line), "DAILYSYNC.CLAIM date=%s", date);
	if (call_line(a, line, &status, &reply) != 0)
		return AGENT_FAIL;
	if (status == 409) {
		agent_reply_error(reply, status, msg, sizeof(msg));
		printf("daily sync of %s belongs to another PC: %s\n", date, msg);
		json_decref(reply);
		return AGENT_OK;
	}
	if (status != 200) {
		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("claim refused: %s", msg);
		json_decref(reply);
		return AGENT_FAIL;
	}
	json_decref(reply);
	/* The stand-in for the Windows client's nightly work: nothing to copy
	 * here, so the run is the claim-report round trip itself. */
	if (fail)
		snprintf(line, sizeof(line), "DAILYSYNC.REPORT date=%s status=error errors=", date);
	else
		snprintf(line, sizeof(line), "DAILYSYNC.REPORT date=%s status=ok", date);
	if (fail) {
		size_t n = strlen(line), flen = strnlen(fail, 300);

		line[n + canon_value(fail, flen, line + n)] = '\0';
	}
	if (call_line(a, line, &status, &reply) != 0)
		return AGENT_FAIL;
	if (status == 200) {
		printf("daily sync of %s claimed and reported %s\n", date, fail ? "error" : "ok");
		rc = AGENT_OK;
	} else {
		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("report refused: %s", msg);
	}
	json_decref(reply);
	return rc;
}

/* The answer's string field key, or "". */
static const char *field(const json_t *data, const char *key)
{
	const char *s = json_string_value(json_object_get(data, key));

	return s ? s : "";
}

static int refuse(const char *why)
{
	fprintf(stderr, "infosys-agent: update REFUSED: %s\n", why);
	return AGENT_REFUSED;
}

/* Checks a non-empty UPDATE.CHECK answer as the module comment says. */
static int verify_update(const struct agent *a, const json_t *data)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	const char *text = field(data, "manifest");
	struct release_manifest m;
	struct err err;

	if (release_key_load_public(a->public_key, pk, &err) != 0) {
		agent_log("%s", err.msg);
		return AGENT_FAIL;
	}
	if (release_verify(pk, text, strlen(text), field(data, "signature")) != 0)
		return refuse("the signature does not verify with the pinned public key"
			      " (forged, or the manifest was altered)");
	if (release_manifest_parse(text, strlen(text), &m, &err) != 0)
		return refuse(err.msg);
	if (strcmp(m.version, field(data, "version")) || strcmp(m.url, field(data, "url")) ||
	    strcmp(m.sha256, field(data, "sha256")) ||
	    (json_object_get(data, "channel") && strcmp(m.channel, field(data, "channel"))))
		return refuse("the answer's fields differ from the signed manifest");
	if (strcmp(m.channel, "stable") && strcmp(m.channel, a->channel))
		return refuse("the release is for another channel");
	if (release_version_cmp(m.version, a->version, NULL) <= 0)
		return refuse("the signed version is not newer than ours (downgrade)");
	printf("update available: %s (%s)\nurl=%s\nsha256=%s\npublished=%s\n",
	       m.version, m.channel, m.url, m.sha256, m.published);
	return AGENT_OK;
}

int agent_update_check(struct agent *a, int argc, char **argv)
{
	char line[256], msg[600];
	long status = 0;
	json_t *reply = NULL, *data;
	int rc;

	(void)argv;
	if (argc != 1 || !a->public_key) {
		agent_log("update-check needs --public-key FILE (or public_key= in the INI)");
		return AGENT_USAGE;
	}
	snprintf(line, sizeof(line), "UPDATE.CHECK version=%.64s channel=%.6s",
		 a->version, a->channel);
	if (call_line(a, line, &status, &reply) != 0)
		return AGENT_FAIL;
	data = json_object_get(reply, "data");
	if (status != 200 || !json_is_object(data)) {
		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("update check refused: %s", msg);
		json_decref(reply);
		return AGENT_FAIL;
	}
	if (json_is_true(json_object_get(data, "update")))
		rc = verify_update(a, data);
	else if (json_is_false(json_object_get(data, "update"))) {
		printf("up to date: %s (%s)\n", a->version, a->channel);
		rc = AGENT_OK;
	} else
		rc = refuse("the answer has no `update` field");
	json_decref(reply);
	return rc;
}
