/* phi_norm — normalisation for screening (see phi_norm.h).
 *
 * utf8proc does the Unicode work in one pass (NFKC with marks stripped,
 * default ignorables removed, control characters and line breaks turned
 * into spaces, dashes and spaces "lumped" to ASCII); a per-code-point hook
 * adds what utf8proc has no table for: ICU's confusable skeletons for
 * letters of other scripts and ICU's digit values. A last pass collapses
 * runs of spaces, reads a literal "\n" or "\t" as a space, and a run of
 * separators between two digits as one. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include "phi_norm.h"

static USpoofChecker *spoof_checker(void)
{
	static USpoofChecker *checker;
	static int tried;
	UErrorCode status = U_ZERO_ERROR;

	if (!tried) {
		tried = 1;
		checker = uspoof_open(&status);
		if (U_FAILURE(status))
			checker = NULL;
	}
	return checker;
}

/* ICU's UTS #39 skeleton of c when it is a single ASCII letter, else 0. */
static int skeleton_letter(utf8proc_int32_t c)
{
	USpoofChecker *sc = spoof_checker();
	UChar in[2], out[8];
	UErrorCode status = U_ZERO_ERROR;
	int32_t n;

	if (!sc || c > 0xFFFF)
		return 0;
	in[0] = (UChar)c;
	n = uspoof_getSkeleton(sc, 0, in, 1, out, 8, &status);
	if (U_FAILURE(status) || n != 1 || out[0] > 0x7F)
		return 0;
	/* Skeletons map l/I/1 and O/0 alike; only letters are wanted here. */
	if ((out[0] | 0x20) < 'a' || (out[0] | 0x20) > 'z')
		return 0;
	return out[0];
}

/* The ASCII letter a code point of another script imitates, or 0; ICU's
 * answers are kept in a small direct-mapped cache, since a text in
 * another script asks about the same few dozen letters again and again. */
static int confusable_letter(utf8proc_int32_t c)
{
	static struct { utf8proc_int32_t c; int letter; } cache[1024];
	unsigned slot = (unsigned)c & 1023;
	int letter;

	if (cache[slot].c == c)
		return cache[slot].letter;
	letter = skeleton_letter(c);
	cache[slot].c = c;
	cache[slot].letter = letter;
	return letter;
}

static utf8proc_int32_t map_code_point(utf8proc_int32_t c, void *data)
{
	utf8proc_category_t cat;
	int v;

	(void)data;
	if (c < 0x80)
		return c;
	if (c == 0x00DF || c == 0x1E9E)		/* ß: German "ss", read as s */
		return c == 0x00DF ? 's' : 'S';
	cat = utf8proc_category(c);
	if (cat == UTF8PROC_CATEGORY_ND && (v = u_charDigitValue(c)) >= 0)
		return '0' + v;
	if (cat == UTF8PROC_CATEGORY_PD)
		return '-';
	if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP)
		return ' ';
	if (c == 0x2044 || c == 0x2215 || c == 0x29F8)	/* fraction, division, big solidus */
		return '/';
	/* Middle dot, bullet, one-dot leader, hyphenation point, dot
	 * operator: the dots people put between a number's groups. */
	if (c == 0x00B7 || c == 0x2022 || c == 0x2024 || c == 0x2027 ||
	    c == 0x22C5 || c == 0x30FB)
		return '.';
	if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
	    cat == UTF8PROC_CATEGORY_LT) {
		const utf8proc_property_t *p = utf8proc_get_property(c);

		/* Latin letters keep their marks until NFKD strips them. */
		if (p->decomp_seqindex == UINT16_MAX || c >= 0x370) {
			int a = confusable_letter(c);

			if (a)
				return a;
		}
	}
	return c;
}

/* Spaces collapsed, a literal \n \t \r read as a space, ends trimmed. */
static size_t tidy(char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < len &&
		    (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == 'r')) {
			c = ' ';
			i++;
		}
		if (c == ' ' && (o == 0 || s[o - 1] == ' '))
			continue;
		s[o++] = c;
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	return o;
}

/* "555 - 867 - 5309", "14 . 03 . 1952": a run of separators between two
 * digits is read as the one separator a reader sees, the dash or slash
 * when there is one, so that spacing around it changes nothing. */
static int digit_separator(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '/';
}

static size_t join_digit_separators(char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		size_t j = i;
		char sep = ' ';

		if (o == 0 || !digit_separator(s[i]) ||
		    !isdigit((unsigned char)s[o - 1])) {
			s[o++] = s[i];
			continue;
		}
		while (j < len && digit_separator(s[j])) {
			if (s[j] == '-' || (s[j] == '/' && sep != '-') ||
			    (s[j] == '.' && sep == ' '))
				sep = s[j];
			j++;
		}
		if (j - i < 2 || j >= len || !isdigit((unsigned char)s[j])) {
			s[o++] = s[i];
			continue;
		}
		s[o++] = sep;
		i = j - 1;
	}
	s[o] = '\0';
	return o;
}

/* Printable ASCII is its own NFKC form with nothing to strip or map: most
 * values are, and skip utf8proc. */
static int plain_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
			return 0;
	return 1;
}

char *phi_normalise(const char *s, size_t len, size_t *out_len)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;

	if (plain_ascii(s, len)) {
		char *copy = malloc(len + 1);

		if (!copy)
			return NULL;
		memcpy(copy, s, len);
		*out_len = join_digit_separators(copy, tidy(copy, len));
		return copy;
	}
	n = utf8proc_map_custom((const utf8proc_uint8_t *)s,
				(utf8proc_ssize_t)len, &dst,
				UTF8PROC_STABLE | UTF8PROC_COMPAT |
				UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK |
				UTF8PROC_IGNORE | UTF8PROC_STRIPCC |
				UTF8PROC_LUMP, map_code_point, NULL);
	if (n < 0) {
		free(dst);
		return NULL;
	}
	*out_len = join_digit_separators((char *)dst,
					 tidy((char *)dst, (size_t)n));
	return (char *)dst;
}

int phi_has_bidi_control(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t i = 0, n;
	utf8proc_int32_t c;

	while ((size_t)i < len) {
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)len - i, &c);
		if (n < 0)
			return 0;
		if (c == 0x061C || c == 0x200E || c == 0x200F ||
		    (c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069))
			return 1;
		i += n;
	}
	return 0;
}
