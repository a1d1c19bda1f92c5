/*
 * upstream/twilio_sign.c: Twilio's published signature vectors, and what
 * the check refuses.
 */
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/kv.h"
#include "suites.h"
#include "test.h"
#include "upstream/twilio_sign.h"

static const char url[] = "https://mycompany.com/myapp.php?foo=1&bar=2";
static const char url443[] = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
static const char form[] = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%"
			   "2B14158675309&To=%2B18005551212";

static void parse(struct arena *a, const char *s, struct kvs *k)
{
	const char *err;

	arena_init(a, 4096, 1 << 20);
	CU_ASSERT_EQUAL_FATAL(kv_parse(a, s, strlen(s), k, &err), 0);
}

static void twilio_base_vector(void)
{
	struct arena a;
	struct kvs k;
	char sig[TWILIO_SIGN_LEN + 1];

	parse(&a, form, &k);
	twilio_sign_compute("12345", url, &k, &a, sig);
	ASSERT_STR(sig, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
	arena_free(&a);
}

static void twilio_port_vector(void)
{
	struct arena a;
	struct kvs k;
	char sig[TWILIO_SIGN_LEN + 1];

	parse(&a, form, &k);
	twilio_sign_compute("12345", url443, &k, &a, sig);
	ASSERT_STR(sig, "kvajT1Ptam85bY51eRf/AJRuM3w=");
	arena_free(&a);
}

static void twilio_repeated_fields_vector(void)
{
	struct arena a;
	struct kvs k;
	char sig[TWILIO_SIGN_LEN + 1];

	parse(&a, "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234", &k);
	twilio_sign_compute("12345", url, &k, &a, sig);
	ASSERT_STR(sig, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
	arena_free(&a);
}

static void twilio_accepts_with_or_without_default_port(void)
{
	struct arena a;
	struct kvs k;

	parse(&a, form, &k);
	/* Configured without a port, signed with :443; and the reverse. */
	CU_ASSERT_TRUE(twilio_sign_valid("12345", url, &k, "kvajT1Ptam85bY51eRf/AJRuM3w=", &a));
	CU_ASSERT_TRUE(twilio_sign_valid("12345", url443, &k, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &a));
	CU_ASSERT_TRUE(twilio_sign_valid("12345", url, &k, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &a));
	arena_free(&a);
}

static void twilio_rejects_tampering(void)
{
	struct arena a;
	struct kvs k;

	parse(&a,
	      "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1235&From=%2B14158675309"
	      "&To=%2B18005551212",
	      &k);
	CU_ASSERT_FALSE(twilio_sign_valid("12345", url, &k, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &a));
	arena_free(&a);
	parse(&a, form, &k);
	CU_ASSERT_FALSE(twilio_sign_valid("54321", url, &k, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &a));
	CU_ASSERT_FALSE(twilio_sign_valid("12345",
					  "https://mycompany.com:8443/myapp.php?foo=1&bar=2", &k,
					  "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &a));
	CU_ASSERT_FALSE(twilio_sign_valid("12345", url, &k, "", &a));
	arena_free(&a);
}

static void twilio_rejects_extra_field(void)
{
	struct arena a;
	struct kvs k;
	char f[512];

	snprintf(f, sizeof(f), "%s&Extra=1", form);
	parse(&a, f, &k);
	CU_ASSERT_FALSE(twilio_sign_valid("12345", url, &k, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &a));
	arena_free(&a);
}

static const struct test_case tests[] = {
	{"Twilio vector: base case", twilio_base_vector},
	{"Twilio vector: URL with :443", twilio_port_vector},
	{"Twilio vector: repeated fields sorted, duplicates once", twilio_repeated_fields_vector},
	{"Twilio signature valid with or without the default port",
	 twilio_accepts_with_or_without_default_port},
	{"Twilio signature rejects a changed field, token, port or empty signature",
	 twilio_rejects_tampering},
	{"Twilio signature rejects an added field", twilio_rejects_extra_field},
	{NULL, NULL},
};

void suite_twilio_sign(void)
{
	test_add_suite("twilio_sign", tests);
}
