/*
 * json.c and jsonw.c: the strict reader rejects what DESIGN "Parsing rules"
 * lists, accepts what JSON allows; the writer escapes correctly.
 */
#include <stdlib.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/jsonw.h"
#include "suites.h"
#include "test.h"

static struct arena a;

static int parses(const char *s, size_t n)
{
	struct json *v;
	const char *err;

	arena_init(&a, 4096, 1 << 24);
	int ok = json_parse(&a, s, n, &v, &err) == 0;
	arena_free(&a);
	return ok;
}

#define OK(lit)	 CU_ASSERT_TRUE(parses(lit, sizeof(lit) - 1))
#define BAD(lit) CU_ASSERT_FALSE(parses(lit, sizeof(lit) - 1))

static void accepts_plain_object(void)
{
	OK("{\"a\":1,\"b\":\"x\",\"c\":[true,false,null],\"d\":{}}");
}
static void accepts_surrogate_pair(void)
{
	OK("{\"e\":\"\\ud83d\\ude00\"}");
}
static void accepts_raw_utf8(void)
{
	OK("{\"e\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}");
}
static void rejects_duplicate_key(void)
{
	BAD("{\"a\":1,\"a\":2}");
}
static void rejects_duplicate_key_nested(void)
{
	BAD("{\"o\":{\"k\":1,\"k\":1}}");
}
/* 6,500 keys (a 64 KB body's worth): the check is a sort per object, not
 * a scan per key, so the large case is as plain as the small one; a
 * duplicate anywhere among them is still found, first or last. */
static void many_keys_are_checked_whole(void)
{
	struct buf b;
	struct json *j;
	const char *err;
	int i, dup;

	for (dup = -1; dup <= 1; dup++) {
		arena_init(&a, 4096, 1 << 24);
		buf_init(&b, 1 << 20);
		buf_add(&b, "{", 1);
		for (i = 0; i < 6500; i++)
			buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
		if (dup == 0)
			buf_printf(&b, ",\"k0\":0");
		if (dup == 1)
			buf_printf(&b, ",\"k6499\":0");
		buf_add(&b, "}", 1);
		CU_ASSERT_EQUAL(json_parse(&a, b.p, b.len, &j, &err), dup < 0 ? 0 : -1);
		if (dup < 0) {
			CU_ASSERT_EQUAL(j->n, 6500);
		} else {
			ASSERT_STR(err, "duplicate key in JSON object");
		}
		buf_free(&b);
		arena_free(&a);
	}
}
static void allows_same_key_in_sibling_objects(void)
{
	OK("[{\"k\":1},{\"k\":2}]");
}
static void rejects_line_comment(void)
{
	BAD("{\"a\":1 // c\n}");
}
static void rejects_block_comment(void)
{
	BAD("{/* c */\"a\":1}");
}
static void rejects_raw_nul(void)
{
	BAD("{\"a\":\"x\0y\"}");
}
static void rejects_escaped_nul(void)
{
	BAD("{\"a\":\"x\\u0000y\"}");
}
static void rejects_invalid_utf8(void)
{
	BAD("{\"a\":\"\xff\"}");
}
static void rejects_overlong_utf8(void)
{
	BAD("{\"a\":\"\xc0\xaf\"}");
}
static void rejects_encoded_surrogate(void)
{
	BAD("{\"a\":\"\xed\xa0\x80\"}");
}
static void rejects_lone_high_surrogate(void)
{
	BAD("{\"a\":\"\\ud83d\"}");
}
static void rejects_lone_low_surrogate(void)
{
	BAD("{\"a\":\"\\ude00\"}");
}
static void rejects_reversed_surrogates(void)
{
	BAD("{\"a\":\"\\ude00\\ud83d\"}");
}
static void rejects_high_then_non_surrogate(void)
{
	BAD("{\"a\":\"\\ud83d\\u0041\"}");
}
static void rejects_trailing_garbage(void)
{
	BAD("{\"a\":1} x");
}
static void rejects_two_values(void)
{
	BAD("{} {}");
}
static void rejects_truncated(void)
{
	BAD("{\"a\":");
}
static void rejects_single_quotes(void)
{
	BAD("{'a':1}");
}
static void rejects_trailing_comma(void)
{
	BAD("{\"a\":1,}");
}
static void rejects_empty(void)
{
	BAD("");
}

static void rejects_deep_nesting(void)
{
	char s[200];
	int i;

	for (i = 0; i < 40; i++)
		s[i] = '[';
	for (i = 0; i < 40; i++)
		s[40 + i] = ']';
	CU_ASSERT_FALSE(parses(s, 80));
	/* 32 levels are fine */
	CU_ASSERT_TRUE(parses(s + 8, 64));
}

