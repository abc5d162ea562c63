/* seal — secrets at rest (TOTP secrets, recovery e-mail addresses) sealed
 * with libsodium secretbox under the key in the [security] key_file: 32
 * raw bytes in a file outside the database, so a copy of the database
 * alone reveals nothing. The key is read once per process and kept in
 * locked memory. Sealed values are stored as lower-case hex text of
 * nonce || box. */
#ifndef INFOSYS_SEAL_H
#define INFOSYS_SEAL_H

#include <stddef.h>
#include "ctx.h"

/* Hex of the sealed in[0..len), in ctx->arena. INTERNAL when the key file
 * is missing or not 32 bytes. */
char *seal_hex(struct ctx *ctx, const unsigned char *in, size_t len,
	       struct err *err);

/* Opens hex (as seal_hex made it) into out[0..outsize); *outlen gets the
 * plain length. INTERNAL for a wrong key, a damaged value or too small
 * an out. */
int seal_open_hex(struct ctx *ctx, const char *hex, unsigned char *out,
		  size_t outsize, size_t *outlen, struct err *err);

#define SEAL_MAX_PLAIN (64 * 1024)
#define SEAL_LOOKUP_HEX_LEN 64

/* The keyed look-up hash of s[0..len) as hex. */
int seal_lookup_hex(struct ctx *ctx, const char *s, size_t len,
		    char out[SEAL_LOOKUP_HEX_LEN + 1], struct err *err);

#endif
