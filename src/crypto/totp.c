/* totp — see totp.h. HMAC-SHA-1 from OpenSSL; the dynamic truncation of
 * RFC 4226 §5.3. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "totp.h"

uint64_t totp_step(time_t t)
{
	return t < 0 ? 0 : (uint64_t)t / TOTP_STEP_S;
}

long totp_code(const unsigned char *key, size_t keylen, uint64_t step,
	       int digits)
{
	unsigned char msg[8], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	long mod = 1;
	uint32_t bin;
	int off;

	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (unsigned char)(step & 0xff);
	if (!HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), md, &mdlen) ||
	    mdlen != 20)
		return -1;
	off = md[19] & 0x0f;
	bin = ((uint32_t)(md[off] & 0x7f) << 24) | ((uint32_t)md[off + 1] << 16) |
	      ((uint32_t)md[off + 2] << 8) | md[off + 3];
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return (long)(bin % (uint32_t)mod);
}

uint64_t totp_match(const unsigned char *key, size_t keylen, time_t now,
		    int window, uint64_t last_step, const char *code,
		    size_t len)
{
	uint64_t cur = totp_step(now), found = 0;
	char want[24];

	if (len != TOTP_DIGITS)
		return 0;
	/* Every step in the window is computed and compared, so the time
	 * taken does not tell which step (if any) matched. */
	for (int d = -window; d <= window; d++) {
		uint64_t s = cur + (uint64_t)(int64_t)d;
		long c = totp_code(key, keylen, s, TOTP_DIGITS);
		if (c < 0)
			continue;
		snprintf(want, sizeof(want), "%06ld", c);
		if (sodium_memcmp(want, code, TOTP_DIGITS) == 0 && s > last_step)
			found = s;
	}
	return found;
}

int totp_base32(const unsigned char *in, size_t len, char *out, size_t outsize)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t need = (len * 8 + 4) / 5, o = 0;
	unsigned buf = 0;
	int bits = 0;

	if (need + 1 > outsize)
		return -1;
	for (size_t i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alpha[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alpha[(buf << (5 - bits)) & 31];
	out[o] = '\0';
	return 0;
}
