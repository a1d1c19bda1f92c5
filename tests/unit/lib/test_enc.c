/*
 * enc.c: hex, base64 and base64url, strict decoding.
 */
#include <string.h>

#include "lib/enc.h"
#include "suites.h"
#include "test.h"

static void b64_rfc4648_vectors(void)
{
	static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *want[] = {"",	 "Zg==",     "Zm8=",	"Zm9v",
				     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	char out[32];
	unsigned char back[32];
	size_t i;

	for (i = 0; i < 7; i++) {
		enc_b64((const unsigned char *)in[i], strlen(in[i]), out);
		ASSERT_STR(out, want[i]);
		CU_ASSERT_EQUAL(enc_b64_decode(out, strlen(out), back), (long)strlen(in[i]));
		CU_ASSERT_EQUAL(memcmp(back, in[i], strlen(in[i])), 0);
	}
}

static void b64url_has_no_padding(void)
{
	char out[32];
	static const unsigned char in[] = {0xfb, 0xff};

	enc_b64url(in, 2, out);
	ASSERT_STR(out, "-_8");
}

static void decoders_are_strict(void)
{
	unsigned char out[32];

	CU_ASSERT_EQUAL(enc_b64_decode("Zg=", 3, out), -1);	/* bad length */
	CU_ASSERT_EQUAL(enc_b64_decode("Zh==", 4, out), -1);	/* non-zero trailing bits */
	CU_ASSERT_EQUAL(enc_b64_decode("Z-==", 4, out), -1);	/* url alphabet in std */
	CU_ASSERT_EQUAL(enc_b64url_decode("Zg==", 4, out), -1); /* padding in url */
	CU_ASSERT_EQUAL(enc_b64url_decode("Z", 1, out), -1);
	CU_ASSERT_EQUAL(enc_b64url_decode("Zg", 2, out), 1);
}

static void hex_is_lowercase(void)
{
	char out[9];
	static const unsigned char in[] = {0xde, 0xad, 0xBE, 0xef};

	enc_hex(in, 4, out);
	ASSERT_STR(out, "deadbeef");
}

static const struct test_case tests[] = {
	{"base64 RFC 4648 vectors round-trip", b64_rfc4648_vectors},
	{"base64url uses -_ and no padding", b64url_has_no_padding},
	{"decoders reject non-canonical input", decoders_are_strict},
	{"hex is lowercase", hex_is_lowercase},
	{NULL, NULL},
};

void suite_enc(void)
{
	test_add_suite("enc", tests);
}
