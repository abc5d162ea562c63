/* release — signed release manifests for UPDATE.CHECK (PROTOCOL.md §6).
 *
 * A manifest is a small canonical text, exactly these five lines in this
 * order, each ending in LF and nothing else:
 *
 *     version=1.4.2
 *     channel=stable
 *     url=https://updates.example.org/infosys-1.4.2.msi
 *     sha256=<64 lower-case hex digits of the package>
 *     published=2024-05-01T12:00:00Z
 *
 * The operator signs those bytes with an Ed25519 key (libsodium
 * crypto_sign_detached); the PC checks them with the pinned public key.
 * Because the parser accepts only the canonical form, the text a PC
 * verifies is the text it reads its fields from: nothing can ride along
 * outside the signature. Versions are 1 to 4 dot-separated decimal
 * numbers ("1.4.2", "10.0.19045.1"); they compare numerically, component
 * by component, a missing component counting as 0.
 *
 * Keys are files holding one line of standard base64: release.key (the
 * 64-byte secret key, mode 0600) and release.pub (the 32-byte public
 * key). Call sodium_init() once before anything here. Nothing here
 * allocates: callers own every buffer. */
#ifndef INFOSYS_RELEASE_H
#define INFOSYS_RELEASE_H

#include <stddef.h>
#include <sodium.h>
#include "err.h"

#define RELEASE_VERSION_MAX 64		/* bytes, like the `id` type */
#define RELEASE_VERSION_PARTS 4
#define RELEASE_PART_DIGITS 18		/* each component < 10^18 */
/* The sortable form of a version: each of the 4 components zero-padded
 * to 18 digits, joined with '.'. */
#define RELEASE_VKEY_LEN (RELEASE_VERSION_PARTS * (RELEASE_PART_DIGITS + 1) - 1)
#define RELEASE_URL_MAX 1024
#define RELEASE_SHA256_HEX 64
#define RELEASE_TS_LEN 20		/* YYYY-MM-DDTHH:MM:SSZ */
#define RELEASE_MANIFEST_MAX 1400	/* > the longest valid manifest */
#define RELEASE_SIG_B64_LEN 88		/* base64 of crypto_sign_BYTES, padded */
#define RELEASE_SK_B64_LEN 88		/* base64 of crypto_sign_SECRETKEYBYTES */
#define RELEASE_PK_B64_LEN 44		/* base64 of crypto_sign_PUBLICKEYBYTES */

struct release_manifest {
	char version[RELEASE_VERSION_MAX + 1];
	char channel[8];			/* "stable" or "beta" */
	char url[RELEASE_URL_MAX + 1];
	char sha256[RELEASE_SHA256_HEX + 1];
	char published[RELEASE_TS_LEN + 1];
};

/* 1 when s is a version as above. */
int release_version_valid(const char *s);

/* Compares two versions numerically (<0, 0, >0). Only the leading dotted
 * numbers of each count, so "1.2.3-rc1" compares as 1.2.3; *ok (may be
 * NULL) is 0 when either has no leading number at all. */
int release_version_cmp(const char *a, const char *b, int *ok);

/* The sortable key of the leading dotted numbers of v into
 * out[RELEASE_VKEY_LEN + 1]; -1 when v does not start with a number or
 * has a component too long. */
int release_version_key(const char *v, char out[RELEASE_VKEY_LEN + 1]);

/* 1 for "stable" and "beta". */
int release_channel_valid(const char *s);

/* Checks every field and writes the canonical text with a NUL into
 * buf[size]; returns its length, or -1 (err filled) when a field is
 * invalid or buf too small. */
int release_manifest_format(const struct release_manifest *m, char *buf,
			    size_t size, struct err *err);

/* Parses text[0..len); only the canonical form is accepted. 0 or -1. */
int release_manifest_parse(const char *text, size_t len,
			   struct release_manifest *m, struct err *err);

/* Detached Ed25519 signature of msg[0..len) as base64 into
 * sig[RELEASE_SIG_B64_LEN + 1]. */
void release_sign(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
		  const char *msg, size_t len,
		  char sig[RELEASE_SIG_B64_LEN + 1]);

/* 0 when sig_b64 is a valid signature of msg[0..len) by pk, else -1. */
int release_verify(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		   const char *msg, size_t len, const char *sig_b64);

/* Writes DIR/release.key (0600, created exclusively: an existing key is
 * never overwritten) and DIR/release.pub (0644). */
int release_keygen(const char *dir, struct err *err);

/* Reads a key file. The secret key must not be readable by group or
 * others; its buffer is the caller's to sodium_memzero. */
int release_key_load_secret(const char *path,
			    unsigned char sk[crypto_sign_SECRETKEYBYTES],
			    struct err *err);
int release_key_load_public(const char *path,
			    unsigned char pk[crypto_sign_PUBLICKEYBYTES],
			    struct err *err);

/* Lower-case hex SHA-256 of the file at path into out[65]. */
int release_sha256_file(const char *path, char out[RELEASE_SHA256_HEX + 1],
			struct err *err);

#endif
