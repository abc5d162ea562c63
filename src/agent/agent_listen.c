/* agent_listen — `infosys-agent listen`: polls COMMAND.POLL and writes each
 * command as <id>.dat in the commands folder for the Windows application.
 *
 * What it promises, and how:
 *   - never a partial .dat: the line goes to a hidden temporary file
 *     (.<id>.dat.tmp, which no reader of *.dat picks up), fsync'd, then
 *     linked to its final name and the folder fsync'd. link() refuses an
 *     existing name, so a command is also never written twice, even by
 *     two listeners on one folder. Temporary files a killed listener left
 *     are removed at the next start;
 *   - acked only once its file is on disk: a crash before the ack leaves
 *     the command unacknowledged, the server hands it out again after the
 *     lease, and the listener finds <id>.dat already there, skips writing
 *     and acks again (acks are idempotent on the server). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "canon.h"

#define POLL_BODY "COMMAND.POLL max=100"

static int is_temp_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' && n > 9 && !strcmp(name + n - 8, ".dat.tmp");
}

int agent_commands_clean(const struct agent *a)
{
	DIR *d;
	struct dirent *e;
	int removed = 0;

	if (!a->commands)
		return 0;
	if (!(d = opendir(a->commands))) {
		agent_log("%s: %s", a->commands, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (is_temp_name(e->d_name) && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	closedir(d);
	if (removed)
		agent_log("removed %d unfinished temporary file(s) from %s", removed,
			  a->commands);
	return 0;
}

/* Tests only: stops at a stage long enough to be killed there. */
static void test_pause(const struct agent *a, const char *stage)
{
	size_t n = strlen(stage);

	if (a->test_pause && !strncmp(a->test_pause, stage, n) && a->test_pause[n] == ':') {
		agent_log("test pause at '%s'", stage);
		sleep((unsigned)(atol(a->test_pause + n + 1) / 1000 + 1));
	}
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes line as dir/<id>.dat; 1 when it was there already, 0 when
 * written, -1 on an error (message printed, nothing left under the
 * final name). */
static int write_command(const struct agent *a, long long id, const char *line)
{
	char path[4096], tmp[4096];
	size_t len = strlen(line);
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%lld.dat", a->commands, id);
	snprintf(tmp, sizeof(tmp), "%s/.%lld.dat.tmp", a->commands, id);
	if (access(path, F_OK) == 0)
		return 1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	rc = (write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	      fsync(fd) == 0) ? 0 : -1;
	if (close(fd) != 0 || rc != 0)
		goto fail;
	test_pause(a, "temp");
	if (link(tmp, path) != 0) {
		if (errno == EEXIST) {
			unlink(tmp);
			return 1;
		}
		/* A filesystem without hard links: rename, after the check above. */
		if ((errno != EPERM && errno != ENOTSUP) || rename(tmp, path) != 0)
			goto fail;
	} else {
		unlink(tmp);
	}
	if (fsync_dir(a->commands) != 0)
		goto fail;
	test_pause(a, "renamed");
	return 0;
fail:
	agent_log("%s: %s", tmp, strerror(errno));
	unlink(tmp);
	return -1;
}

/* Appends "COMMAND.ACK id=… status=done result=…" to body. */
static size_t put_ack(char *body, size_t len, long long id, const char *result)
{
	len += (size_t)sprintf(body + len, "%sCOMMAND.ACK id=%lld status=done result=",
			       len ? "\n" : "", id);
	return len + canon_value(result, strlen(result), body + len);
}

static int send_acks(struct agent *a, const char *body, size_t len)
{
	long status = 0;
	json_t *reply = NULL;
	char msg[600];
	int ok;

	if (len == 0)
		return 0;
	if (agent_call_retry(a, body, len, &status, &reply) != 0)
		return -1;
	ok = status == 200 && json_is_true(json_object_get(reply, "ok"));
	if (!ok) {
		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("acknowledgement refused: %s", msg);
	}
	json_decref(reply);
	return ok ? 0 : -1;
}

/* Writes and acks the polled commands; their number or -1. */
static int settle(struct agent *a, json_t *list, agent_result result)
{
	size_t i, n = json_array_size(list);
	char *body = malloc(n * 1200 + 1);
	size_t len = 0;
	int rc = 0;

	if (!body)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(list, i);
		long long id = json_integer_value(json_object_get(c, "id"));
		const char *line = json_string_value(json_object_get(c, "command"));
		const char *why = result && line ? result(a, id, line) : "saved for the PC application";

		if (id <= 0 || !line)
			continue;
		if (a->commands && write_command(a, id, line) < 0) {
			rc = -1;	/* not acked: handed out again after the lease */
			break;
		}
		len = put_ack(body, len, id, why);
	}
	if (send_acks(a, body, len) != 0)
		rc = -1;
	free(body);
	return rc == 0 ? (int)n : -1;
}

int agent_listen_once(struct agent *a, agent_result result)
{
	long status = 0;
	json_t *reply = NULL, *list;
	char msg[600];
	int rc;

	if (agent_call(a, POLL_BODY, strlen(POLL_BODY), &status, &reply) != 0)
		return -1;
	list = json_object_get(json_object_get(reply, "data"), "commands");
	if (status != 200 || !json_is_array(list)) {
		agent_reply_error(reply, status, msg, sizeof(msg));
		agent_log("poll refused: %s", msg);
		json_decref(reply);
		return status == 401 ? -2 : -1;
	}
	rc = settle(a, list, result);
	json_decref(reply);
	return rc;
}

/* Idle until the next poll: until an event says commands are waiting (or
 * the slow timer runs out), or, without events, the short pause. */
static void listen_idle(struct agent *a, struct agent_events *ev)
{
	if (ev)
		agent_events_wait(ev, a->slow_poll_s * 1000);
	else
		agent_sleep_ms(a->poll_ms);
}

int agent_listen(struct agent *a, int argc, char **argv)
{
	struct agent_events *ev = NULL;
	long backoff = 1000;
	int n, rc = AGENT_OK;

	(void)argv;
	if (argc > 1 || !a->commands) {
		agent_log("listen needs --commands DIR (or commands= in the INI) and no arguments");
		return AGENT_USAGE;
	}
	if (agent_commands_clean(a) != 0)
		return AGENT_FAIL;
	if (a->events && !(ev = agent_events_open(a)))
		return AGENT_FAIL;
	agent_log("listening for %s as %s into %s (%s)", a->url, a->pc, a->commands,
		  ev ? "events" : "polling");
	while (!agent_stopping) {
		n = agent_listen_once(a, NULL);
		if (n == -2) {
			rc = AGENT_FAIL;
			break;
		}
		if (n < 0) {
			agent_sleep_ms(backoff);
			backoff = backoff < 30000 ? backoff * 2 : backoff;
			continue;
		}
		backoff = 1000;
		if (n > 0)
			agent_log("settled %d command(s)", n);
		else
			listen_idle(a, ev);
	}
	agent_events_close(ev);
	if (rc == AGENT_OK)
		agent_log("stopped");
	return rc;
}
