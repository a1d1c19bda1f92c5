/*
 * JSON Web Tokens, HS256 only (RFC 7519 / RFC 7515).  The algorithm is
 * pinned: a header naming anything but HS256 ("none", HS512, RS256...) is
 * rejected before any MAC is computed, the MAC is compared in constant
 * time, and `exp` is required and checked.
 */
#ifndef IBIKI_LIB_JWT_H
#define IBIKI_LIB_JWT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/json.h"

#define JWT_MIN_KEY 32 /* bytes: 256 bits */
#define JWT_MAX_LEN 4096

enum jwt_result {
	JWT_OK,
	JWT_MALFORMED, /* not three base64url parts of JSON objects */
	JWT_BAD_ALG,   /* header alg is not HS256, or has crit */
	JWT_BAD_MAC,
	JWT_EXPIRED, /* exp missing, not an integer, or <= now; or nbf > now */
	JWT_RESULT__MAX
};

/* Sign claims (a serialised JSON object) with key; the token is written to
 * out (size n).  Returns 0, or -1 if out is too small. */
int jwt_sign(const void *key, size_t klen, const char *claims, size_t clen, char *out, size_t n);

/* Verify token at time `now` (unix seconds).  On JWT_OK, *claims is the
 * parsed payload object, in the arena. */
enum jwt_result jwt_verify(struct arena *a, const void *key, size_t klen, const char *token,
			   size_t tlen, int64_t now, const struct json **claims);

#endif
