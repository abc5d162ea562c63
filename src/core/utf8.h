/* utf8 — shortest-form UTF-8 (RFC 3629): no overlong encodings, no
 * surrogates U+D800–U+DFFF, nothing above U+10FFFF. Works on byte slices,
 * never allocates. */
#ifndef INFOSYS_UTF8_H
#define INFOSYS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the character starting at s[0] (len > 0) into *cp and returns its
 * length in bytes (1–4); returns 0 when s does not start with a complete,
 * valid character. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* 0 when s[0..len) is valid; otherwise -1 and, when bad is not NULL,
 * *bad = offset of the first byte of the first ill-formed sequence. */
int utf8_validate(const char *s, size_t len, size_t *bad);

/* Number of characters in s[0..len), which must be valid. */
size_t utf8_count(const char *s, size_t len);

#endif
