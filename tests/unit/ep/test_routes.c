/*
 * ep/routes.c: the real route table is well formed.
 */
#include <string.h>

#include "ep/routes.h"
#include "suites.h"
#include "test.h"

static void patterns_are_sane(void)
{
	size_t i, j;

	/* Every pattern starts with '/', and no two routes share method and
	 * pattern. */
	for (i = 0; i < routes_count; i++) {
		CU_ASSERT_EQUAL(routes_table[i].pattern[0], '/');
		CU_ASSERT_PTR_NOT_NULL(routes_table[i].ep);
		CU_ASSERT_PTR_NOT_NULL(routes_table[i].ep->handler);
		for (j = i + 1; j < routes_count; j++)
			CU_ASSERT_FALSE(routes_table[i].method == routes_table[j].method &&
					strcmp(routes_table[i].pattern, routes_table[j].pattern) ==
						0);
	}
}

static const struct test_case tests[] = {
	{"every route has a pattern, an endpoint and a handler, and no two share method and "
	 "pattern",
	 patterns_are_sane},
	{NULL, NULL},
};

void suite_routes(void)
{
	test_add_suite("routes", tests);
}
