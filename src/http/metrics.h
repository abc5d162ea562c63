/* metrics — request counters and latency histograms for Prometheus.
 *
 * Cheap by design: no database write per request. Every pool has one
 * shared-memory file, <[metrics] dir>/metrics-<program>.shm, that all its
 * workers map and add to atomically; a restarted worker maps the same file
 * and the counters go on. GET /metrics (nginx: local addresses only) is
 * answered by any program, which reads every pool's file and prints the
 * Prometheus text format:
 *
 *   infosys_requests_total{endpoint,verb,code}   requests by result code
 *     (THROTTLED: throttles, PHI_REJECTED: PHI refusals, AUTH_FAILED on
 *     LOGIN: failed sign-ins, UNAVAILABLE/INTERNAL: database errors;
 *     COMMAND.POLL/ACK and DAILYSYNC.REPORT by code: commands and syncs)
 *   infosys_request_duration_seconds{endpoint}   histogram
 *   infosys_alerts_total{rule,outcome}   breach alerts (src/domain/alert.h)
 *     opened (and mailed) or repeated within the hour, summed over the
 *     pools and `infosysctl alerts run` (its own file, metrics-ctl.shm)
 *
 * Without [metrics] dir (or when the file cannot be made) counting is off
 * and /metrics says so. */
#ifndef INFOSYS_METRICS_H
#define INFOSYS_METRICS_H

#include "conf.h"
#include "err.h"
#include "verb.h"

/* Maps this pool's file (METRICS_CTL: infosysctl's, which counts only
 * alerts) and counts every alert raised from now on; a warning is logged
 * when the file cannot be mapped. */
#define METRICS_CTL ((enum program)0)
void metrics_open(const struct conf *conf, enum program program);

/* Counts one answered request; verb NULL for one refused before a verb
 * was known. */
void metrics_count(const char *verb, enum errcode code, long duration_us);

/* The text of every pool's counters (malloc'd, the caller frees), or
 * NULL when metrics are off or memory ran out. */
char *metrics_render(const struct conf *conf);

#endif
