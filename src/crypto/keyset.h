/* keyset — the sealing keys by id, as the [security] key_file holds them,
 * so that the key can be rotated while the programs serve: a value names
 * the id of the key that sealed it, new values use the current key, and
 * the old keys stay until no stored value names them (infosysctl key).
 *
 * The file is text, 0600, one line per entry ('#' lines are comments):
 *
 *	lookup <64 hex>            the key of the e-mail look-up hashes
 *	key 1 <64 hex>
 *	key 2 <64 hex> current     the key new seals use (exactly one)
 *
 * The look-up key is a key of its own: look-up hashes do not change when
 * the sealing key does, and the first key can be retired. A file of
 * exactly 32 raw bytes (the form before key ids) is key 1, current, with
 * the look-up key derived from it as it always was.
 *
 * A struct keyset holds secrets: allocate it with keyset_new (locked,
 * guarded memory) and free it with keyset_free, which wipes it. */
#ifndef INFOSYS_KEYSET_H
#define INFOSYS_KEYSET_H

#include <stddef.h>
#include "err.h"

#define KEYSET_KEY_BYTES 32
#define KEYSET_MAX 16
#define KEYSET_TEXT_MAX 4096	/* the largest key file read */

struct keyset_key {
	unsigned id;		/* 1 .. 0xffffffff */
	unsigned char key[KEYSET_KEY_BYTES];
};

struct keyset {
	unsigned n;
	unsigned current;	/* the id new seals use */
	struct keyset_key keys[KEYSET_MAX];	/* ascending ids */
	unsigned char lookup[KEYSET_KEY_BYTES];
};

/* A zeroed set in sodium_malloc'd memory; NULL when out of memory. */
struct keyset *keyset_new(void);
void keyset_free(struct keyset *ks);

/* Fills ks from a key file's bytes (text or the raw 32 bytes).
 * INTERNAL naming the line for a malformed file; ks is then empty. */
int keyset_parse(const char *buf, size_t len, struct keyset *ks,
		 struct err *err);

/* The key file's text of ks into out[0..size), NUL-terminated; its
 * length, or -1 when it does not fit. */
int keyset_format(const struct keyset *ks, char *out, size_t size);

/* The key of id, or NULL when ks does not hold it. */
const unsigned char *keyset_key(const struct keyset *ks, unsigned id);

/* Adds a new random key with the next id and makes it current; CONFLICT
 * when ks already holds KEYSET_MAX keys (retire one first). */
int keyset_rotate(struct keyset *ks, struct err *err);

/* Drops key id: NOT_FOUND when absent, CONFLICT for the current key. */
int keyset_remove(struct keyset *ks, unsigned id, struct err *err);

/* Reads path into ks: INTERNAL when it is missing, open to group or
 * others, too large or malformed. */
int keyset_load(const char *path, struct keyset *ks, struct err *err);

/* Replaces path with ks's text at once (a new file renamed over it: a
 * reader sees the old set or the new one, never half), 0600 and owned
 * like the file it replaces. */
int keyset_store(const char *path, const struct keyset *ks, struct err *err);

#endif
