/*
 * Small helpers shared by the unit tests: suite registration and a few
 * assertions CUnit lacks.
 */
#ifndef IBIKI_TEST_H
#define IBIKI_TEST_H

#include <CUnit/CUnit.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

/* Register a suite from a NULL-terminated table. */
static inline void test_add_suite(const char *name, const struct test_case *t)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	for (; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}

/* String equality where got may be NULL. */
static inline const char *test_str(const char *s)
{
	return s != NULL ? s : "(null)";
}

#define ASSERT_STR(got, want) CU_ASSERT_STRING_EQUAL(test_str(got), (want))

#endif
