/*
 * svc/inbound.c: which media items are kept, their stored form read
 * back, and the body cut at SMS_MAX_CHARS code points.
 */
#include <string.h>

#include "lib/arena.h"
#include "svc/inbound.h"
#include "svc/sms.h"
#include "suites.h"
#include "test.h"

static const char *invalid(const char *url, const char *type)
{
	return inbound_media_invalid(url, url != NULL ? strlen(url) : 0, type,
				     type != NULL ? strlen(type) : 0);
}

static void media_kept_only_when_valid(void)
{
	static char long_url[INBOUND_MEDIA_URL_MAX + 2];

	CU_ASSERT_PTR_NULL(
		invalid("https://api.twilio.com/2010-04-01/Accounts/AC1/Media/ME1", "image/jpeg"));
	CU_ASSERT_PTR_NULL(invalid("https://x.example/a", NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid("http://x.example/a", "image/png"));
	CU_ASSERT_PTR_NOT_NULL(invalid("javascript:alert(1)", NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://", NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a b", NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a\tb", NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a\nb", NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid(NULL, NULL));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a", "image"));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a", "/png"));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a", "image/"));
	CU_ASSERT_PTR_NOT_NULL(invalid("https://x.example/a", "image/p ng"));
	memcpy(long_url, "https://", 8);
	memset(long_url + 8, 'a', INBOUND_MEDIA_URL_MAX - 8);
	long_url[INBOUND_MEDIA_URL_MAX] = '\0';
	CU_ASSERT_PTR_NULL(invalid(long_url, NULL));
	long_url[INBOUND_MEDIA_URL_MAX] = 'a';
	long_url[INBOUND_MEDIA_URL_MAX + 1] = '\0';
	CU_ASSERT_PTR_NOT_NULL(invalid(long_url, NULL));
}

static void media_stored_form_round_trips(void)
{
	struct arena a;
	const char *text = NULL, *p;
	struct inbound_media it = {"https://a.example/1", 19, "image/gif", 9}, got;

	arena_init(&a, 4096, 1 << 20);
	inbound_media_append(&a, &text, &it);
	it = (struct inbound_media){"https://a.example/2", 19, NULL, 0};
	inbound_media_append(&a, &text, &it);
	p = text;
	CU_ASSERT_TRUE_FATAL(inbound_media_next(&p, &got));
	CU_ASSERT_EQUAL(got.url_len, 19);
	CU_ASSERT_EQUAL(strncmp(got.url, "https://a.example/1", 19), 0);
	CU_ASSERT_EQUAL(got.type_len, 9);
	CU_ASSERT_EQUAL(strncmp(got.type, "image/gif", 9), 0);
	CU_ASSERT_TRUE_FATAL(inbound_media_next(&p, &got));
	CU_ASSERT_EQUAL(strncmp(got.url, "https://a.example/2", 19), 0);
	CU_ASSERT_PTR_NULL(got.type);
	CU_ASSERT_FALSE(inbound_media_next(&p, &got));
	p = NULL;
	CU_ASSERT_FALSE(inbound_media_next(&p, &got));
	p = "";
	CU_ASSERT_FALSE(inbound_media_next(&p, &got));
	arena_free(&a);
}

static void body_cut_at_max_chars(void)
{
	static char s[(SMS_MAX_CHARS + 5) * 2];
	size_t n = SMS_MAX_CHARS + 5, i;

	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2); /* é: two bytes each */
	CU_ASSERT_EQUAL(inbound_body_len(s, 2 * n), 2 * SMS_MAX_CHARS);
	CU_ASSERT_EQUAL(inbound_body_len(s, 20), 20);
}

static const struct test_case tests[] = {
	{"media: https, bounded, no whitespace, type/subtype", media_kept_only_when_valid},
	{"media: the stored form reads back item by item", media_stored_form_round_trips},
	{"a body is cut at SMS_MAX_CHARS code points, never mid-character", body_cut_at_max_chars},
	{NULL, NULL},
};

void suite_inbound(void)
{
	test_add_suite("inbound", tests);
}
