/* arena — request-scoped memory (nginx's pool idea).
 *
 * Allocate freely while handling one request; arena_reset() releases
 * everything at once after the response. Nothing allocated from an arena
 * is freed individually. Allocation failure returns NULL. */
#ifndef INFOSYS_ARENA_H
#define INFOSYS_ARENA_H

#include <stddef.h>

struct arena;

/* New arena; free with arena_destroy(). NULL when out of memory. */
struct arena *arena_new(void);
void arena_destroy(struct arena *a);

/* Releases every allocation; keeps the first block for reuse. */
void arena_reset(struct arena *a);

/* Memory aligned for any type, uninitialised. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t n);

/* NUL-terminated copy of p[0..len). */
char *arena_strndup(struct arena *a, const char *p, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
