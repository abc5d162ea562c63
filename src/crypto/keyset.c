/* keyset — see keyset.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyset.h"

#define LOOKUP_CONTEXT "infoslkp"	/* the derivation of raw key files */
#define HEX_LEN (2 * KEYSET_KEY_BYTES)

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == KEYSET_KEY_BYTES,
	       "a sealing key is an XChaCha20-Poly1305 key");

struct keyset *keyset_new(void)
{
	struct keyset *ks = sodium_malloc(sizeof(*ks));

	if (ks)
		sodium_memzero(ks, sizeof(*ks));
	return ks;
}

void keyset_free(struct keyset *ks)
{
	sodium_free(ks);	/* wipes it */
}

const unsigned char *keyset_key(const struct keyset *ks, unsigned id)
{
	for (unsigned i = 0; i < ks->n; i++)
		if (ks->keys[i].id == id)
			return ks->keys[i].key;
	return NULL;
}

/* The form before key ids: the key is id 1, the look-up key derived. */
static void parse_raw(const char *buf, struct keyset *ks)
{
	ks->n = 1;
	ks->current = 1;
	ks->keys[0].id = 1;
	memcpy(ks->keys[0].key, buf, KEYSET_KEY_BYTES);
	crypto_kdf_derive_from_key(ks->lookup, KEYSET_KEY_BYTES, 1,
				   LOOKUP_CONTEXT, ks->keys[0].key);
}

static int hex_key(const char *hex, unsigned char out[KEYSET_KEY_BYTES])
{
	size_t n = 0;

	return strlen(hex) == HEX_LEN &&
	       sodium_hex2bin(out, KEYSET_KEY_BYTES, hex, HEX_LEN, NULL, &n,
			      NULL) == 0 && n == KEYSET_KEY_BYTES ? 0 : -1;
}

/* One "key ID HEX [current]" line, its words in w[0..nw). */
static int parse_key(char **w, int nw, struct keyset *ks)
{
	char *end;
	unsigned long id;

	if (nw < 3 || nw > 4 || (nw == 4 && strcmp(w[3], "current")) ||
	    ks->n == KEYSET_MAX)
		return -1;
	errno = 0;
	id = strtoul(w[1], &end, 10);
	if (errno || *end || w[1][0] < '1' || w[1][0] > '9' || id > 0xffffffffUL ||
	    (ks->n && id <= ks->keys[ks->n - 1].id))
		return -1;	/* ascending ids: no duplicate */
	if (hex_key(w[2], ks->keys[ks->n].key) != 0)
		return -1;
	ks->keys[ks->n++].id = (unsigned)id;
	if (nw == 4) {
		if (ks->current)
			return -1;
		ks->current = (unsigned)id;
	}
	return 0;
}

static int parse_line(char *line, struct keyset *ks, int *have_lookup)
{
	char *w[5], *save = NULL;
	int nw = 0;

	line += strspn(line, " \t");
	if (line[0] == '#')
		return 0;
	for (char *t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (nw == 5)
			return -1;
		w[nw++] = t;
	}
	if (nw == 0)
		return 0;
	if (!strcmp(w[0], "lookup") && nw == 2 && !*have_lookup) {
		*have_lookup = 1;
		return hex_key(w[1], ks->lookup);
	}
	return strcmp(w[0], "key") ? -1 : parse_key(w, nw, ks);
}

static int parse_text(char *text, struct keyset *ks, struct err *err)
{
	int have_lookup = 0, lineno = 0;

	/* strtok_r would skip empty lines and miscount; split by hand. */
	for (char *line = text, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		if (parse_line(line, ks, &have_lookup) != 0)
			return err_set(err, E_INTERNAL, "the [security] key_file"
				       " is malformed at line %d", lineno);
	}
	if (!have_lookup || ks->n == 0 || !ks->current)
		return err_set(err, E_INTERNAL, "the [security] key_file needs a"
			       " lookup line, a key and one current key");
	return 0;
}

int keyset_parse(const char *buf, size_t len, struct keyset *ks,
		 struct err *err)
{
	char *text;
	int rc;

	sodium_memzero(ks, sizeof(*ks));
	if (len == KEYSET_KEY_BYTES) {
		parse_raw(buf, ks);
		return 0;
	}
	if (len > KEYSET_TEXT_MAX || memchr(buf, '\0', len))
		return err_set(err, E_INTERNAL, "the [security] key_file must"
			       " hold 32 bytes or a key set");
	if (!(text = sodium_malloc(len + 1)))
		return err_set(err, E_INTERNAL, "out of memory");
	memcpy(text, buf, len);
	text[len] = '\0';
	rc = parse_text(text, ks, err);
	sodium_free(text);
	if (rc != 0)
		sodium_memzero(ks, sizeof(*ks));
	return rc;
}

