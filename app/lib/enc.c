/*
 * Hex, base64, base64url and percent-decoding.  Decoders refuse anything
 * that is not canonical: characters outside the alphabet, wrong padding,
 * non-zero trailing bits, short escapes.
 */
#include "lib/enc.h"

#include <string.h>

static const char hexdig[] = "0123456789abcdef";
static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void enc_hex(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static size_t b64_encode(const char *alpha, int pad, const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = alpha[(v >> 6) & 63];
		out[o++] = alpha[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = alpha[(v >> 6) & 63];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

size_t enc_b64(const unsigned char *in, size_t n, char *out)
{
	return b64_encode(b64std, 1, in, n, out);
}

size_t enc_b64url(const unsigned char *in, size_t n, char *out)
{
	return b64_encode(b64url, 0, in, n, out);
}

static int b64_val(const char *alpha, char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = memchr(alpha, c, 64);
	return p ? (int)(p - alpha) : -1;
}

static long b64_decode(const char *alpha, int pad, const char *in, size_t len, unsigned char *out)
{
	size_t i, full, rem, o = 0;
	int v[4];

	if (pad) {
		if (len % 4 != 0)
			return -1;
		if (len >= 1 && in[len - 1] == '=')
			len--;
		if (len >= 1 && in[len - 1] == '=')
			len--;
	}
	full = len / 4;
	rem = len % 4;
	if (rem == 1)
		return -1;
	for (i = 0; i < full; i++) {
		int k;
		for (k = 0; k < 4; k++)
			if ((v[k] = b64_val(alpha, in[4 * i + k])) < 0)
				return -1;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	if (rem >= 2) {
		const char *p = in + 4 * full;
		if ((v[0] = b64_val(alpha, p[0])) < 0 || (v[1] = b64_val(alpha, p[1])) < 0)
			return -1;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (rem == 2) {
			if (v[1] & 15)
				return -1; /* non-canonical trailing bits */
		} else {
			if ((v[2] = b64_val(alpha, p[2])) < 0 || (v[2] & 3))
				return -1;
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		}
	}
	return (long)o;
}

long enc_b64_decode(const char *in, size_t len, unsigned char *out)
{
	return b64_decode(b64std, 1, in, len, out);
}

long enc_b64url_decode(const char *in, size_t len, unsigned char *out)
{
	return b64_decode(b64url, 0, in, len, out);
}

int enc_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long enc_percent_decode(char *s, size_t len, int plus)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (len - i < 3)
				return -1;
			hi = enc_hex_digit(s[i + 1]);
			lo = enc_hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			s[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+') {
			s[o++] = ' ';
		} else {
			s[o++] = s[i];
		}
	}
	if (o < len)
		s[o] = '\0';
	return (long)o;
}
