/* devicecookie — see devicecookie.h. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <sodium.h>
#include "devicecookie.h"
#include "seal.h"

#define ENTRY_VERSION 1
#define NONCE_BYTES 16
#define MAC_BYTES crypto_auth_hmacsha256_BYTES
#define ENTRY_BYTES (1 + 8 + NONCE_BYTES + MAC_BYTES)
/* base64url without padding of ENTRY_BYTES */
#define ENTRY_CHARS ((ENTRY_BYTES * 4 + 2) / 3)
/* An entry issued a little "in the future" by another host's clock. */
#define CLOCK_SKEW_S 300
#define KEY_ID 2
#define KEY_CONTEXT "infosdev"
/* Entries scanned at most, valid or not: a long cookie costs no more. */
#define SCAN_MAX (2 * DEVICE_ENTRIES_MAX)

static const char sql_revoked[] =
	"SELECT 1 FROM device_cookie_failures"
	" WHERE entry_hash = ? AND revoked_at IS NOT NULL";

/* The DEVICE_MAX_FAILURES-th failure sets revoked_at; a revoked entry
 * stays revoked. */
static const char sql_failure[] =
	"INSERT INTO device_cookie_failures"
	" (entry_hash, user_id, failures, revoked_at, updated_at)"
	" VALUES (?, NULLIF(?, 0), 1, IF(1 >= ?, ?, NULL), ?)"
	" ON DUPLICATE KEY UPDATE failures = failures + 1,"
	" revoked_at = COALESCE(revoked_at, IF(failures >= ?, VALUES(updated_at), NULL)),"
	" updated_at = VALUES(updated_at)";

/* An entry's row is of no use once the entry has expired. */
static const char sql_forget[] =
	"DELETE FROM device_cookie_failures WHERE updated_at < ?";

struct entry {
	unsigned char raw[ENTRY_BYTES];
	const char *text;	/* the entry as it came, ENTRY_CHARS long */
};

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void mac_lower(crypto_auth_hmacsha256_state *st, const char *s)
{
	unsigned char c, zero = 0;

	for (; *s; s++) {
		c = (unsigned char)tolower((unsigned char)*s);
		crypto_auth_hmacsha256_update(st, &c, 1);
	}
	crypto_auth_hmacsha256_update(st, &zero, 1);
}

/* The MAC of raw's version, time and nonce for facility and user. */
static int entry_mac(const struct ctx *ctx, const unsigned char *raw,
		     const char *facility, const char *user,
		     unsigned char mac[MAC_BYTES], struct err *err)
{
	static const char label[] = "infosys-device-v1";
	crypto_auth_hmacsha256_state st;
	unsigned char key[32];

	if (seal_subkey(ctx->conf, KEY_ID, KEY_CONTEXT, key, err) != 0)
		return -1;
	crypto_auth_hmacsha256_init(&st, key, sizeof(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)label,
				      sizeof(label));
	mac_lower(&st, facility);
	mac_lower(&st, user);
	crypto_auth_hmacsha256_update(&st, raw, 1 + 8 + NONCE_BYTES);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

/* The next entry of the cookie value at *p (advanced past it): 1 with e
 * filled when it has an entry's shape, 0 when malformed, -1 at the end. */
static int entry_next(const char **p, struct entry *e)
{
	const char *s = *p, *end;
	size_t len, n = 0;

	if (!s || !*s)
		return -1;
	end = strchr(s, '.');
	len = end ? (size_t)(end - s) : strlen(s);
	*p = end ? end + 1 : s + len;
	e->text = s;
	return len == ENTRY_CHARS &&
	       sodium_base642bin(e->raw, sizeof(e->raw), s, len, NULL, &n, NULL,
				 sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	       n == ENTRY_BYTES && e->raw[0] == ENTRY_VERSION;
}

static int entry_expired(const struct ctx *ctx, const struct entry *e)
{
	long long issued = (long long)get_be64(e->raw + 1);

	return issued > ctx->now + CLOCK_SKEW_S ||
	       issued + DEVICE_LIFETIME_S <= ctx->now;
}

/* 1 when e is signed for facility and user and not expired. */
static int entry_valid(const struct ctx *ctx, const struct entry *e,
		       const char *facility, const char *user, struct err *err)
{
	unsigned char mac[MAC_BYTES];

	if (entry_expired(ctx, e))
		return 0;
	if (entry_mac(ctx, e->raw, facility, user, mac, err) != 0)
		return -1;
	return crypto_verify_32(mac, e->raw + 1 + 8 + NONCE_BYTES) == 0;
}

static void entry_id(const struct entry *e, struct device_entry *out)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), e->raw + 1 + 8, NONCE_BYTES, NULL, 0);
	sodium_bin2hex(out->id_hex, sizeof(out->id_hex), h, sizeof(h));
}

