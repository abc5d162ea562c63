/* agent_main — infosys-agent's command line: the configuration (an INI
 * file's [agent] section, then flags over it) and the subcommands.
 *
 * The sync key is never taken from the command line, where any local user
 * could read it in ps: it comes from `key_file`, the INI's `key` (keep
 * that file 0600) or $INFOSYS_SYNC_KEY. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "agent.h"
#include "conf.h"

volatile sig_atomic_t agent_stopping;

static void on_signal(int sig)
{
	(void)sig;
	agent_stopping = 1;
}

void agent_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int agent_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (!agent_stopping && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return !agent_stopping;
}

void agent_log(const char *fmt, ...)
{
	va_list ap;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s infosys-agent: ", ts);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fputs("usage: infosys-agent [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "  push [FILE]      readings, queues, alarms, devices from CSV (default stdin):\n"
	      "                     reading,DEVICE,TS,VALUE\n"
	      "                     queue,QUEUE,TS,LENGTH,WAIT_MIN\n"
	      "                     alarm,ALARM,DEVICE,active|cleared,low|high|critical,TS[,MESSAGE]\n"
	      "                     device,DEVICE,KIND,LOCATION[,UNIT[,LOW,HIGH[,NAME]]]\n"
	      "                   in batches of up to 1000 lines, each one transaction\n"
	      "  listen           commands: wait for the facility's events, then poll; write\n"
	      "                   each as <id>.dat (atomically), then ack\n"
	      "  daily [--fail MESSAGE]\n"
	      "                   claim today's daily sync, run it, report\n"
	      "  update-check     ask for a newer release; verify it with the pinned key\n"
	      "  demo             live demo data forever (and settle the commands)\n"
	      "\n"
	      "options (over the [agent] section of --conf FILE):\n"
	      "  --conf FILE          INI file: url, key_file or key, pc, commands,\n"
	      "                       public_key, version, channel, poll_ms, tick_s,\n"
	      "                       events, slow_poll_s\n"
	      "  --url URL            the facility server (…/api/sync is added)\n"
	      "  --key-file FILE      the sync key (else key_file, key, $INFOSYS_SYNC_KEY)\n"
	      "  --pc ID              this PC's id (Infosys-PC)\n"
	      "  --commands DIR       folder for the .dat files\n"
	      "  --public-key FILE    the pinned release.pub\n"
	      "  --version V          this client's version (default 1.0.0)\n"
	      "  --channel stable|beta\n"
	      "  --poll-ms N          pause after an empty poll (default 1000; listen\n"
	      "                       only with --events off)\n"
	      "  --events on|off      listen: subscribe to the facility's events (default on)\n"
	      "  --slow-poll-s N      listen: poll anyway this often (default 300), and\n"
	      "                       after every (re)connection of the subscription\n"
	      "  --tick-s N           demo: seconds between readings (default 60)\n"
	      "Exit status: 0 done, 1 error, 2 usage, 3 update refused.\n", f);
}

/* The first line of a small file, in static storage. */
static const char *read_key_file(const char *path)
{
	static char buf[512];
	FILE *f = fopen(path, "re");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		agent_log("%s: cannot read the sync key", path);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

/* Composes …/api/sync from a base URL, in static storage. */
static const char *sync_url(const char *base)
{
	static char buf[2048];
	size_t n = strlen(base);

	while (n && base[n - 1] == '/')
		n--;
	if (n >= 9 && !strncmp(base + n - 9, "/api/sync", 9))
		snprintf(buf, sizeof(buf), "%.*s", (int)n, base);
	else
		snprintf(buf, sizeof(buf), "%.*s/api/sync", (int)n, base);
	return buf;
}

struct opts {
	const char *conf, *url, *key_file, *pc, *commands, *public_key;
	const char *version, *channel, *poll_ms, *tick_s, *test_pause;
	const char *events, *slow_poll_s;
};

/* Global options before the command; returns the command's index or -1. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct { const char *flag; size_t off; } flags[] = {
		{ "--conf", offsetof(struct opts, conf) },
		{ "--url", offsetof(struct opts, url) },
		{ "--key-file", offsetof(struct opts, key_file) },
		{ "--pc", offsetof(struct opts, pc) },
		{ "--commands", offsetof(struct opts, commands) },
		{ "--public-key", offsetof(struct opts, public_key) },
		{ "--version", offsetof(struct opts, version) },
		{ "--channel", offsetof(struct opts, channel) },
		{ "--poll-ms", offsetof(struct opts, poll_ms) },
		{ "--tick-s", offsetof(struct opts, tick_s) },
		{ "--events", offsetof(struct opts, events) },
		{ "--slow-poll-s", offsetof(struct opts, slow_poll_s) },
		{ "--test-pause", offsetof(struct opts, test_pause) },
	};
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		size_t f;

		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (!strcmp(argv[i], flags[f].flag))
				break;
		if (f == sizeof(flags) / sizeof(flags[0]) || i + 1 >= argc) {
			agent_log("unknown option or missing value: %s", argv[i]);
			return -1;
		}
		*(const char **)((char *)o + flags[f].off) = argv[i + 1];
		i += 2;
	}
	return i < argc ? i : -1;
}

static const char *pick(const char *flag, const struct conf *c, const char *key,
			const char *dflt)
{
	return flag ? flag : c ? conf_get(c, "agent", key, dflt) : dflt;
}

/* Fills a from the flags and the INI file (*c, owned by the caller). */
static int configure(struct agent *a, const struct opts *o, struct conf **c)
{
	struct err err;
	const char *url, *key_file, *s;

	if (o->conf && !(*c = conf_load(o->conf, &err))) {
		agent_log("%s", err.msg);
		return -1;
	}
	url = pick(o->url, *c, "url", NULL);
	a->url = url ? sync_url(url) : NULL;
	a->pc = pick(o->pc, *c, "pc", "agent-1");
	a->commands = pick(o->commands, *c, "commands", NULL);
	a->public_key = pick(o->public_key, *c, "public_key", NULL);
	a->version = pick(o->version, *c, "version", "1.0.0");
	a->channel = pick(o->channel, *c, "channel", "stable");
	a->poll_ms = atol(pick(o->poll_ms, *c, "poll_ms", "1000"));
	a->tick_s = atol(pick(o->tick_s, *c, "tick_s", "60"));
	a->events = strcmp(pick(o->events, *c, "events", "on"), "off") != 0;
	a->slow_poll_s = atol(pick(o->slow_poll_s, *c, "slow_poll_s", "300"));
	a->test_pause = o->test_pause;
	key_file = pick(o->key_file, *c, "key_file", NULL);
	a->key = key_file ? read_key_file(key_file) :
		 (s = pick(NULL, *c, "key", NULL)) ? s : getenv("INFOSYS_SYNC_KEY");
	if (!a->url || !a->key || !*a->key) {
		agent_log("need a server URL and a sync key (see --help)");
		return -1;
	}
	if (a->poll_ms < 10)
		a->poll_ms = 10;
	if (a->tick_s < 1)
		a->tick_s = 1;
	if (a->slow_poll_s < 1)
		a->slow_poll_s = 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct agent *, int, char **);
	} cmds[] = {
		{ "push", agent_push }, { "listen", agent_listen },
		{ "daily", agent_daily }, { "update-check", agent_update_check },
		{ "demo", agent_demo },
	};
	struct opts o = { 0 };
	struct agent a = { 0 };
	struct conf *c = NULL;
	int i, rc = AGENT_USAGE;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))) {
		usage(stdout);
		return AGENT_OK;
	}
	if ((i = parse_opts(argc, argv, &o)) < 0) {
		usage(stderr);
		return AGENT_USAGE;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(argv[i], cmds[k].name))
			continue;
		if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return AGENT_FAIL;
		rc = AGENT_FAIL;
		if (configure(&a, &o, &c) == 0 && agent_http_open(&a) == 0) {
			agent_signals();
			rc = cmds[k].run(&a, argc - i, argv + i);
		}
		agent_http_close(&a);
		conf_free(c);
		curl_global_cleanup();
		return rc;
	}
	agent_log("unknown command '%s'", argv[i]);
	usage(stderr);
	return rc;
}
