/* log — the programs' diagnostic lines on standard error, one per event:
 *
 *   2026-11-30T19:58:01.123Z error sync[4242] request 1f2e…: database unavailable
 *
 * UTC timestamp with milliseconds, level, program and process id, then the
 * message (a request's lines start with "request <id>", the id that is
 * also in request_log). systemd's journal or the stack's log file keeps
 * them. Lines below the level set by [log] level (debug, info, warn,
 * error; default info) are dropped. Never log a secret or a request value
 * here: the request log has the redacted parameters. */
#ifndef INFOSYS_LOG_H
#define INFOSYS_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* The program name in every line and the lowest level written; level
 * NULL or unknown keeps info. name is not copied (a constant). */
void log_setup(const char *name, const char *level);

/* The level named s ("debug", …): 0, or -1 when unknown. */
int log_level_parse(const char *s, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
