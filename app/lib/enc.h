/*
 * Byte encodings: lowercase hex, base64 (RFC 4648 section 4, padded) and
 * base64url (section 5, unpadded, as JWT uses it), and percent-decoding of
 * form and query components.  Decoders are strict: any character outside
 * the alphabet, wrong padding or non-zero trailing bits is an error.
 */
#ifndef IBIKI_LIB_ENC_H
#define IBIKI_LIB_ENC_H

#include <stddef.h>

/* The value of one hex digit (either case), or -1. */
int enc_hex_digit(char c);
/* out needs 2n+1 bytes. */
void enc_hex(const unsigned char *in, size_t n, char *out);
/* Encoded sizes, NUL terminator included. */
#define ENC_B64_SIZE(n) ((((n) + 2) / 3) * 4 + 1)
size_t enc_b64(const unsigned char *in, size_t n, char *out);
size_t enc_b64url(const unsigned char *in, size_t n, char *out);
/* Decode into out (room for at least 3*len/4+3 bytes).  Returns the decoded
 * length, or -1 if the input is not canonical base64 / base64url. */
long enc_b64_decode(const char *in, size_t len, unsigned char *out);
long enc_b64url_decode(const char *in, size_t len, unsigned char *out);
/* Percent-decode in place (with '+' as space when plus is non-zero).
 * Returns the new length, or -1 on a malformed escape. */
long enc_percent_decode(char *s, size_t len, int plus);

#endif
