/* seal — secrets at rest (TOTP secrets, recovery e-mail addresses, queued
 * mail) sealed with libsodium's XChaCha20-Poly1305 under the keys of the
 * [security] key_file (keyset.h), a file outside the database, so a copy
 * of the database alone reveals nothing. The key set is kept in locked
 * memory and read again when the file is replaced (a key rotation); a
 * key file that group or others may read is refused (seal_key_check).
 *
 * Each value is bound to where it lives: the additional data `ad` names
 * the table, the column and the row ("users.email_sealed:42"), so a
 * sealed value copied into another row or column does not open (issue 8
 * defect 6). Sealed values are stored as "3", the sealing key's id as 8
 * hex digits, then the lower-case hex of nonce || ciphertext (an odd
 * length). Older forms open with key 1: "2" and the hex (bound, before
 * key ids), and plain hex of a secretbox (an even length, no binding).
 * Every new write uses the current key and the "3" form. */
#ifndef INFOSYS_SEAL_H
#define INFOSYS_SEAL_H

#include <stddef.h>
#include "ctx.h"

/* The sealed form of in[0..len) bound to ad, in ctx->arena. INTERNAL when
 * the key file is missing, not 32 bytes or readable by others. */
char *seal_hex(struct ctx *ctx, const unsigned char *in, size_t len,
	       const char *ad, struct err *err);

/* Opens a value seal_hex made with the same ad into out[0..outsize);
 * *outlen gets the plain length. INTERNAL for a wrong key, another ad, a
 * damaged value or too small an out. */
int seal_open_hex(struct ctx *ctx, const char *hex, unsigned char *out,
		  size_t outsize, size_t *outlen, const char *ad,
		  struct err *err);

/* The id of the key that sealed hex (1 for the forms before key ids), or
 * -1 for a value of no known form. Reads only the prefix. */
long seal_key_id(const char *hex);

/* The id of the key new seals use; -1 (err set) without a usable key
 * file. */
int seal_current_id(struct ctx *ctx, struct err *err);

/* The additional data of a users column of one row, in ctx->arena. */
const char *seal_ad_user(struct ctx *ctx, const char *column, long long id);

/* 0 when the [security] key_file can be used: it exists, holds a key set
 * (or 32 raw bytes) and neither group nor others may read or write it. The programs call
 * it before serving and refuse to start otherwise. */
int seal_key_check(const struct conf *conf, struct err *err);

#define SEAL_MAX_PLAIN (64 * 1024)
#define SEAL_AD_OUTBOX "mail_outbox.message_sealed"
#define SEAL_LOOKUP_HEX_LEN 64

/* The keyed look-up hash of s[0..len) as hex, under the key set's
 * look-up key (which a rotation of the sealing key leaves alone). */
int seal_lookup_hex(struct ctx *ctx, const char *s, size_t len,
		    char out[SEAL_LOOKUP_HEX_LEN + 1], struct err *err);

/* A 32-byte key for another purpose (id and the 8-character context
 * name it), derived from the key set's look-up key, which a rotation
 * of the sealing key keeps: rotating does not invalidate what these
 * keys signed (device cookies). out must be wiped by the caller. */
int seal_subkey(const struct conf *conf, unsigned long long id,
		const char context[8], unsigned char out[32], struct err *err);

#endif
