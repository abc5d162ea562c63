/* bind — checks a parsed command against its verb's spec and types each
 * value (PROTOCOL.md §2 value types). */
#ifndef INFOSYS_BIND_H
#define INFOSYS_BIND_H

#include <time.h>
#include "arena.h"
#include "cmd.h"
#include "verb.h"

/* Finds the verb (BAD_COMMAND when unknown), refuses unknown keys
 * (BAD_COMMAND), checks every value's type and bounds and the required
 * keys (BAD_ARGUMENT), and fills out. Decoded values live in arena.
 * now is the clock for the AT_TS "at most 5 minutes ahead" rule.
 * Does not check the verb's program or roles. */
int call_bind(const struct cmd *cmd, struct arena *arena, time_t now,
	      struct call *out, struct err *err);

/* As call_bind, against the given verb (its name is not compared with
 * the command's): call_bind is verb_find followed by this. An AT_INT or
 * AT_DEC spec with min = max = 0 means no bounds beyond the 64-bit range. */
int call_bind_verb(const struct cmd *cmd, const struct verb *verb,
		   struct arena *arena, time_t now, struct call *out,
		   struct err *err);

/* Type checks of single values, shared with the tools. Each returns 0 when
 * s[0..len) is a valid value of that type. */
int value_is_code(const char *s, size_t len);
int value_is_name(const char *s, size_t len);
int value_is_id(const char *s, size_t len);
int value_is_email(const char *s, size_t len);
int value_is_hash(const char *s, size_t len);

#endif
