/*
 * Cryptographic primitives over OpenSSL: digests and MACs, password
 * hashing, random bytes, constant-time comparison.  Knows nothing of the
 * application; every secret comparison in Ibiki goes through crypto_eq.
 */
#ifndef IBIKI_LIB_CRYPTO_H
#define IBIKI_LIB_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_SHA1_LEN	  20

void crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN]);
void crypto_hmac_sha256(const void *key, size_t klen, const void *p, size_t n,
			unsigned char out[CRYPTO_SHA256_LEN]);
void crypto_hmac_sha1(const void *key, size_t klen, const void *p, size_t n,
		      unsigned char out[CRYPTO_SHA1_LEN]);
/* PBKDF2-HMAC-SHA256.  Returns 0, or -1 on an OpenSSL failure. */
int crypto_pbkdf2_sha256(const char *pass, size_t plen, const unsigned char *salt, size_t slen,
			 unsigned iter, unsigned char *out, size_t outlen);
/* Cryptographically secure random bytes; aborts if none can be had. */
void crypto_random(void *out, size_t n);
/* Constant-time equality of two byte strings; unequal lengths are unequal
 * (the lengths themselves are not secret). */
bool crypto_eq(const void *a, size_t alen, const void *b, size_t blen);

/*
 * Passwords: PBKDF2-HMAC-SHA256, OWASP 2023 parameters (600,000 iterations,
 * 16-byte salt, 32-byte key), stored as
 *   pbkdf2-sha256$<iterations>$<salt b64>$<key b64>
 */
#define CRYPTO_PASSWORD_ITERATIONS 600000u
#define CRYPTO_PASSWORD_HASH_MAX   128
/* out needs CRYPTO_PASSWORD_HASH_MAX bytes.  Returns 0 or -1. */
int crypto_password_hash(const char *pw, size_t len, char *out);
/* Whether pw matches stored.  A malformed stored hash never matches.
 * With stored == NULL a dummy hash is computed, so that an unknown user
 * costs the same time as a wrong password. */
bool crypto_password_verify(const char *pw, size_t len, const char *stored);

#endif
