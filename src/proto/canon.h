/* canon — the canonical form of a command (PROTOCOL.md §2): the verb,
 * then the present arguments in the spec's key order, each value bare
 * when the grammar allows and quoted (with \" \\ \n \t escapes) otherwise.
 * Commands stored for the PC client are stored in this form. */
#ifndef INFOSYS_CANON_H
#define INFOSYS_CANON_H

#include "arena.h"
#include "verb.h"

/* NUL-terminated line in arena, or NULL when out of memory. */
char *canon_line(const struct call *c, struct arena *arena);

/* Appends one value, bare or quoted, to buf (room for 2 * len + 3 bytes
 * is always enough); returns the bytes written, without a NUL. */
size_t canon_value(const char *s, size_t len, char *buf);

#endif
