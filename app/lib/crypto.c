/*
 * OpenSSL-backed primitives: SHA-256, HMAC-SHA1/256, PBKDF2 and random
 * bytes (each failure of OpenSSL there is fatal, since no caller can go on
 * without them), constant-time comparison, and the password hash format.
 */
#include "lib/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/enc.h"
#include "lib/log.h"

void crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN])
{
	SHA256(p, n, out);
}

void crypto_hmac_sha256(const void *key, size_t klen, const void *p, size_t n,
			unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int len = CRYPTO_SHA256_LEN;

	if (HMAC(EVP_sha256(), key, (int)klen, p, n, out, &len) == NULL)
		log_fatal("crypto", "HMAC-SHA256 failed");
}

void crypto_hmac_sha1(const void *key, size_t klen, const void *p, size_t n,
		      unsigned char out[CRYPTO_SHA1_LEN])
{
	unsigned int len = CRYPTO_SHA1_LEN;

	if (HMAC(EVP_sha1(), key, (int)klen, p, n, out, &len) == NULL)
		log_fatal("crypto", "HMAC-SHA1 failed");
}

int crypto_pbkdf2_sha256(const char *pass, size_t plen, const unsigned char *salt, size_t slen,
			 unsigned iter, unsigned char *out, size_t outlen)
{
	if (PKCS5_PBKDF2_HMAC(pass, (int)plen, salt, (int)slen, (int)iter, EVP_sha256(),
			      (int)outlen, out) != 1)
		return -1;
	return 0;
}

void crypto_random(void *out, size_t n)
{
	if (RAND_bytes(out, (int)n) != 1)
		log_fatal("crypto", "RAND_bytes failed");
}

bool crypto_eq(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return false;
	return CRYPTO_memcmp(a, b, alen) == 0;
}

#define SALT_LEN 16
#define KEY_LEN	 32

int crypto_password_hash(const char *pw, size_t len, char *out)
{
	unsigned char salt[SALT_LEN], key[KEY_LEN];
	char s64[ENC_B64_SIZE(SALT_LEN)], k64[ENC_B64_SIZE(KEY_LEN)];

	crypto_random(salt, sizeof(salt));
	if (crypto_pbkdf2_sha256(pw, len, salt, sizeof(salt), CRYPTO_PASSWORD_ITERATIONS, key,
				 sizeof(key)) < 0)
		return -1;
	enc_b64(salt, sizeof(salt), s64);
	enc_b64(key, sizeof(key), k64);
	snprintf(out, CRYPTO_PASSWORD_HASH_MAX, "pbkdf2-sha256$%u$%s$%s",
		 CRYPTO_PASSWORD_ITERATIONS, s64, k64);
	OPENSSL_cleanse(key, sizeof(key));
	return 0;
}

bool crypto_password_verify(const char *pw, size_t len, const char *stored)
{
	unsigned char salt[64], want[64], got[64];
	char tmp[CRYPTO_PASSWORD_HASH_MAX];
	char *iter_s, *salt_s, *key_s, *end;
	unsigned long iter;
	long slen, klen;
	bool ok;

	if (stored == NULL) {
		/* Same work as a real check, result discarded. */
		memset(salt, 0, SALT_LEN);
		crypto_pbkdf2_sha256(pw, len, salt, SALT_LEN, CRYPTO_PASSWORD_ITERATIONS, got,
				     KEY_LEN);
		return false;
	}
	if (strlen(stored) >= sizeof(tmp))
		return false;
	memcpy(tmp, stored, strlen(stored) + 1);
	if (strncmp(tmp, "pbkdf2-sha256$", 14) != 0)
		return false;
	iter_s = tmp + 14;
	salt_s = strchr(iter_s, '$');
	if (salt_s == NULL)
		return false;
	*salt_s++ = '\0';
	key_s = strchr(salt_s, '$');
	if (key_s == NULL)
		return false;
	*key_s++ = '\0';
	iter = strtoul(iter_s, &end, 10);
	if (*end != '\0' || iter < 1000 || iter > 10000000)
		return false;
	if (strlen(salt_s) > 80 || strlen(key_s) > 80)
		return false;
	slen = enc_b64_decode(salt_s, strlen(salt_s), salt);
	klen = enc_b64_decode(key_s, strlen(key_s), want);
	if (slen < 8 || klen < 16)
		return false;
	if (crypto_pbkdf2_sha256(pw, len, salt, (size_t)slen, (unsigned)iter, got, (size_t)klen) <
	    0)
		return false;
	ok = crypto_eq(got, (size_t)klen, want, (size_t)klen);
	OPENSSL_cleanse(got, sizeof(got));
	return ok;
}
