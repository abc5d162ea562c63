/* err — the error codes of PROTOCOL.md §3 as values.
 *
 * Every fallible function in src/ returns 0 on success and -1 on failure,
 * filling a caller-owned struct err. No function here allocates. */
#ifndef INFOSYS_ERR_H
#define INFOSYS_ERR_H

enum errcode {
	E_OK = 0,
	E_BAD_COMMAND,
	E_BAD_ARGUMENT,
	E_AUTH_FAILED,
	E_MFA_REQUIRED,
	E_AUTH_REQUIRED,
	E_SESSION_EXPIRED,
	E_FORBIDDEN,
	E_MFA_ENROLL_REQUIRED,
	E_PASSWORD_CHANGE_REQUIRED,
	E_NOT_FOUND,
	E_METHOD,
	E_TOO_LARGE,
	E_MEDIA_TYPE,
	E_CONFLICT,
	E_PHI_REJECTED,
	E_POLICY,
	E_THROTTLED,
	E_INTERNAL,
	E_UNAVAILABLE,
	/* Not on the wire: a deadlock or lock wait timeout; the pipeline
	 * rolls back and runs the request again. */
	E_RETRY,
	/* Not on the wire to a client: the known-device sign-in lane hands
	 * a request it may not serve back to nginx (421), which passes it to
	 * the ordinary lane (issue 8 item 10, devicecookie.h). */
	E_OTHER_LANE,
	E__COUNT
};

#define ERR_MSG_MAX 256

struct err {
	enum errcode code;
	int line;	/* 1-based command line, 0 when not about a line */
	int column;	/* 1-based byte column within that line, 0 when none */
	char msg[ERR_MSG_MAX];
};

/* Sets code and message; clears line/column. Always returns -1 so that
 * callers can write `return err_set(err, E_NOT_FOUND, "no such device");`. */
int err_set(struct err *err, enum errcode code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As err_set, with the line and byte column the error is about. */
int err_at(struct err *err, enum errcode code, int line, int column,
	   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void err_clear(struct err *err);

/* "BAD_COMMAND", "AUTH_FAILED", … ; "INTERNAL" for anything unknown. */
const char *err_name(enum errcode code);

/* The HTTP status PROTOCOL.md §3 gives the code. */
int err_http_status(enum errcode code);

#endif
