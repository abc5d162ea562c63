/* agent — infosys-agent, the Linux stand-in for the facility PC client's
 * sync side (PROTOCOL.md §6). One process, one facility, one PC id; it
 * talks to /api/sync over HTTP(S) with libcurl, one reused connection.
 *
 * Modules: agent_main.c (configuration, dispatch), agent_http.c (the
 * requests), agent_push.c (CSV → batches), agent_listen.c (commands →
 * .dat files), agent_daily.c (daily sync, update check), agent_demo.c
 * (live demo data). Exit codes: 0 done, 1 operational error, 2 usage,
 * 3 an update refused as forged or altered. */
#ifndef INFOSYS_AGENT_H
#define INFOSYS_AGENT_H

#include <signal.h>
#include <stddef.h>
#include <jansson.h>

enum { AGENT_OK = 0, AGENT_FAIL = 1, AGENT_USAGE = 2, AGENT_REFUSED = 3 };

#define AGENT_BATCH_MAX 1000		/* lines per request (PROTOCOL.md §2) */
#define AGENT_BODY_MAX (1024 * 1024)	/* /api/sync body limit */

struct agent {
	const char *url;	/* .../api/sync */
	const char *key;	/* the facility sync key; never printed */
	const char *pc;		/* Infosys-PC */
	const char *commands;	/* folder for <id>.dat, or NULL */
	const char *public_key;	/* pinned release.pub */
	const char *version;	/* this client's version */
	const char *channel;	/* stable or beta */
	long poll_ms;		/* sleep after an empty poll */
	long tick_s;		/* demo: seconds between readings */
	int events;		/* listen: subscribe to the facility's events */
	long slow_poll_s;	/* listen: poll at least this often anyway */
	const char *test_pause;	/* tests only: "temp:MS" or "renamed:MS" */
	void *http;		/* agent_http.c's state */
};

/* Set by SIGTERM/SIGINT; loops finish the step they are in and return. */
extern volatile sig_atomic_t agent_stopping;

/* Installs the handlers (without SA_RESTART, so sleeps end early). */
void agent_signals(void);

/* Sleeps ms milliseconds or until a stop is asked; 0 when stopping. */
int agent_sleep_ms(long ms);

/* Prints "infosys-agent: <msg>" to stderr. */
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* agent_http.c. Opens the connection state; 0 or -1 (message printed). */
int agent_http_open(struct agent *a);
void agent_http_close(struct agent *a);

/* POSTs body[0..len) to the sync URL. On 0, *status is the HTTP status
 * and *reply the parsed JSON (new reference; NULL when the body was not
 * JSON). -1 on a transport failure (message printed). */
int agent_call(struct agent *a, const char *body, size_t len, long *status,
	       json_t **reply);

/* agent_call that retries transport failures and 503 a few times with a
 * growing pause (every sync request is safe to repeat); on 0 the caller
 * owns *reply. */
int agent_call_retry(struct agent *a, const char *body, size_t len,
		     long *status, json_t **reply);

/* The error message of a refused reply ("CODE: message (line N)") into
 * buf[size]. */
void agent_reply_error(const json_t *reply, long status, char *buf, size_t size);

/* agent_listen.c */
/* Removes temporary files a killed listener left in the commands folder. */
int agent_commands_clean(const struct agent *a);
/* What a PC does with a command: the text of its acknowledgement (it may
 * send more first, e.g. a report); the text lives until the next call. */
typedef const char *(*agent_result)(struct agent *a, long long id, const char *line);
/* One poll: writes due commands (when a->commands is set) and acks them;
 * result supplies the ack text (NULL: "written to <id>.dat").
 * Returns the number of commands handled, or -1. */
int agent_listen_once(struct agent *a, agent_result result);

/* agent_events.c: the subscription to the facility's channel (GET
 * …/api/sync/events, Server-Sent Events), held on its own connection. */
struct agent_events;
/* NULL when out of memory; the connection is made by agent_events_wait. */
struct agent_events *agent_events_open(const struct agent *a);
void agent_events_close(struct agent_events *ev);
/* Waits up to ms for a reason to poll: 1 when commands may be waiting
 * (an event came, the subscription was (re)made, or it could not be and
 * a retry is due), 0 when ms passed without one or a stop was asked. */
int agent_events_wait(struct agent_events *ev, long ms);

/* Subcommands: argc/argv after the subcommand name. */
int agent_push(struct agent *a, int argc, char **argv);
int agent_listen(struct agent *a, int argc, char **argv);
int agent_daily(struct agent *a, int argc, char **argv);
int agent_update_check(struct agent *a, int argc, char **argv);
int agent_demo(struct agent *a, int argc, char **argv);

#endif
