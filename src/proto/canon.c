/* canon — the canonical form of a bound command (canon.h). A value is
 * written bare exactly when the parser would read it back bare. */
#include <string.h>
#include "canon.h"
#include "cmd.h"

size_t canon_value(const char *s, size_t len, char *buf)
{
	size_t i, n = 0;

	for (i = 0; i < len && cmd_is_bare((unsigned char)s[i]); i++)
		;
	if (len > 0 && i == len) {
		memcpy(buf, s, len);
		return len;
	}
	buf[n++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)c;
		} else if (c == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else if (c == '\t') {
			buf[n++] = '\\';
			buf[n++] = 't';
		} else if (c < 0x20 || c == 0x7F) {
			/* The parser refuses these, so a bound value never
			 * holds one; keep the line parseable regardless. */
			buf[n++] = '?';
		} else {
			buf[n++] = (char)c;
		}
	}
	buf[n++] = '"';
	return n;
}

char *canon_line(const struct call *c, struct arena *arena)
{
	const struct verb *verb = c->verb;
	size_t size = strlen(verb->name) + 1;

	for (int k = 0; k < verb->nargs; k++)
		if (c->v[k].present)
			size += 2 + strlen(verb->args[k].key) +
				2 * c->v[k].len + 3;
	char *line = arena_alloc(arena, size);
	if (!line)
		return NULL;
	size_t n = strlen(verb->name);
	memcpy(line, verb->name, n);
	for (int k = 0; k < verb->nargs; k++) {
		const struct argval *v = &c->v[k];
		if (!v->present)
			continue;
		size_t klen = strlen(verb->args[k].key);
		line[n++] = ' ';
		memcpy(line + n, verb->args[k].key, klen);
		n += klen;
		line[n++] = '=';
		n += canon_value(v->s, v->len, line + n);
	}
	line[n] = '\0';
	return line;
}
