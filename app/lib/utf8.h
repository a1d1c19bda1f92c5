/*
 * UTF-8 validation and counting, strict per RFC 3629: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
 */
#ifndef IBIKI_LIB_UTF8_H
#define IBIKI_LIB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid UTF-8 sequence at p, or 0 if it is invalid or
 * truncated. */
size_t utf8_valid_len(const unsigned char *p, size_t n);
/* Whether all n bytes are valid UTF-8 (NUL bytes included as valid). */
bool utf8_valid(const char *s, size_t n);
/* Decode the next code point from a valid string; advances *i. */
uint32_t utf8_next(const char *s, size_t n, size_t *i);
/* Number of code points in a valid string. */
size_t utf8_count(const char *s, size_t n);
/* Copy at most max code points of s (n bytes, any bytes) into dst as
 * valid UTF-8 without NUL: each byte that does not start a valid sequence,
 * and each NUL, becomes '?'.  dst must hold n + 1 bytes; it is
 * NUL-terminated.  Returns the bytes written. */
size_t utf8_clean(char *dst, const char *s, size_t n, size_t max);

#endif
