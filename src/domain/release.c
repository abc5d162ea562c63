/* release — manifests, versions and Ed25519 signatures (see release.h).
 * Key files and file hashing are in release_key.c. */
#include <stdio.h>
#include <string.h>
#include "release.h"

/* The leading dotted numbers of s into parts[]; returns how many (0 when
 * s does not start with a digit, -1 when a component is too long or
 * there are too many). *end is where the numbers stop. */
static int version_parts(const char *s, unsigned long long parts[RELEASE_VERSION_PARTS],
			 const char **end)
{
	int n = 0;

	memset(parts, 0, sizeof(parts[0]) * RELEASE_VERSION_PARTS);
	while (*s >= '0' && *s <= '9') {
		int digits = 0;

		if (n == RELEASE_VERSION_PARTS)
			return -1;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (++digits > RELEASE_PART_DIGITS)
				return -1;
			parts[n] = parts[n] * 10 + (unsigned)(*s - '0');
		}
		n++;
		if (*s != '.' || s[1] < '0' || s[1] > '9')
			break;
		s++;
	}
	*end = s;
	return n;
}

int release_version_valid(const char *s)
{
	unsigned long long p[RELEASE_VERSION_PARTS];
	const char *end;

	return strlen(s) <= RELEASE_VERSION_MAX && version_parts(s, p, &end) > 0 &&
	       *end == '\0';
}

int release_version_cmp(const char *a, const char *b, int *ok)
{
	unsigned long long pa[RELEASE_VERSION_PARTS], pb[RELEASE_VERSION_PARTS];
	const char *end;
	int good = version_parts(a, pa, &end) > 0 && version_parts(b, pb, &end) > 0;

	if (ok)
		*ok = good;
	if (!good)
		return 0;
	for (int i = 0; i < RELEASE_VERSION_PARTS; i++)
		if (pa[i] != pb[i])
			return pa[i] < pb[i] ? -1 : 1;
	return 0;
}

int release_version_key(const char *v, char out[RELEASE_VKEY_LEN + 1])
{
	unsigned long long p[RELEASE_VERSION_PARTS];
	const char *end;
	char *o = out;

	if (version_parts(v, p, &end) <= 0)
		return -1;
	for (int i = 0; i < RELEASE_VERSION_PARTS; i++)
		o += sprintf(o, i ? ".%018llu" : "%018llu", p[i]);
	return 0;
}

int release_channel_valid(const char *s)
{
	return !strcmp(s, "stable") || !strcmp(s, "beta");
}

/* http(s) URL of printable ASCII without spaces. */
static int url_valid(const char *s)
{
	size_t n = strlen(s);

	if (n > RELEASE_URL_MAX || (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return n > 8;
}

static int sha256_valid(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == RELEASE_SHA256_HEX && s[n] == '\0';
}

/* YYYY-MM-DDTHH:MM:SSZ by shape and field ranges. */
static int ts_valid(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	int mo, d, h, mi, se;

	if (strlen(s) != RELEASE_TS_LEN)
		return 0;
	for (int i = 0; i < RELEASE_TS_LEN; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return 0;
	if (sscanf(s + 5, "%2d-%2dT%2d:%2d:%2d", &mo, &d, &h, &mi, &se) != 5)
		return 0;
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 &&
	       se <= 60;
}

static int manifest_check(const struct release_manifest *m, struct err *err)
{
	if (!release_version_valid(m->version))
		return err_set(err, E_BAD_ARGUMENT,
			       "version must be 1 to 4 dot-separated numbers");
	if (!release_channel_valid(m->channel))
		return err_set(err, E_BAD_ARGUMENT, "channel must be stable or beta");
	if (!url_valid(m->url))
		return err_set(err, E_BAD_ARGUMENT,
			       "url must be an http(s) URL of printable ASCII");
	if (!sha256_valid(m->sha256))
		return err_set(err, E_BAD_ARGUMENT,
			       "sha256 must be 64 lower-case hex digits");
	if (!ts_valid(m->published))
		return err_set(err, E_BAD_ARGUMENT,
			       "published must be YYYY-MM-DDTHH:MM:SSZ");
	return 0;
}

int release_manifest_format(const struct release_manifest *m, char *buf,
			    size_t size, struct err *err)
{
	int n;

	if (manifest_check(m, err) != 0)
		return -1;
	n = snprintf(buf, size, "version=%s\nchannel=%s\nurl=%s\nsha256=%s\n"
		     "published=%s\n", m->version, m->channel, m->url, m->sha256,
		     m->published);
	if (n < 0 || (size_t)n >= size)
		return err_set(err, E_INTERNAL, "manifest buffer too small");
	return n;
}

/* Copies the value of line "key=value\n" at *p into out[size]; advances
 * *p past the LF. */
static int take_field(const char **p, const char *end, const char *key,
		      char *out, size_t size, struct err *err)
{
	size_t klen = strlen(key);
	const char *lf;

	if ((size_t)(end - *p) <= klen || memcmp(*p, key, klen) != 0 ||
	    (*p)[klen] != '=')
		return err_set(err, E_BAD_ARGUMENT, "manifest: expected '%s=' line", key);
	*p += klen + 1;
	lf = memchr(*p, '\n', (size_t)(end - *p));
	if (!lf)
		return err_set(err, E_BAD_ARGUMENT, "manifest: '%s' line has no LF", key);
	if ((size_t)(lf - *p) >= size || memchr(*p, '\0', (size_t)(lf - *p)))
		return err_set(err, E_BAD_ARGUMENT, "manifest: bad '%s' value", key);
	memcpy(out, *p, (size_t)(lf - *p));
	out[lf - *p] = '\0';
	*p = lf + 1;
	return 0;
}

int release_manifest_parse(const char *text, size_t len,
			   struct release_manifest *m, struct err *err)
{
	const char *p = text, *end = text + len;

	memset(m, 0, sizeof(*m));
	if (take_field(&p, end, "version", m->version, sizeof(m->version), err) ||
	    take_field(&p, end, "channel", m->channel, sizeof(m->channel), err) ||
	    take_field(&p, end, "url", m->url, sizeof(m->url), err) ||
	    take_field(&p, end, "sha256", m->sha256, sizeof(m->sha256), err) ||
	    take_field(&p, end, "published", m->published, sizeof(m->published), err))
		return -1;
	if (p != end)
		return err_set(err, E_BAD_ARGUMENT, "manifest: text after 'published'");
	return manifest_check(m, err);
}

void release_sign(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
		  const char *msg, size_t len, char sig[RELEASE_SIG_B64_LEN + 1])
{
	unsigned char raw[crypto_sign_BYTES];

	crypto_sign_detached(raw, NULL, (const unsigned char *)msg, len, sk);
	sodium_bin2base64(sig, RELEASE_SIG_B64_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_ORIGINAL);
}

int release_verify(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		   const char *msg, size_t len, const char *sig_b64)
{
	unsigned char raw[crypto_sign_BYTES];
	size_t n = 0;
	const char *end = NULL;

	if (!sig_b64 || strlen(sig_b64) != RELEASE_SIG_B64_LEN ||
	    sodium_base642bin(raw, sizeof(raw), sig_b64, RELEASE_SIG_B64_LEN, NULL,
			      &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof(raw) || *end != '\0')
		return -1;
	return crypto_sign_verify_detached(raw, (const unsigned char *)msg, len, pk);
}