static void rejects_too_many_values(void)
{
	size_t n = JSON_MAX_NODES + 10, i, o = 0;
	char *s = malloc(n * 2 + 4);

	s[o++] = '[';
	for (i = 0; i < n; i++) {
		s[o++] = '1';
		s[o++] = ',';
	}
	s[o - 1] = ']';
	CU_ASSERT_FALSE(parses(s, o));
	free(s);
}

static void reads_values(void)
{
	struct json *v;
	const char *err;
	long long i;
	static const char doc[] = "{\"s\":\"h\\u00e9\\n\",\"n\":-42,\"f\":1.5,\"b\":true}";

	arena_init(&a, 4096, 1 << 24);
	CU_ASSERT_EQUAL_FATAL(json_parse(&a, doc, sizeof(doc) - 1, &v, &err), 0);
	ASSERT_STR(json_get(v, "s")->s, "h\xc3\xa9\n");
	CU_ASSERT_EQUAL(json_int(json_get(v, "n"), &i), 0);
	CU_ASSERT_EQUAL(i, -42);
	CU_ASSERT_EQUAL(json_int(json_get(v, "f"), &i), -1);
	CU_ASSERT_TRUE(json_get(v, "b")->b);
	CU_ASSERT_PTR_NULL(json_get(v, "missing"));
	arena_free(&a);
}

static void writer_escapes(void)
{
	struct buf b;
	struct jsonw w;

	buf_init(&b, 1024);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "q", "a\"b\\c\n\x01");
	jsonw_kstrn(&w, "bad", "x\xffy", 3);
	jsonw_key(&w, "arr");
	jsonw_arr(&w);
	jsonw_int(&w, 1);
	jsonw_bool(&w, false);
	jsonw_null(&w);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	CU_ASSERT_FALSE(jsonw_failed(&w));
	ASSERT_STR(b.p, "{\"q\":\"a\\\"b\\\\c\\n\\u0001\",\"bad\":\"x\xef\xbf\xbdy\","
			"\"arr\":[1,false,null]}");
	buf_free(&b);
}

static void writer_fails_at_ceiling(void)
{
	struct buf b;
	struct jsonw w;

	buf_init(&b, 8);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "long", "more than eight bytes");
	CU_ASSERT_TRUE(jsonw_failed(&w));
	buf_free(&b);
}

static const struct test_case tests[] = {
	{"accepts a plain object", accepts_plain_object},
	{"accepts an escaped surrogate pair", accepts_surrogate_pair},
	{"accepts raw UTF-8", accepts_raw_utf8},
	{"rejects a duplicate key", rejects_duplicate_key},
	{"rejects a duplicate key in a nested object", rejects_duplicate_key_nested},
	{"6,500 keys are checked, a duplicate among them found", many_keys_are_checked_whole},
	{"allows the same key in sibling objects", allows_same_key_in_sibling_objects},
	{"rejects // comments", rejects_line_comment},
	{"rejects /* */ comments", rejects_block_comment},
	{"rejects a raw NUL byte", rejects_raw_nul},
	{"rejects \\u0000", rejects_escaped_nul},
	{"rejects invalid UTF-8", rejects_invalid_utf8},
	{"rejects overlong UTF-8", rejects_overlong_utf8},
	{"rejects a UTF-8-encoded surrogate", rejects_encoded_surrogate},
	{"rejects a lone high surrogate escape", rejects_lone_high_surrogate},
	{"rejects a lone low surrogate escape", rejects_lone_low_surrogate},
	{"rejects reversed surrogate escapes", rejects_reversed_surrogates},
	{"rejects a high surrogate before a non-surrogate", rejects_high_then_non_surrogate},
	{"rejects trailing garbage", rejects_trailing_garbage},
	{"rejects two top-level values", rejects_two_values},
	{"rejects a truncated document", rejects_truncated},
	{"rejects single quotes", rejects_single_quotes},
	{"rejects a trailing comma", rejects_trailing_comma},
	{"rejects an empty document", rejects_empty},
	{"rejects nesting deeper than 32", rejects_deep_nesting},
	{"rejects more than JSON_MAX_NODES values", rejects_too_many_values},
	{"reads strings, integers, booleans", reads_values},
	{"writer escapes quotes, controls and bad bytes", writer_escapes},
	{"writer fails at the buffer ceiling", writer_fails_at_ceiling},
	{NULL, NULL},
};

void suite_json(void)
{
	test_add_suite("json", tests);
}
