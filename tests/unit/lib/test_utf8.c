/*
 * utf8.c: strict validation, counting, and cleaning outside text.
 */
#include <string.h>

#include "suites.h"
#include "test.h"
#include "lib/utf8.h"

static void rejects_overlong_surrogates_and_out_of_range(void)
{
	CU_ASSERT_TRUE(utf8_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11));
	CU_ASSERT_FALSE(utf8_valid("\xc0\xaf", 2));	    /* overlong '/' */
	CU_ASSERT_FALSE(utf8_valid("\xed\xa0\x80", 3));	    /* U+D800 */
	CU_ASSERT_FALSE(utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
	CU_ASSERT_FALSE(utf8_valid("\xc3", 1));		    /* truncated */
	CU_ASSERT_EQUAL(utf8_count("h\xc3\xa9llo", 6), 5);
}

static void clean_replaces_each_bad_byte(void)
{
	char out[16];

	CU_ASSERT_EQUAL(utf8_clean(out,
				   "a\xff"
				   "b\xc3",
				   4, 100),
			4);
	CU_ASSERT_STRING_EQUAL(out, "a?b?");
	CU_ASSERT_EQUAL(utf8_clean(out, "x\0y", 3, 100), 3);
	CU_ASSERT_STRING_EQUAL(out, "x?y");
	CU_ASSERT_TRUE(utf8_valid(out, strlen(out)));
}

static void clean_cuts_at_whole_characters(void)
{
	char out[16];

	/* Three characters of "é€😀": 2 + 3 + 4 bytes, never half of one. */
	CU_ASSERT_EQUAL(utf8_clean(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80!", 10, 3), 9);
	CU_ASSERT_EQUAL(memcmp(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9), 0);
	CU_ASSERT_EQUAL(utf8_clean(out, "abc", 3, 0), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static const struct test_case tests[] = {
	{"rejects overlong forms, surrogates, out of range, truncation",
	 rejects_overlong_surrogates_and_out_of_range},
	{"clean: each bad byte and NUL becomes '?'", clean_replaces_each_bad_byte},
	{"clean: cuts at max whole characters", clean_cuts_at_whole_characters},
	{NULL, NULL},
};

void suite_utf8(void)
{
	test_add_suite("utf8", tests);
}
