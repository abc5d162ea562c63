/* seal — see seal.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "keyset.h"
#include "seal.h"

#define AEAD_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define AEAD_OVER (AEAD_NONCE + AEAD_TAG)
#define LEGACY_OVER (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
#define BOUND_TAG '2'	/* bound, key 1 (before key ids) */
#define KEYED_TAG '3'	/* bound, followed by the key id */
#define ID_HEX 8

_Static_assert(crypto_secretbox_KEYBYTES == KEYSET_KEY_BYTES,
	       "one key file for both forms");

/* The key set (sodium_malloc'd, process lifetime) and the identity of
 * the file it was read from: when `infosysctl key rotate` replaces the
 * file, the next seal or open reads the new set, so a running program
 * opens values sealed under the new key and seals new ones with it. */
static struct keyset *keys;
static struct stat keys_st;

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int key_get(const struct conf *conf, struct err *err)
{
	const char *path = conf_get(conf, "security", "key_file", NULL);
	struct keyset *fresh;
	struct stat st;

	if (!path)
		return err_set(err, E_INTERNAL, "the [security] key_file is not set");
	if (stat(path, &st) != 0)
		return err_set(err, E_INTERNAL, "the [security] key_file cannot"
			       " be read");
	if (keys && same_file(&st, &keys_st))
		return 0;
	if (!(fresh = keyset_new()))
		return err_set(err, E_INTERNAL, "out of memory");
	if (keyset_load(path, fresh, err) != 0) {
		keyset_free(fresh);
		return -1;
	}
	keyset_free(keys);
	keys = fresh;
	keys_st = st;
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
	char id[ID_HEX + 2];

	if (len > SEAL_MAX_PLAIN || !ad) {
		err_set(err, E_INTERNAL, ad ? "value too long to seal"
			: "out of memory");
		return NULL;
	}
	if (key_get(ctx->conf, err) != 0)
		return NULL;
	buf = arena_alloc(ctx->arena, n);
	hex = arena_alloc(ctx->arena, 2 * n + ID_HEX + 2);
	if (!buf || !hex) {
		err_set(err, E_INTERNAL, "out of memory");
		return NULL;
	}
	randombytes_buf(buf, AEAD_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		buf + AEAD_NONCE, NULL, in, len, (const unsigned char *)ad,
		strlen(ad), NULL, buf, keyset_key(keys, keys->current));
	snprintf(id, sizeof(id), "%c%08x", KEYED_TAG, keys->current);
	memcpy(hex, id, ID_HEX + 1);
	sodium_bin2hex(hex + ID_HEX + 1, 2 * n + 1, buf, n);
	return hex;
}

/* Opens buf[0..n) of either form into out; -1 when it does not open. */
static int open_raw(const unsigned char *buf, size_t n, int bound,
		    const char *ad, const unsigned char *key,
		    unsigned char *out, size_t *outlen)
{
	unsigned long long plain = 0;

	if (!bound) {
		if (crypto_secretbox_open_easy(out, buf + crypto_secretbox_NONCEBYTES,
					       n - crypto_secretbox_NONCEBYTES,
					       buf, key) != 0)
			return -1;
		*outlen = n - LEGACY_OVER;
		return 0;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    out, &plain, NULL, buf + AEAD_NONCE, n - AEAD_NONCE,
		    (const unsigned char *)ad, strlen(ad), buf, key) != 0)
		return -1;
	*outlen = (size_t)plain;
	return 0;
}

long seal_key_id(const char *hex)
{
	size_t len = hex ? strlen(hex) : 0;
	char idhex[ID_HEX + 1];
	char *end;
	unsigned long id;

	if (len == 0)
		return -1;
	if (len % 2 == 0 || hex[0] == BOUND_TAG)
		return 1;
	if (hex[0] != KEYED_TAG || len < ID_HEX + 1)
		return -1;
	memcpy(idhex, hex + 1, ID_HEX);
	idhex[ID_HEX] = '\0';
	id = strtoul(idhex, &end, 16);
	return *end || id == 0 ? -1 : (long)id;
}

int seal_open_hex(struct ctx *ctx, const char *hex, unsigned char *out,
		  size_t outsize, size_t *outlen, const char *ad,
		  struct err *err)
{
	/* Legacy hex has an even length, a bound value an odd one. */
	long id = seal_key_id(hex);
	int bound = id > 0 && strlen(hex) % 2 == 1;
	size_t hexlen, n = 0, over = bound ? AEAD_OVER : LEGACY_OVER;
	const unsigned char *key;
	unsigned char *buf;

	if (key_get(ctx->conf, err) != 0)
		return -1;
	if (id < 0 || !ad)
		return err_set(err, E_INTERNAL, "a sealed value is damaged");
	if (!(key = keyset_key(keys, (unsigned)id)))
		return err_set(err, E_INTERNAL, "a sealed value names key %ld,"
			       " which the key_file does not hold (%s)", id, ad);
	hex += bound ? (hex[0] == KEYED_TAG ? ID_HEX + 1 : 1) : 0;
	hexlen = strlen(hex);
	buf = arena_alloc(ctx->arena, hexlen / 2 + 1);
	if (!buf)
		return err_set(err, E_INTERNAL, "out of memory");
	if (sodium_hex2bin(buf, hexlen / 2 + 1, hex, hexlen, NULL, &n, NULL) != 0 ||
	    n < over || n - over > outsize)
		return err_set(err, E_INTERNAL, "a sealed value is damaged");
	if (open_raw(buf, n, bound, ad, key, out, outlen) != 0)
		return err_set(err, E_INTERNAL, "a sealed value does not open"
			       " with this key_file here (%s)", ad);
	return 0;
}

int seal_current_id(struct ctx *ctx, struct err *err)
{
	return key_get(ctx->conf, err) != 0 ? -1 : (int)keys->current;
}

int seal_lookup_hex(struct ctx *ctx, const char *s, size_t len,
		    char out[SEAL_LOOKUP_HEX_LEN + 1], struct err *err)
{
	unsigned char md[32];

	if (key_get(ctx->conf, err) != 0)
		return -1;
	crypto_generichash(md, sizeof(md), (const unsigned char *)s, len,
			   keys->lookup, sizeof(keys->lookup));
	sodium_bin2hex(out, SEAL_LOOKUP_HEX_LEN + 1, md, sizeof(md));
	return 0;
}

int seal_subkey(const struct conf *conf, unsigned long long id,
		const char context[8], unsigned char out[32], struct err *err)
{
	if (key_get(conf, err) != 0)
		return -1;
	crypto_kdf_derive_from_key(out, 32, id, context, keys->lookup);
	return 0;
}
