/* utf8 — validation and counting (utf8.h). The ranges of the second byte
 * follow the table of well-formed sequences in Unicode §3.9 (D92): they
 * are what rules out overlongs, surrogates and code points past U+10FFFF
 * without decoding first and checking afterwards. */
#include "utf8.h"

static int cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;	/* continuation byte, C0, C1 or F5..FF */
	if (c == 0xE0)
		lo = 0xA0;	/* overlong below U+0800 */
	else if (c == 0xED)
		hi = 0x9F;	/* surrogates */
	else if (c == 0xF0)
		lo = 0x90;	/* overlong below U+10000 */
	else if (c == 0xF4)
		hi = 0x8F;	/* above U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!cont(s[i]))
			return 0;
	uint32_t v = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		v = (v << 6) | (s[i] & 0x3F);
	*cp = v;
	return n;
}

int utf8_validate(const char *s, size_t len, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			if (bad)
				*bad = i;
			return -1;
		}
		i += n;
	}
	return 0;
}

size_t utf8_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (!cont((unsigned char)s[i]))
			n++;
	return n;
}
