/*
 * jwt.c: HS256 only, exp required, MAC checked in constant time.
 */
#include <string.h>

#include "lib/arena.h"
#include "lib/enc.h"
#include "lib/jwt.h"
#include "suites.h"
#include "test.h"

/* RFC 7515 appendix A.1: an HS256 JWS whose payload expired in 2011. */
static const char rfc_token[] = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
				".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtc"
				"GxlLmNvbS9pc19yb290Ijp0cnVlfQ"
				".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char rfc_key_b64[] =
	"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

static const char key[] = "0123456789abcdef0123456789abcdef-test-key";

static enum jwt_result verify(const char *tok, const void *k, size_t kl, long long now)
{
	struct arena a;
	const struct json *claims;
	enum jwt_result r;

	arena_init(&a, 4096, 1 << 20);
	r = jwt_verify(&a, k, kl, tok, strlen(tok), now, &claims);
	arena_free(&a);
	return r;
}

static size_t rfc_key(unsigned char *out)
{
	return (size_t)enc_b64url_decode(rfc_key_b64, strlen(rfc_key_b64), out);
}

static void rfc_token_mac_is_valid_before_exp(void)
{
	unsigned char k[80];
	size_t kl = rfc_key(k);

	CU_ASSERT_EQUAL(kl, 64);
	CU_ASSERT_EQUAL(verify(rfc_token, k, kl, 1300819379), JWT_OK);
}

static void rfc_token_is_rejected_as_expired(void)
{
	unsigned char k[80];
	size_t kl = rfc_key(k);

	CU_ASSERT_EQUAL(verify(rfc_token, k, kl, 1700000000), JWT_EXPIRED);
}

static void rfc_token_with_wrong_key_has_bad_mac(void)
{
	CU_ASSERT_EQUAL(verify(rfc_token, key, strlen(key), 1300819379), JWT_BAD_MAC);
}

static void sign_then_verify(void)
{
	char tok[512];
	static const char claims[] = "{\"uid\":1,\"exp\":2000000000}";

	CU_ASSERT_EQUAL_FATAL(jwt_sign(key, strlen(key), claims, strlen(claims), tok, sizeof(tok)),
			      0);
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1900000000), JWT_OK);
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 2000000000), JWT_EXPIRED);
}

/* A token with the given header and payload JSON and a signature part. */
static void make(char *out, size_t n, const char *hdr, const char *payload, const char *sig)
{
	char h[256], p[256];

	enc_b64url((const unsigned char *)hdr, strlen(hdr), h);
	enc_b64url((const unsigned char *)payload, strlen(payload), p);
	snprintf(out, n, "%s.%s.%s", h, p, sig);
}

static void rejects_alg_none(void)
{
	char tok[1024];

	make(tok, sizeof(tok), "{\"alg\":\"none\",\"typ\":\"JWT\"}",
	     "{\"uid\":1,\"exp\":2000000000}", "");
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1), JWT_BAD_ALG);
}

static void rejects_hs512(void)
{
	char tok[1024];

	make(tok, sizeof(tok), "{\"alg\":\"HS512\"}", "{\"uid\":1,\"exp\":2000000000}",
	     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1), JWT_BAD_ALG);
}

static void rejects_missing_alg(void)
{
	char tok[1024];

	make(tok, sizeof(tok), "{\"typ\":\"JWT\"}", "{\"exp\":2000000000}", "x");
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1), JWT_BAD_ALG);
}

static void rejects_bad_base64url(void)
{
	char tok[512];
	static const char claims[] = "{\"uid\":1,\"exp\":2000000000}";

	jwt_sign(key, strlen(key), claims, strlen(claims), tok, sizeof(tok));
	tok[3] = '+'; /* not in the base64url alphabet */
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1), JWT_MALFORMED);
}

static void rejects_missing_part(void)
{
	char tok[512];
	static const char claims[] = "{\"uid\":1,\"exp\":2000000000}";

	jwt_sign(key, strlen(key), claims, strlen(claims), tok, sizeof(tok));
	*strrchr(tok, '.') = '\0';
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1), JWT_MALFORMED);
	CU_ASSERT_EQUAL(verify("abc", key, strlen(key), 1), JWT_MALFORMED);
	CU_ASSERT_EQUAL(verify("a.b.c.d", key, strlen(key), 1), JWT_MALFORMED);
}

static void rejects_tampered_payload(void)
{
	char tok[512], forged[512], p[256];
	static const char claims[] = "{\"uid\":1,\"exp\":2000000000}";
	static const char evil[] = "{\"uid\":2,\"exp\":2000000000}";
	char *d1, *d2;

	jwt_sign(key, strlen(key), claims, strlen(claims), tok, sizeof(tok));
	d1 = strchr(tok, '.');
	d2 = strrchr(tok, '.');
	enc_b64url((const unsigned char *)evil, strlen(evil), p);
	snprintf(forged, sizeof(forged), "%.*s.%s%s", (int)(d1 - tok), tok, p, d2);
	CU_ASSERT_EQUAL(verify(forged, key, strlen(key), 1), JWT_BAD_MAC);
}

static void rejects_missing_exp(void)
{
	char tok[512];
	static const char claims[] = "{\"uid\":1}";

	jwt_sign(key, strlen(key), claims, strlen(claims), tok, sizeof(tok));
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1), JWT_EXPIRED);
}

static void rejects_future_nbf(void)
{
	char tok[512];
	static const char claims[] = "{\"uid\":1,\"exp\":2000000000,\"nbf\":1950000000}";

	jwt_sign(key, strlen(key), claims, strlen(claims), tok, sizeof(tok));
	CU_ASSERT_EQUAL(verify(tok, key, strlen(key), 1900000000), JWT_EXPIRED);
}

static const struct test_case tests[] = {
	{"RFC 7515 A.1 token has a valid MAC under its key", rfc_token_mac_is_valid_before_exp},
	{"RFC 7515 A.1 token is rejected as expired", rfc_token_is_rejected_as_expired},
	{"RFC 7515 A.1 token under another key has a bad MAC",
	 rfc_token_with_wrong_key_has_bad_mac},
	{"a signed token verifies until exp", sign_then_verify},
	{"alg none is rejected", rejects_alg_none},
	{"HS512 is rejected", rejects_hs512},
	{"a header without alg is rejected", rejects_missing_alg},
	{"bad base64url is rejected", rejects_bad_base64url},
	{"a missing or extra part is rejected", rejects_missing_part},
	{"a tampered payload is rejected", rejects_tampered_payload},
	{"a token without exp is rejected", rejects_missing_exp},
	{"a token before its nbf is rejected", rejects_future_nbf},
	{NULL, NULL},
};

void suite_jwt(void)
{
	test_add_suite("jwt", tests);
}
