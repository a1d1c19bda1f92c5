/*
 * Strict UTF-8 per RFC 3629: validation, decoding, counting, and the
 * cleaning of outside text (each byte that does not start a valid sequence
 * becomes '?') for columns that must hold valid UTF-8.
 */
#include "lib/utf8.h"

#include <string.h>

size_t utf8_valid_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (n >= 2 && (p[1] & 0xc0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0) /* overlong */
			return 0;
		if (c == 0xed && p[1] >= 0xa0) /* surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90) /* overlong */
			return 0;
		if (c == 0xf4 && p[1] >= 0x90) /* > U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t l;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		l = utf8_valid_len(p + i, n - i);
		if (l == 0)
			return false;
		i += l;
	}
	return true;
}

uint32_t utf8_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t l = utf8_valid_len(p, n - *i);
	uint32_t cp;

	switch (l) {
	case 1:
		cp = p[0];
		break;
	case 2:
		cp = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		break;
	case 3:
		cp = ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) |
		     (p[2] & 0x3f);
		break;
	case 4:
		cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
		     ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		break;
	default:
		cp = 0xfffd;
		l = 1;
	}
	*i += l;
	return cp;
}

size_t utf8_count(const char *s, size_t n)
{
	size_t i, count = 0;

	/* Every byte that is not a continuation byte starts a code point. */
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

size_t utf8_clean(char *dst, const char *s, size_t n, size_t max)
{
	size_t i = 0, o = 0, count = 0, l;

	while (i < n && count < max) {
		l = utf8_valid_len((const unsigned char *)s + i, n - i);
		if (l == 0 || s[i] == '\0') {
			dst[o++] = '?';
			i++;
		} else {
			memcpy(dst + o, s + i, l);
			o += l;
			i += l;
		}
		count++;
	}
	dst[o] = '\0';
	return o;
}
