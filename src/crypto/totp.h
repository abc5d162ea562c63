/* totp — one-time codes of RFC 6238 (TOTP over RFC 4226 HOTP): HMAC-SHA-1,
 * 30-second steps counted from the Unix epoch, and the base32 (RFC 4648,
 * unpadded) form in which authenticator apps take the secret. */
#ifndef INFOSYS_TOTP_H
#define INFOSYS_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_STEP_S 30
#define TOTP_DIGITS 6
#define TOTP_SECRET_BYTES 20	/* 160 bits, as RFC 4226 recommends */
#define TOTP_B32_MAX 64		/* room for base32 of TOTP_SECRET_BYTES */

/* The time step that t falls in. */
uint64_t totp_step(time_t t);

/* The HOTP value of key at counter step, as a number of digits (6–8)
 * decimal digits; -1 when HMAC fails. */
long totp_code(const unsigned char *key, size_t keylen, uint64_t step,
	       int digits);

/* The step in [step(now) - window, step(now) + window] whose 6-digit code
 * is code[0..len), later than last_step (a code works once); 0 when
 * none. Codes are compared in constant time. */
uint64_t totp_match(const unsigned char *key, size_t keylen, time_t now,
		    int window, uint64_t last_step, const char *code,
		    size_t len);

/* Unpadded upper-case base32 of in[0..len) into out (NUL-terminated);
 * -1 when out is too small. */
int totp_base32(const unsigned char *in, size_t len, char *out,
		size_t outsize);

#endif
