/*
 * httpc.c: the Retry-After header reader both HTTP clients use.
 */
#include <string.h>

#include "upstream/httpc.h"
#include "suites.h"
#include "test.h"

static void reads_retry_after(void)
{
	const char *line = "retry-after:  120\r\n";
	char v[32] = "";

	httpc_retry_after(line, strlen(line), v, sizeof(v));
	CU_ASSERT_STRING_EQUAL(v, "120");
}

static void ignores_other_headers(void)
{
	const char *line = "Retry-Afterwards: 5\r\n";
	char v[32] = "unchanged";

	httpc_retry_after(line, strlen(line), v, sizeof(v));
	CU_ASSERT_STRING_EQUAL(v, "unchanged");
	line = "Content-Type: text/plain\r\n";
	httpc_retry_after(line, strlen(line), v, sizeof(v));
	CU_ASSERT_STRING_EQUAL(v, "unchanged");
}

static void bounded_by_len_and_out(void)
{
	/* Only len bytes are read, and the value is cut to fit out. */
	const char *line = "Retry-After: 123456789\r\n";
	char v[5];

	httpc_retry_after(line, 15, v, sizeof(v));
	CU_ASSERT_STRING_EQUAL(v, "12");
	httpc_retry_after(line, strlen(line), v, sizeof(v));
	CU_ASSERT_STRING_EQUAL(v, "1234");
}

static const struct test_case tests[] = {
	{"reads Retry-After, any case, spaces trimmed", reads_retry_after},
	{"ignores other headers", ignores_other_headers},
	{"reads only len bytes and fits the output", bounded_by_len_and_out},
	{NULL, NULL},
};

void suite_httpc(void)
{
	test_add_suite("httpc", tests);
}
