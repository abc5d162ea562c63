/* seal — see seal.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "seal.h"

#define AEAD_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define AEAD_OVER (AEAD_NONCE + AEAD_TAG)
#define LEGACY_OVER (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
#define BOUND_TAG '2'	/* the first character of a bound value */
#define LOOKUP_CONTEXT "infoslkp"

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES ==
	       crypto_secretbox_KEYBYTES, "one key file for both forms");

static unsigned char *seal_key;	/* sodium_malloc'd, process lifetime */

/* A key anyone else on the machine can read is no secret: refused. */
static int key_file_private(const char *path, struct err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return err_set(err, E_INTERNAL, "the [security] key_file cannot"
			       " be read");
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return err_set(err, E_INTERNAL, "the [security] key_file %s is"
			       " open to group or others (mode %03o): chmod 600",
			       path, (unsigned)(st.st_mode & 0777));
	return 0;
}

static int key_get(const struct conf *conf, struct err *err)
{
	const char *path = conf_get(conf, "security", "key_file", NULL);
	unsigned char extra;
	FILE *f;
	int ok;

	if (seal_key)
		return 0;
	if (!path || key_file_private(path, err) != 0)
		return path ? -1 : err_set(err, E_INTERNAL,
					   "the [security] key_file is not set");
	if (!(f = fopen(path, "rb")))
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

int seal_key_check(const struct conf *conf, struct err *err)
{
	return key_get(conf, err);
}

const char *seal_ad_user(struct ctx *ctx, const char *column, long long id)
{
	return arena_printf(ctx->arena, "users.%s:%lld", column, id);
}

char *seal_hex(struct ctx *ctx, const unsigned char *in, size_t len,
	       const char *ad, struct err *err)
{
	size_t n = AEAD_OVER + len;
	unsigned char *buf;
	char *hex;

	if (len > SEAL_MAX_PLAIN || !ad) {
		err_set(err, E_INTERNAL, ad ? "value too long to seal"
			: "out of memory");
		return NULL;
	}
	if (key_get(ctx->conf, err) != 0)
		return NULL;
	buf = arena_alloc(ctx->arena, n);
	hex = arena_alloc(ctx->arena, 2 * n + 2);
	if (!buf || !hex) {
		err_set(err, E_INTERNAL, "out of memory");
		return NULL;
	}
	randombytes_buf(buf, AEAD_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		buf + AEAD_NONCE, NULL, in, len, (const unsigned char *)ad,
		strlen(ad), NULL, buf, seal_key);
	hex[0] = BOUND_TAG;
	sodium_bin2hex(hex + 1, 2 * n + 1, buf, n);
	return hex;
}

/* Opens buf[0..n) of either form into out; -1 when it does not open. */
static int open_raw(const unsigned char *buf, size_t n, int bound,
		    const char *ad, unsigned char *out, size_t *outlen)
{
	unsigned long long plain = 0;

	if (!bound) {
		if (crypto_secretbox_open_easy(out, buf + crypto_secretbox_NONCEBYTES,
					       n - crypto_secretbox_NONCEBYTES,
					       buf, seal_key) != 0)
			return -1;
		*outlen = n - LEGACY_OVER;
		return 0;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    out, &plain, NULL, buf + AEAD_NONCE, n - AEAD_NONCE,
		    (const unsigned char *)ad, strlen(ad), buf, seal_key) != 0)
		return -1;
	*outlen = (size_t)plain;
	return 0;
}

int seal_open_hex(struct ctx *ctx, const char *hex, unsigned char *out,
		  size_t outsize, size_t *outlen, const char *ad,
		  struct err *err)
{
	/* Legacy hex has an even length, a bound value an odd one. */
	int bound = hex && hex[0] == BOUND_TAG && strlen(hex) % 2 == 1;
	size_t hexlen, n = 0, over = bound ? AEAD_OVER : LEGACY_OVER;
	unsigned char *buf;

	if (key_get(ctx->conf, err) != 0)
		return -1;
	if (!hex || !ad)
		return err_set(err, E_INTERNAL, "a sealed value is damaged");
	hex += bound;
	hexlen = strlen(hex);
	buf = arena_alloc(ctx->arena, hexlen / 2 + 1);
	if (!buf)
		return err_set(err, E_INTERNAL, "out of memory");
	if (sodium_hex2bin(buf, hexlen / 2 + 1, hex, hexlen, NULL, &n, NULL) != 0 ||
	    n < over || n - over > outsize)
		return err_set(err, E_INTERNAL, "a sealed value is damaged");
	if (open_raw(buf, n, bound, ad, out, outlen) != 0)
		return err_set(err, E_INTERNAL, "a sealed value does not open"
			       " with this key_file here (%s)", ad);
	return 0;
}

int seal_lookup_hex(struct ctx *ctx, const char *s, size_t len,
		    char out[SEAL_LOOKUP_HEX_LEN + 1], struct err *err)
{
	unsigned char sub[crypto_generichash_KEYBYTES], md[32];

	if (key_get(ctx->conf, err) != 0)
		return -1;
	/* A subkey of its own: the sealing key is never used twice. */
	crypto_kdf_derive_from_key(sub, sizeof(sub), 1, LOOKUP_CONTEXT, seal_key);
	crypto_generichash(md, sizeof(md), (const unsigned char *)s, len, sub,
			   sizeof(sub));
	sodium_memzero(sub, sizeof(sub));
	sodium_bin2hex(out, SEAL_LOOKUP_HEX_LEN + 1, md, sizeof(md));
	return 0;
}

int seal_subkey(const struct conf *conf, unsigned long long id,
		const char context[8], unsigned char out[32], struct err *err)
{
	if (key_get(conf, err) != 0)
		return -1;
	crypto_kdf_derive_from_key(out, 32, id, context, seal_key);
	return 0;
}
