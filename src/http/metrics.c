/* metrics — see metrics.h. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert.h"
#include "log.h"
#include "metrics.h"

#define METRICS_MAGIC 0x494e46534d455431ULL	/* "INFSMET1" */
#define METRICS_VERBS 192			/* room above verb_count */
#define METRICS_BUCKETS 12

/* Upper bounds of the latency buckets, microseconds; the last is +Inf. */
static const long bucket_us[METRICS_BUCKETS - 1] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000,
};

struct metrics_shm {
	uint64_t magic;
	uint64_t requests[METRICS_VERBS + 1][E__COUNT];	/* [0]: no verb */
	uint64_t buckets[METRICS_BUCKETS];
	uint64_t sum_us, count;
	uint64_t alerts[ALERT_RULES][2];	/* [rule][opened] */
};

static struct metrics_shm *shm;

/* The pools that count; infosysctl counts only the alerts its timer job
 * raises. */
#define POOLS 4
static const char *const programs[POOLS] = { "auth", "portal", "sync", "ctl" };

static int shm_path(const struct conf *conf, const char *prog, char *buf,
		    size_t size)
{
	const char *dir = conf_get(conf, "metrics", "dir", NULL);

	return dir && (size_t)snprintf(buf, size, "%s/metrics-%s.shm", dir, prog) < size
	       ? 0 : -1;
}

static struct metrics_shm *shm_map(const char *path, int writable)
{
	int fd = open(path, writable ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC,
		      0640);
	struct stat st;
	void *p;

	if (fd < 0)
		return NULL;
	/* The first worker sizes the file; the zeroes it adds are valid
	 * counters, so a race between two first workers is harmless. */
	if (fstat(fd, &st) != 0 ||
	    ((size_t)st.st_size < sizeof(struct metrics_shm) &&
	     (!writable || ftruncate(fd, sizeof(struct metrics_shm)) != 0))) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, sizeof(struct metrics_shm), writable ? PROT_READ | PROT_WRITE : PROT_READ,
		 MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void count_alert(enum alert_rule rule, int opened)
{
	if (shm && (unsigned)rule < ALERT_RULES)
		__atomic_fetch_add(&shm->alerts[rule][opened != 0], 1, __ATOMIC_RELAXED);
}

void metrics_open(const struct conf *conf, enum program program)
{
	const char *prog = programs[program == PROG_AUTH ? 0 : program == PROG_PORTAL ? 1 :
				    program == PROG_SYNC ? 2 : 3];
	char path[4096];

	alert_counter = count_alert;

	if (shm_path(conf, prog, path, sizeof(path)) != 0)
		return;
	if (!(shm = shm_map(path, 1)))
		log_warn("metrics off: cannot map %s", path);
	else if (shm->magic != METRICS_MAGIC)
		__atomic_store_n(&shm->magic, METRICS_MAGIC, __ATOMIC_RELAXED);
}

void metrics_count(const char *verb, enum errcode code, long duration_us)
{
	const struct verb *v = verb ? verb_find(verb, strlen(verb)) : NULL;
	size_t i = v ? (size_t)(v - verb_table) + 1 : 0, b = 0;

	if (!shm || i > METRICS_VERBS || code >= E__COUNT)
		return;
	while (b < METRICS_BUCKETS - 1 && duration_us > bucket_us[b])
		b++;
	__atomic_fetch_add(&shm->requests[i][code], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shm->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shm->sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0),
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&shm->count, 1, __ATOMIC_RELAXED);
}

static void render_pool(FILE *f, const char *prog, const struct metrics_shm *m,
			int part)
{
	uint64_t cum = 0;

	if (part == 0) {
		for (size_t i = 0; i <= METRICS_VERBS && i <= verb_count; i++)
			for (int c = 0; c < E__COUNT; c++)
				if (m->requests[i][c])
					fprintf(f, "infosys_requests_total{endpoint=\"%s\",verb=\"%s\",code=\"%s\"} %llu\n",
						prog, i ? verb_table[i - 1].name : "",
						c == E_OK ? "OK" : err_name((enum errcode)c),
						(unsigned long long)m->requests[i][c]);
		return;
	}
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cum += m->buckets[b];
		if (b < METRICS_BUCKETS - 1)
			fprintf(f, "infosys_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
				prog, (double)bucket_us[b] / 1e6, (unsigned long long)cum);
		else
			fprintf(f, "infosys_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
				prog, (unsigned long long)cum);
	}
	fprintf(f, "infosys_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
		   "infosys_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
		prog, (double)m->sum_us / 1e6, prog, (unsigned long long)m->count);
}

/* Alerts are the facility's, not an endpoint's: one series per rule and
 * outcome, summed over the pools that raised them. */
static void render_alerts(FILE *f, struct metrics_shm *const m[POOLS])
{
	fputs("# HELP infosys_alerts_total Alerts raised: opened (mailed) or repeated within the hour.\n"
	      "# TYPE infosys_alerts_total counter\n", f);
	for (int r = 0; r < ALERT_RULES; r++)
		for (int o = 1; o >= 0; o--) {
			uint64_t n = 0;

			for (int p = 0; p < POOLS; p++)
				n += m[p] ? m[p]->alerts[r][o] : 0;
			fprintf(f, "infosys_alerts_total{rule=\"%s\",outcome=\"%s\"} %llu\n",
				alert_rule_name((enum alert_rule)r), o ? "opened" : "repeated",
				(unsigned long long)n);
		}
}

char *metrics_render(const struct conf *conf)
{
	struct metrics_shm *m[POOLS] = { NULL };
	char path[4096], *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!conf_get(conf, "metrics", "dir", NULL) || !(f = open_memstream(&text, &len)))
		return NULL;
	for (int p = 0; p < POOLS; p++)
		if (shm_path(conf, programs[p], path, sizeof(path)) == 0 &&
		    (m[p] = shm_map(path, 0)) && m[p]->magic != METRICS_MAGIC) {
			munmap(m[p], sizeof(struct metrics_shm));
			m[p] = NULL;
		}
	fputs("# HELP infosys_requests_total Requests answered, by endpoint, verb and result code.\n"
	      "# TYPE infosys_requests_total counter\n", f);
	for (int p = 0; p < POOLS; p++)
		if (m[p])
			render_pool(f, programs[p], m[p], 0);
	render_alerts(f, m);
	fputs("# HELP infosys_request_duration_seconds Time from request to answer, logging excluded.\n"
	      "# TYPE infosys_request_duration_seconds histogram\n", f);
	for (int p = 0; p < POOLS; p++)
		if (m[p]) {
			if (p < POOLS - 1)
				render_pool(f, programs[p], m[p], 1);
			munmap(m[p], sizeof(struct metrics_shm));
		}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