/* Appends to out[0..size) at *used; *used keeps counting past size. */
static void put(char *out, size_t size, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *out, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + (*used < size ? *used : size),
		      *used < size ? size - *used : 0, fmt, ap);
	va_end(ap);
	*used += n > 0 ? (size_t)n : 0;
}

int keyset_format(const struct keyset *ks, char *out, size_t size)
{
	char hex[HEX_LEN + 1];
	size_t used = 0;

	put(out, size, &used, "# infosys sealing keys (infosysctl key status|"
	    "rotate|reseal|retire).\n# Keep an offline copy: every key a stored"
	    " value names must stay here.\n");
	sodium_bin2hex(hex, sizeof(hex), ks->lookup, KEYSET_KEY_BYTES);
	put(out, size, &used, "lookup %s\n", hex);
	for (unsigned i = 0; i < ks->n; i++) {
		sodium_bin2hex(hex, sizeof(hex), ks->keys[i].key, KEYSET_KEY_BYTES);
		put(out, size, &used, "key %u %s%s\n", ks->keys[i].id, hex,
		    ks->keys[i].id == ks->current ? " current" : "");
	}
	sodium_memzero(hex, sizeof(hex));
	return used < size ? (int)used : -1;
}

int keyset_rotate(struct keyset *ks, struct err *err)
{
	unsigned id = ks->n ? ks->keys[ks->n - 1].id + 1 : 1;

	if (ks->n == KEYSET_MAX)
		return err_set(err, E_CONFLICT, "the key file holds %d keys:"
			       " retire an old one first", KEYSET_MAX);
	if (id == 0)
		return err_set(err, E_CONFLICT, "no key id left");
	crypto_aead_xchacha20poly1305_ietf_keygen(ks->keys[ks->n].key);
	ks->keys[ks->n++].id = id;
	ks->current = id;
	return 0;
}

int keyset_remove(struct keyset *ks, unsigned id, struct err *err)
{
	for (unsigned i = 0; i < ks->n; i++) {
		if (ks->keys[i].id != id)
			continue;
		if (id == ks->current)
			return err_set(err, E_CONFLICT, "key %u is the current key", id);
		memmove(&ks->keys[i], &ks->keys[i + 1],
			(ks->n - i - 1) * sizeof(ks->keys[0]));
		ks->n--;
		sodium_memzero(&ks->keys[ks->n], sizeof(ks->keys[0]));
		return 0;
	}
	return err_set(err, E_NOT_FOUND, "the key file holds no key %u", id);
}

/* A key anyone else on the machine can read is no secret: refused. */
static int file_private(int fd, const char *path, struct err *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return err_set(err, E_INTERNAL, "the [security] key_file cannot"
			       " be read");
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return err_set(err, E_INTERNAL, "the [security] key_file %s is"
			       " open to group or others (mode %03o): chmod 600",
			       path, (unsigned)(st.st_mode & 0777));
	return 0;
}

int keyset_load(const char *path, struct keyset *ks, struct err *err)
{
	char *buf = sodium_malloc(KEYSET_TEXT_MAX + 1);
	ssize_t n = 0, got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (!buf)
		err_set(err, E_INTERNAL, "out of memory");
	else if (fd < 0)
		err_set(err, E_INTERNAL, "the [security] key_file cannot be read");
	else if (file_private(fd, path, err) == 0) {
		while (n <= KEYSET_TEXT_MAX &&
		       (got = read(fd, buf + n, (size_t)(KEYSET_TEXT_MAX + 1 - n))) > 0)
			n += got;
		if (n > KEYSET_TEXT_MAX)
			err_set(err, E_INTERNAL, "the [security] key_file is too large");
		else
			rc = keyset_parse(buf, (size_t)n, ks, err);
	}
	if (fd >= 0)
		close(fd);
	sodium_free(buf);
	return rc;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int keyset_store(const char *path, const struct keyset *ks, struct err *err)
{
	char tmp[4096], *text = sodium_malloc(KEYSET_TEXT_MAX);
	struct stat old;
	int fd = -1, len, ok = 0;

	if (!text)
		return err_set(err, E_INTERNAL, "out of memory");
	len = keyset_format(ks, text, KEYSET_TEXT_MAX);
	if (len >= 0 && snprintf(tmp, sizeof(tmp), "%s.new", path) <
			    (int)sizeof(tmp))
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0600);
	if (fd >= 0) {
		ok = write_all(fd, text, (size_t)len) == 0 && fsync(fd) == 0;
		/* The programs read the file as its owner (the service user). */
		if (ok && stat(path, &old) == 0 && old.st_uid != getuid())
			ok = fchown(fd, old.st_uid, old.st_gid) == 0;
		ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
		if (!ok)
			unlink(tmp);
	}
	sodium_free(text);
	return ok ? 0 : err_set(err, E_INTERNAL, "cannot write the key file %s: %s",
				path, strerror(errno));
}
