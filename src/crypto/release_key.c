/* release_key — the release signing key files and package hashes (see
 * release.h). The secret key file is created 0600 with O_EXCL, so a
 * keygen never replaces a key PCs already pin, and it is refused when
 * group or others can read it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "release.h"

/* Writes text to path, created exclusively with mode; fsyncs. */
static int write_new(const char *path, const char *text, mode_t mode,
		     struct err *err)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return err_set(err, E_INTERNAL, "%s: %s", path, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		err_set(err, E_INTERNAL, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd) == 0 ? 0 : err_set(err, E_INTERNAL, "%s: close failed", path);
}

int release_keygen(const char *dir, struct err *err)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char skb[RELEASE_SK_B64_LEN + 2], pkb[RELEASE_PK_B64_LEN + 2];
	char skpath[4096], pkpath[4096];
	int rc = -1;

	if (snprintf(skpath, sizeof(skpath), "%s/release.key", dir) >= (int)sizeof(skpath) ||
	    snprintf(pkpath, sizeof(pkpath), "%s/release.pub", dir) >= (int)sizeof(pkpath))
		return err_set(err, E_BAD_ARGUMENT, "directory name too long");
	if (access(pkpath, F_OK) == 0)
		return err_set(err, E_CONFLICT, "%s exists; not replacing it", pkpath);
	crypto_sign_keypair(pk, sk);
	sodium_bin2base64(skb, sizeof(skb), sk, sizeof(sk), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(pkb, sizeof(pkb), pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
	strcat(skb, "\n");
	strcat(pkb, "\n");
	if (write_new(skpath, skb, 0600, err) == 0) {
		if (write_new(pkpath, pkb, 0644, err) == 0)
			rc = 0;
		else
			unlink(skpath);
	}
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(skb, sizeof(skb));
	return rc;
}

/* Reads one base64 line of exactly n decoded bytes from path into out. */
static int load_key(const char *path, unsigned char *out, size_t n,
		    int secret, struct err *err)
{
	char text[256];
	size_t len, got = 0;
	struct stat st;
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return err_set(err, E_NOT_FOUND, "%s: %s", path, strerror(errno));
	if (secret && fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
		fclose(f);
		return err_set(err, E_FORBIDDEN,
			       "%s: readable by others; chmod 600 it", path);
	}
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	if (sodium_base642bin(out, n, text, len, NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || got != n)
		rc = err_set(err, E_BAD_ARGUMENT, "%s: not a release %s key", path,
			     secret ? "secret" : "public");
	sodium_memzero(text, sizeof(text));
	return rc;
}

int release_key_load_secret(const char *path,
			    unsigned char sk[crypto_sign_SECRETKEYBYTES],
			    struct err *err)
{
	return load_key(path, sk, crypto_sign_SECRETKEYBYTES, 1, err);
}

int release_key_load_public(const char *path,
			    unsigned char pk[crypto_sign_PUBLICKEYBYTES],
			    struct err *err)
{
	return load_key(path, pk, crypto_sign_PUBLICKEYBYTES, 0, err);
}

int release_sha256_file(const char *path, char out[RELEASE_SHA256_HEX + 1],
			struct err *err)
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	size_t n;
	FILE *f = fopen(path, "rbe");

	if (!f)
		return err_set(err, E_NOT_FOUND, "%s: %s", path, strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	if (ferror(f)) {
		fclose(f);
		return err_set(err, E_INTERNAL, "%s: read error", path);
	}
	fclose(f);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, RELEASE_SHA256_HEX + 1, h, sizeof(h));
	return 0;
}
