/*
 * http/status.c: the one status list -- every status maps to its code,
 * reason and default error, and back.
 */
#include <string.h>

#include "http/status.h"
#include "suites.h"
#include "test.h"

static void every_status_maps_back_from_its_code(void)
{
	int s;

	for (s = 0; s < ST__MAX; s++) {
		CU_ASSERT_EQUAL(status_from_code(status_code((enum status)s)), (enum status)s);
		CU_ASSERT_PTR_NOT_NULL(status_reason((enum status)s));
		CU_ASSERT_TRUE(strlen(status_reason((enum status)s)) > 1);
	}
}

static void error_statuses_have_an_error_code(void)
{
	int s;

	for (s = 0; s < ST__MAX; s++) {
		int code = status_code((enum status)s);

		CU_ASSERT_TRUE(code >= 200 && code <= 599);
		CU_ASSERT_EQUAL(code >= 400, status_error((enum status)s) != NULL);
	}
}

static void codes_are_unique(void)
{
	int s, t;

	for (s = 0; s < ST__MAX; s++)
		for (t = s + 1; t < ST__MAX; t++)
			CU_ASSERT_NOT_EQUAL(status_code((enum status)s),
					    status_code((enum status)t));
}

static void known_entries_and_the_unknown(void)
{
	CU_ASSERT_EQUAL(status_code(ST_NOT_FOUND), 404);
	ASSERT_STR(status_reason(ST_NOT_FOUND), "Not Found");
	ASSERT_STR(status_error(ST_NOT_FOUND), "not_found");
	CU_ASSERT_EQUAL(status_from_code(418), ST_INTERNAL);
	CU_ASSERT_EQUAL(status_code(ST__MAX), 500);
	ASSERT_STR(status_error(ST__MAX), "internal_error");
}

static const struct test_case tests[] = {
	{"every status maps back from its code, with a reason",
	 every_status_maps_back_from_its_code},
	{"error statuses have a default error code, others none",
	 error_statuses_have_an_error_code},
	{"no two statuses share a code", codes_are_unique},
	{"a known entry, and an unknown code or status", known_entries_and_the_unknown},
	{NULL, NULL},
};

void suite_status(void)
{
	test_add_suite("status", tests);
}
