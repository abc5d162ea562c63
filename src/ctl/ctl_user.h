/* ctl_user — the `infosysctl user` subcommands shared between
 * ctl_user.c (add, and the dispatch) and ctl_user_admin.c (the rest). */
#ifndef INFOSYS_CTL_USER_H
#define INFOSYS_CTL_USER_H

#include <stddef.h>

/* One line from stdin into buf[0..size) without its line end; -1 (message
 * printed) when unreadable, too long or shorter than min_chars
 * characters. */
int ctl_read_password(char *buf, size_t size, size_t min_chars);

/* The operator's context (ctl_ctx) scoped to the facility of code:
 * facility_id and facility_code set; NOT_FOUND "no facility CODE". */
struct ctx;
struct err;
int ctl_user_ctx(const char *code, struct ctx *ctx, struct err *err);

/* user list|unlock|disable|enable|passwd|reset-mfa, argv[0] the verb. */
int ctl_user_admin(int argc, char **argv);

#endif
