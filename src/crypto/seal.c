/* seal — see seal.h. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "seal.h"

#define SEAL_OVER (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
#define LOOKUP_CONTEXT "infoslkp"

static unsigned char *seal_key;	/* sodium_malloc'd, process lifetime */

static int key_get(const struct conf *conf, struct err *err)
{
	const char *path = conf_get(conf, "security", "key_file", NULL);
	unsigned char extra;
	FILE *f;
	int ok;

	if (seal_key)
		return 0;
	if (!path || !(f = fopen(path, "rb")))
		return err_set(err, E_INTERNAL, "the [security] key_file cannot be read");
	seal_key = sodium_malloc(crypto_secretbox_KEYBYTES);
	ok = seal_key && fread(seal_key, 1, crypto_secretbox_KEYBYTES, f) ==
			 crypto_secretbox_KEYBYTES && fread(&extra, 1, 1, f) == 0;
	fclose(f);
	if (!ok) {
		sodium_free(seal_key);
		seal_key = NULL;
		return err_set(err, E_INTERNAL, "the [security] key_file must hold"
			       " exactly %d bytes", crypto_secretbox_KEYBYTES);
	}
	return 0;
}

char *seal_hex(struct ctx *ctx, const unsigned char *in, size_t len,
	       struct err *err)
{
	size_t n = SEAL_OVER + len;
	unsigned char *buf;
	char *hex;

	if (len > SEAL_MAX_PLAIN) {
		err_set(err, E_INTERNAL, "value too long to seal");
		return NULL;
	}
	if (key_get(ctx->conf, err) != 0)
		return NULL;
	buf = arena_alloc(ctx->arena, n);
	hex = arena_alloc(ctx->arena, 2 * n + 1);
	if (!buf || !hex) {
		err_set(err, E_INTERNAL, "out of memory");
		return NULL;
	}
	randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, in, len, buf,
			      seal_key);
	sodium_bin2hex(hex, 2 * n + 1, buf, n);
	return hex;
}

int seal_open_hex(struct ctx *ctx, const char *hex, unsigned char *out,
		  size_t outsize, size_t *outlen, struct err *err)
{
	size_t hexlen = hex ? strlen(hex) : 0, n = 0;
	unsigned char *buf;

	if (key_get(ctx->conf, err) != 0)
		return -1;
	buf = arena_alloc(ctx->arena, hexlen / 2 + 1);
	if (!buf)
		return err_set(err, E_INTERNAL, "out of memory");
	if (!hex || sodium_hex2bin(buf, hexlen / 2 + 1, hex, hexlen, NULL, &n,
				   NULL) != 0 || n < SEAL_OVER ||
	    n - SEAL_OVER > outsize)
		return err_set(err, E_INTERNAL, "a sealed value is damaged");
	if (crypto_secretbox_open_easy(out, buf + crypto_secretbox_NONCEBYTES,
				       n - crypto_secretbox_NONCEBYTES, buf,
				       seal_key) != 0)
		return err_set(err, E_INTERNAL, "a sealed value does not open"
			       " with this key_file");
	*outlen = n - SEAL_OVER;
	return 0;
}

int seal_lookup_hex(struct ctx *ctx, const char *s, size_t len,
		    char out[SEAL_LOOKUP_HEX_LEN + 1], struct err *err)
{
	unsigned char sub[crypto_generichash_KEYBYTES], md[32];

	if (key_get(ctx->conf, err) != 0)
		return -1;
	/* A subkey of its own: the secretbox key is never used twice. */
	crypto_kdf_derive_from_key(sub, sizeof(sub), 1, LOOKUP_CONTEXT, seal_key);
	crypto_generichash(md, sizeof(md), (const unsigned char *)s, len, sub,
			   sizeof(sub));
	sodium_memzero(sub, sizeof(sub));
	sodium_bin2hex(out, SEAL_LOOKUP_HEX_LEN + 1, md, sizeof(md));
	return 0;
}
