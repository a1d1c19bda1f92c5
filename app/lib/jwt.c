/*
 * HS256 JWT signing and verification.  The header of every token Ibiki
 * signs is a constant; a token whose header is not exactly alg HS256 (and
 * typ JWT, if present) is refused before any MAC is computed.
 */
#include "lib/jwt.h"

#include <string.h>

#include "lib/crypto.h"
#include "lib/enc.h"

static const char header_b64[] =
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; /* {"alg":"HS256","typ":"JWT"} */

int jwt_sign(const void *key, size_t klen, const char *claims, size_t clen, char *out, size_t n)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	size_t hl = sizeof(header_b64) - 1;
	size_t pl = ((clen + 2) / 3) * 4;
	size_t need = hl + 1 + pl + 1 + 43 + 1;
	size_t o;

	if (n < need)
		return -1;
	memcpy(out, header_b64, hl);
	out[hl] = '.';
	o = hl + 1 + enc_b64url((const unsigned char *)claims, clen, out + hl + 1);
	crypto_hmac_sha256(key, klen, out, o, mac);
	out[o++] = '.';
	enc_b64url(mac, sizeof(mac), out + o);
	return 0;
}

/* Decode one base64url part into the arena and parse it as a JSON object. */
static const struct json *part_json(struct arena *a, const char *p, size_t len)
{
	unsigned char *raw = arena_alloc(a, len * 3 / 4 + 4);
	long n = enc_b64url_decode(p, len, raw);
	struct json *v;
	const char *err;

	if (n <= 0)
		return NULL;
	if (json_parse(a, (const char *)raw, (size_t)n, &v, &err) < 0)
		return NULL;
	return v->type == JSON_OBJECT ? v : NULL;
}

enum jwt_result jwt_verify(struct arena *a, const void *key, size_t klen, const char *token,
			   size_t tlen, int64_t now, const struct json **claims)
{
	const char *dot1, *dot2;
	const struct json *hdr, *payload, *alg, *typ, *exp, *nbf;
	unsigned char mac[CRYPTO_SHA256_LEN], got[48];
	long glen;
	long long t;

	*claims = NULL;
	if (tlen == 0 || tlen > JWT_MAX_LEN)
		return JWT_MALFORMED;
	dot1 = memchr(token, '.', tlen);
	if (dot1 == NULL)
		return JWT_MALFORMED;
	dot2 = memchr(dot1 + 1, '.', tlen - (size_t)(dot1 + 1 - token));
	if (dot2 == NULL || memchr(dot2 + 1, '.', tlen - (size_t)(dot2 + 1 - token)) != NULL)
		return JWT_MALFORMED;

	hdr = part_json(a, token, (size_t)(dot1 - token));
	if (hdr == NULL)
		return JWT_MALFORMED;
	alg = json_get(hdr, "alg");
	if (alg == NULL || alg->type != JSON_STRING || strcmp(alg->s, "HS256") != 0 ||
	    json_get(hdr, "crit") != NULL)
		return JWT_BAD_ALG;
	typ = json_get(hdr, "typ");
	if (typ != NULL && (typ->type != JSON_STRING || strcmp(typ->s, "JWT") != 0))
		return JWT_MALFORMED;

	/* The signature part of HS256 is exactly 43 base64url characters. */
	if (tlen - (size_t)(dot2 + 1 - token) != 43)
		return JWT_BAD_MAC;
	glen = enc_b64url_decode(dot2 + 1, 43, got);
	if (glen != CRYPTO_SHA256_LEN)
		return JWT_BAD_MAC;
	crypto_hmac_sha256(key, klen, token, (size_t)(dot2 - token), mac);
	if (!crypto_eq(mac, sizeof(mac), got, (size_t)glen))
		return JWT_BAD_MAC;

	payload = part_json(a, dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (payload == NULL)
		return JWT_MALFORMED;
	exp = json_get(payload, "exp");
	if (exp == NULL || json_int(exp, &t) < 0 || t <= now)
		return JWT_EXPIRED;
	nbf = json_get(payload, "nbf");
	if (nbf != NULL && (json_int(nbf, &t) < 0 || t > now))
		return JWT_EXPIRED;
	*claims = payload;
	return JWT_OK;
}
