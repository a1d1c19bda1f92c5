/*
 * lib/sign.c: the Standard Webhooks vector and X-Ibiki-Signature.
 */
#include <string.h>

#include "lib/sign.h"
#include "suites.h"
#include "test.h"

static void standard_webhooks_vector(void)
{
	unsigned char key[256];
	size_t kl = sign_standard_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", key);
	char out[64];
	static const char body[] = "{\"test\": 2432232314}";

	sign_standard(key, kl, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, strlen(body), out,
		      sizeof(out));
	ASSERT_STR(out, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

static void standard_key_without_prefix_is_raw(void)
{
	unsigned char key[256];

	CU_ASSERT_EQUAL(sign_standard_key("plain-secret-123", key), 16);
	CU_ASSERT_EQUAL(memcmp(key, "plain-secret-123", 16), 0);
}

static void ibiki_signature_is_hex_hmac_sha256(void)
{
	char out[65];
	static const char data[] = "what do ya want for nothing?";

	sign_ibiki("Jefe", 4, data, strlen(data), out);
	ASSERT_STR(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static const struct test_case tests[] = {
	{"Standard Webhooks published vector", standard_webhooks_vector},
	{"Standard Webhooks key without whsec_ is the raw secret",
	 standard_key_without_prefix_is_raw},
	{"X-Ibiki-Signature is lowercase hex HMAC-SHA256", ibiki_signature_is_hex_hmac_sha256},
	{NULL, NULL},
};

void suite_sign(void)
{
	test_add_suite("sign", tests);
}
