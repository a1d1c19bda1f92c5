/*
 * kv.c: form and query-string parsing.
 */
#include <string.h>

#include "lib/arena.h"
#include "lib/kv.h"
#include "suites.h"
#include "test.h"

static int parse(const char *s, struct kvs *k, struct arena *a)
{
	const char *err;

	return kv_parse(a, s, strlen(s), k, &err);
}

static void decodes_pairs(void)
{
	struct arena a;
	struct kvs k;
	size_t n;

	arena_init(&a, 4096, 1 << 20);
	CU_ASSERT_EQUAL_FATAL(parse("From=%2B1202&Body=Hello+world%21&Empty=&Flag", &k, &a), 0);
	CU_ASSERT_EQUAL(k.n, 4);
	ASSERT_STR(kv_get(&k, "From", NULL)->value, "+1202");
	ASSERT_STR(kv_get(&k, "Body", NULL)->value, "Hello world!");
	ASSERT_STR(kv_get(&k, "Empty", NULL)->value, "");
	ASSERT_STR(kv_get(&k, "Flag", &n)->value, "");
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_NULL(kv_get(&k, "Missing", NULL));
	arena_free(&a);
}

static void counts_repeats(void)
{
	struct arena a;
	struct kvs k;
	size_t n;

	arena_init(&a, 4096, 1 << 20);
	CU_ASSERT_EQUAL_FATAL(parse("a=1&&a=2&b=3&", &k, &a), 0);
	ASSERT_STR(kv_get(&k, "a", &n)->value, "1");
	CU_ASSERT_EQUAL(n, 2);
	arena_free(&a);
}

static void utf8_round_trips(void)
{
	struct arena a;
	struct kvs k;

	arena_init(&a, 4096, 1 << 20);
	CU_ASSERT_EQUAL_FATAL(parse("Body=%F0%9F%98%80+caf%C3%A9", &k, &a), 0);
	ASSERT_STR(kv_get(&k, "Body", NULL)->value, "\xf0\x9f\x98\x80 caf\xc3\xa9");
	arena_free(&a);
}

static void rejects_bad_input(void)
{
	struct arena a;
	struct kvs k;

	arena_init(&a, 4096, 1 << 20);
	CU_ASSERT_EQUAL(parse("a=%zz", &k, &a), -1);
	CU_ASSERT_EQUAL(parse("a=%4", &k, &a), -1);
	CU_ASSERT_EQUAL(parse("a=%00", &k, &a), -1);
	CU_ASSERT_EQUAL(parse("a=%FF", &k, &a), -1);
	CU_ASSERT_EQUAL(parse("a=%ED%A0%80", &k, &a), -1);
	arena_free(&a);
}

static void rejects_too_many_pairs(void)
{
	struct arena a;
	struct kvs k;
	char s[2000];
	int i, o = 0;

	for (i = 0; i < 300; i++)
		o += snprintf(s + o, sizeof(s) - (size_t)o, "a&");
	arena_init(&a, 4096, 1 << 20);
	CU_ASSERT_EQUAL(parse(s, &k, &a), -1);
	arena_free(&a);
}

static const struct test_case tests[] = {
	{"decodes names and values, + as space", decodes_pairs},
	{"counts repeated names, skips empty pairs", counts_repeats},
	{"percent-encoded UTF-8 round-trips", utf8_round_trips},
	{"rejects bad escapes, NUL and invalid UTF-8", rejects_bad_input},
	{"rejects more than KV_MAX_PAIRS pairs", rejects_too_many_pairs},
	{NULL, NULL},
};

void suite_kv(void)
{
	test_add_suite("kv", tests);
}
