/*
 * Webhook signatures as receivers verify them: hex HMAC-SHA256 of the body
 * (X-Ibiki-Signature) and Standard Webhooks' "v1," + base64 HMAC-SHA256 of
 * "id.timestamp.body" keyed by the base64 part of a whsec_ secret.
 */
#include "lib/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/enc.h"

void sign_ibiki(const char *secret, size_t slen, const char *body, size_t n, char out[65])
{
	unsigned char mac[CRYPTO_SHA256_LEN];

	crypto_hmac_sha256(secret, slen, body, n, mac);
	enc_hex(mac, sizeof(mac), out);
}

size_t sign_standard_key(const char *secret, unsigned char key[256])
{
	size_t n = strlen(secret);
	long k;

	if (n > 6 && strncmp(secret, "whsec_", 6) == 0 && n - 6 <= 340) {
		k = enc_b64_decode(secret + 6, n - 6, key);
		if (k > 0)
			return (size_t)k;
	}
	if (n > 256)
		n = 256;
	memcpy(key, secret, n);
	return n;
}

void sign_standard(const unsigned char *key, size_t klen, const char *id, long long ts,
		   const char *body, size_t n, char *out, size_t outlen)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	char b64[ENC_B64_SIZE(CRYPTO_SHA256_LEN)];
	char prefix[256];
	struct buf b;
	int pl = snprintf(prefix, sizeof(prefix), "%s.%lld.", id, ts);

	buf_init(&b, (size_t)pl + n + 1);
	if (buf_add(&b, prefix, (size_t)pl) < 0 || buf_add(&b, body, n) < 0) {
		buf_free(&b);
		snprintf(out, outlen, "v1,");
		return;
	}
	crypto_hmac_sha256(key, klen, b.p, b.len, mac);
	buf_free(&b);
	enc_b64(mac, sizeof(mac), b64);
	snprintf(out, outlen, "v1,%s", b64);
}
