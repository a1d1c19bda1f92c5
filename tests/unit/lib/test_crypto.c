/*
 * crypto.c: published vectors for PBKDF2-HMAC-SHA256 (RFC 7914 section 11)
 * and HMAC-SHA256 (RFC 4231 case 2); password hashing round trip.
 */
#include <string.h>

#include "lib/crypto.h"
#include "lib/enc.h"
#include "suites.h"
#include "test.h"

static void hex_of(const unsigned char *p, size_t n, char *out)
{
	enc_hex(p, n, out);
}

static void pbkdf2_rfc7914_c1(void)
{
	unsigned char dk[64];
	char hex[129];

	CU_ASSERT_EQUAL_FATAL(crypto_pbkdf2_sha256("passwd", 6, (const unsigned char *)"salt", 4, 1,
						   dk, sizeof(dk)),
			      0);
	hex_of(dk, sizeof(dk), hex);
	ASSERT_STR(hex, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
			"49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

static void pbkdf2_rfc7914_c80000(void)
{
	unsigned char dk[64];
	char hex[129];

	CU_ASSERT_EQUAL_FATAL(crypto_pbkdf2_sha256("Password", 8, (const unsigned char *)"NaCl", 4,
						   80000, dk, sizeof(dk)),
			      0);
	hex_of(dk, sizeof(dk), hex);
	ASSERT_STR(hex, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
			"a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

static void hmac_sha256_rfc4231_case2(void)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	char hex[65];
	static const char data[] = "what do ya want for nothing?";

	crypto_hmac_sha256("Jefe", 4, data, strlen(data), mac);
	hex_of(mac, sizeof(mac), hex);
	ASSERT_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void password_round_trip(void)
{
	char h[CRYPTO_PASSWORD_HASH_MAX];

	CU_ASSERT_EQUAL_FATAL(crypto_password_hash("correct horse battery", 21, h), 0);
	CU_ASSERT_EQUAL(strncmp(h, "pbkdf2-sha256$600000$", 21), 0);
	CU_ASSERT_TRUE(crypto_password_verify("correct horse battery", 21, h));
	CU_ASSERT_FALSE(crypto_password_verify("correct horse batterY", 21, h));
}

static void password_salts_differ(void)
{
	char h1[CRYPTO_PASSWORD_HASH_MAX], h2[CRYPTO_PASSWORD_HASH_MAX];

	crypto_password_hash("same password!", 14, h1);
	crypto_password_hash("same password!", 14, h2);
	CU_ASSERT_STRING_NOT_EQUAL(h1, h2);
}

static void password_rejects_malformed_hash(void)
{
	CU_ASSERT_FALSE(crypto_password_verify("x", 1, "plain"));
	CU_ASSERT_FALSE(crypto_password_verify("x", 1, "pbkdf2-sha256$1$AAAA$AAAA"));
	CU_ASSERT_FALSE(crypto_password_verify("x", 1, "pbkdf2-sha256$600000$!!$AAAA"));
	CU_ASSERT_FALSE(crypto_password_verify("x", 1, NULL));
}

static void eq_is_length_aware(void)
{
	CU_ASSERT_TRUE(crypto_eq("abc", 3, "abc", 3));
	CU_ASSERT_FALSE(crypto_eq("abc", 3, "abd", 3));
	CU_ASSERT_FALSE(crypto_eq("abc", 3, "abcd", 4));
}

static const struct test_case tests[] = {
	{"PBKDF2-HMAC-SHA256 RFC 7914 vector, c=1", pbkdf2_rfc7914_c1},
	{"PBKDF2-HMAC-SHA256 RFC 7914 vector, c=80000", pbkdf2_rfc7914_c80000},
	{"HMAC-SHA256 RFC 4231 case 2", hmac_sha256_rfc4231_case2},
	{"a password verifies against its hash, a wrong one does not", password_round_trip},
	{"two hashes of one password differ (salt)", password_salts_differ},
	{"a malformed stored hash never verifies", password_rejects_malformed_hash},
	{"constant-time equality compares lengths", eq_is_length_aware},
	{NULL, NULL},
};

void suite_crypto(void)
{
	test_add_suite("crypto", tests);
}