static int entry_revoked(struct ctx *ctx, const struct device_entry *d,
			 struct err *err)
{
	struct dbparam p[] = { P_STR(d->id_hex) };
	struct dbres r;

	if (db_query(ctx->db, sql_revoked, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	return r.nrows > 0;
}

int devicecookie_find(struct ctx *ctx, const char *facility, const char *user,
		      struct device_entry *d, struct err *err)
{
	const char *p = ctx->device_cookie;
	struct entry e;
	int rc, valid;

	for (int i = 0; i < SCAN_MAX && (rc = entry_next(&p, &e)) >= 0; i++) {
		if (!rc)
			continue;
		if ((valid = entry_valid(ctx, &e, facility, user, err)) < 0)
			return -1;
		if (!valid)
			continue;
		entry_id(&e, d);
		if ((rc = entry_revoked(ctx, d, err)) != 0)
			return rc < 0 ? -1 : 0;
		return 1;
	}
	return 0;
}

/* A new entry for facility and user, as text into out. */
static int entry_new(const struct ctx *ctx, const char *facility,
		     const char *user, char out[ENTRY_CHARS + 1],
		     struct err *err)
{
	unsigned char raw[ENTRY_BYTES];

	raw[0] = ENTRY_VERSION;
	put_be64(raw + 1, (uint64_t)ctx->now);
	randombytes_buf(raw + 1 + 8, NONCE_BYTES);
	if (entry_mac(ctx, raw, facility, user, raw + 1 + 8 + NONCE_BYTES,
		      err) != 0)
		return -1;
	sodium_bin2base64(out, ENTRY_CHARS + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int devicecookie_issue(struct ctx *ctx, const char *facility, const char *user,
		       struct err *err)
{
	char value[DEVICE_ENTRIES_MAX * (ENTRY_CHARS + 1)];
	const char *p = ctx->device_cookie;
	size_t len = ENTRY_CHARS;
	int kept = 1, rc;
	struct entry e;

	if (entry_new(ctx, facility, user, value, err) != 0)
		return -1;
	/* The others' entries follow, checked for shape only (their users
	 * are unknown here); this user's older ones are replaced. */
	for (int i = 0; i < SCAN_MAX && kept < DEVICE_ENTRIES_MAX &&
	     (rc = entry_next(&p, &e)) >= 0; i++) {
		if (!rc || entry_expired(ctx, &e))
			continue;
		if ((rc = entry_valid(ctx, &e, facility, user, err)) < 0)
			return -1;
		if (rc)
			continue;
		value[len++] = '.';
		memcpy(value + len, e.text, ENTRY_CHARS);
		len += ENTRY_CHARS;
		kept++;
	}
	value[len] = '\0';
	ctx->set_device_cookie = arena_printf(ctx->arena,
		DEVICE_COOKIE "=%s; Path=" DEVICE_COOKIE_PATH "; Max-Age=%lld;"
		" Secure; HttpOnly; SameSite=Strict", value, DEVICE_LIFETIME_S);
	sodium_memzero(value, sizeof(value));
	return ctx->set_device_cookie ? 0 :
	       err_set(err, E_INTERNAL, "out of memory");
}

int devicecookie_record_failure(struct ctx *ctx, const struct device_entry *d,
				long long user_id, struct err *err)
{
	struct dbparam p[] = {
		P_STR(d->id_hex), P_INT(user_id), P_INT(DEVICE_MAX_FAILURES),
		P_INT(ctx->now), P_INT(ctx->now), P_INT(DEVICE_MAX_FAILURES),
	};
	struct dbparam old[] = { P_INT(ctx->now - DEVICE_LIFETIME_S) };

	if (db_exec(ctx->db, sql_failure, p, 6, NULL, NULL, err) != 0)
		return -1;
	/* Rare (a failure through the lane), so the clean-up rides on it. */
	return db_exec(ctx->db, sql_forget, old, 1, NULL, NULL, err);
}
