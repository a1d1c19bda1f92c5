/*
 * sms.c: E.164, message length, segments and encoding at the boundaries.
 */
#include <stdlib.h>
#include <string.h>

#include "svc/sms.h"
#include "suites.h"
#include "test.h"

static void e164(void)
{
	CU_ASSERT_TRUE(sms_e164("+12025551234", 12));
	CU_ASSERT_TRUE(sms_e164("+44", 3));
	CU_ASSERT_TRUE(sms_e164("+123456789012345", 16));
	CU_ASSERT_FALSE(sms_e164("+1234567890123456", 17)); /* 16 digits */
	CU_ASSERT_FALSE(sms_e164("12025551234", 11));
	CU_ASSERT_FALSE(sms_e164("+02025551234", 12));
	CU_ASSERT_FALSE(sms_e164("+1", 2));
	CU_ASSERT_FALSE(sms_e164("+1202555123a", 12));
	CU_ASSERT_FALSE(sms_e164("+1 202 555", 10));
	CU_ASSERT_FALSE(sms_e164("", 0));
}

/* n copies of the UTF-8 string unit. */
static char *rep(const char *unit, size_t n)
{
	size_t ul = strlen(unit), i;
	char *s = malloc(ul * n + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * n] = '\0';
	return s;
}

static struct sms_parts count(const char *unit, size_t n)
{
	struct sms_parts p;
	char *s = rep(unit, n);

	sms_count(s, strlen(s), &p);
	free(s);
	return p;
}

static void gsm_single_part_boundary(void)
{
	struct sms_parts p = count("a", 160);

	CU_ASSERT_EQUAL(p.encoding, SMS_GSM7);
	CU_ASSERT_EQUAL(p.segments, 1);
	p = count("a", 161);
	CU_ASSERT_EQUAL(p.segments, 2);
}

static void gsm_multipart_153(void)
{
	CU_ASSERT_EQUAL(count("a", 306).segments, 2);
	CU_ASSERT_EQUAL(count("a", 307).segments, 3);
	CU_ASSERT_EQUAL(count("a", 459).segments, 3);
	CU_ASSERT_EQUAL(count("a", 460).segments, 4);
}

static void gsm_extension_counts_twice(void)
{
	struct sms_parts p = count("\xe2\x82\xac", 80); /* euro sign */

	CU_ASSERT_EQUAL(p.encoding, SMS_GSM7);
	CU_ASSERT_EQUAL(p.units, 160);
	CU_ASSERT_EQUAL(p.segments, 1);
	CU_ASSERT_EQUAL(count("\xe2\x82\xac", 81).segments, 2);
	p = count("^{}[~]|\\", 1);
	CU_ASSERT_EQUAL(p.encoding, SMS_GSM7);
	CU_ASSERT_EQUAL(p.units, 16);
}

static void gsm_escape_not_split(void)
{
	/* 152 letters, "{" (escape + brace), 152 letters: 306 septets, which
	 * would fill exactly two parts of 153 if the pair could straddle the
	 * split.  It cannot: part 1 holds 152, so three parts are needed. */
	char s[400];
	struct sms_parts p;

	memset(s, 'a', 152);
	s[152] = '{';
	memset(s + 153, 'a', 152);
	s[305] = '\0';
	sms_count(s, strlen(s), &p);
	CU_ASSERT_EQUAL(p.units, 306);
	CU_ASSERT_EQUAL(p.segments, 3);
	/* Without the brace straddling the split, 306 septets are two parts. */
	memset(s, 'a', 304);
	s[304] = '{';
	s[305] = '\0';
	sms_count(s, strlen(s), &p);
	CU_ASSERT_EQUAL(p.units, 306);
	CU_ASSERT_EQUAL(p.segments, 2);
}

static void ucs2_boundaries(void)
{
	struct sms_parts p = count("\xd0\x96", 70); /* Cyrillic Zhe */

	CU_ASSERT_EQUAL(p.encoding, SMS_UCS2);
	CU_ASSERT_EQUAL(p.segments, 1);
	CU_ASSERT_EQUAL(count("\xd0\x96", 71).segments, 2);
	CU_ASSERT_EQUAL(count("\xd0\x96", 134).segments, 2);
	CU_ASSERT_EQUAL(count("\xd0\x96", 135).segments, 3);
}

static void one_non_gsm_char_makes_ucs2(void)
{
	char s[200];
	struct sms_parts p;

	memset(s, 'a', 69);
	strcpy(s + 69, "\xc4\x9f"); /* g with breve: not GSM */
	sms_count(s, strlen(s), &p);
	CU_ASSERT_EQUAL(p.encoding, SMS_UCS2);
	CU_ASSERT_EQUAL(p.units, 70);
	CU_ASSERT_EQUAL(p.segments, 1);
}

static void emoji_is_a_surrogate_pair(void)
{
	struct sms_parts p = count("\xf0\x9f\x98\x80", 35);

	CU_ASSERT_EQUAL(p.encoding, SMS_UCS2);
	CU_ASSERT_EQUAL(p.units, 70);
	CU_ASSERT_EQUAL(p.segments, 1);
	CU_ASSERT_EQUAL(count("\xf0\x9f\x98\x80", 36).segments, 2);
	/* 67 units per part: a pair never straddles, so 33 emoji per part. */
	CU_ASSERT_EQUAL(count("\xf0\x9f\x98\x80", 66).segments, 2);
	CU_ASSERT_EQUAL(count("\xf0\x9f\x98\x80", 67).segments, 3);
}

static void gsm_basic_latin1_letters(void)
{
	struct sms_parts p = count("\xc3\xa9", 160); /* e acute is in GSM 03.38 */

	CU_ASSERT_EQUAL(p.encoding, SMS_GSM7);
	CU_ASSERT_EQUAL(p.segments, 1);
}

static void text_length_in_code_points(void)
{
	char *s = rep("\xf0\x9f\x98\x80", 1600);

	CU_ASSERT_TRUE(sms_text_ok(s, strlen(s)));
	free(s);
	s = rep("a", 1601);
	CU_ASSERT_FALSE(sms_text_ok(s, strlen(s)));
	free(s);
	CU_ASSERT_FALSE(sms_text_ok("", 0));
	CU_ASSERT_FALSE(sms_text_ok("\xff", 1));
}

static const struct test_case tests[] = {
	{"E.164: + then 2 to 15 digits, no leading zero", e164},
	{"GSM-7: 160 is one part, 161 two", gsm_single_part_boundary},
	{"GSM-7: 153 per part", gsm_multipart_153},
	{"GSM-7: euro and ^{}[~]|\\ count twice", gsm_extension_counts_twice},
	{"GSM-7: an escape pair is not split across parts", gsm_escape_not_split},
	{"UCS-2: 70 is one part, 71 two, 67 per part", ucs2_boundaries},
	{"one non-GSM character makes the message UCS-2", one_non_gsm_char_makes_ucs2},
	{"an emoji counts two UTF-16 units and is not split", emoji_is_a_surrogate_pair},
	{"GSM-7 covers its Latin-1 letters", gsm_basic_latin1_letters},
	{"message length is 1..1600 code points", text_length_in_code_points},
	{NULL, NULL},
};

void suite_sms(void)
{
	test_add_suite("sms", tests);
}
