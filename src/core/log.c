/* log — see log.h. One fprintf per line (stdio locks the stream), so the
 * lines of the pool's workers, which share the pool's stderr, do not mix
 * within a line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const level_names[] = { "debug", "info", "warn", "error" };
static const char *prog_name = "infosys";
static enum log_level min_level = LOG_INFO;

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, level_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void log_setup(const char *name, const char *level)
{
	if (name)
		prog_name = name;
	if (level && log_level_parse(level, &min_level) != 0)
		log_warn("[log] level '%s' is not debug, info, warn or error; using info",
			 level);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2048], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s.%03ldZ %s %s[%ld] %s\n", stamp, ts.tv_nsec / 1000000L,
		level_names[level], prog_name, (long)getpid(), msg);
}
