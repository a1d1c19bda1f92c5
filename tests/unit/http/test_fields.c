/*
 * fields.c: per-endpoint input tables.
 */
#include <string.h>

#include "lib/arena.h"
#include "http/fields.h"
#include "lib/json.h"
#include "svc/sms.h"
#include "suites.h"
#include "test.h"

static struct arena a;

static const struct field table[] = {
	{"phone", FT_STR, F_REQ, 0, 0, sms_e164, "invalid_phone_number", "bad phone"},
	{"text", FT_STR, F_REQ, 1, 5, NULL, "invalid_text", "bad text"},
	{"n", FT_INT, F_NULL, 1, 10, NULL, NULL, NULL},
	{"limit", FT_INT, F_QUERY, 1, 1000, NULL, NULL, NULL},
	{"flag", FT_BOOL, F_QUERY, 0, 0, NULL, NULL, NULL},
};

static struct req *req_with(const char *json, const char *query)
{
	struct req *r;
	struct json *v = NULL;
	const char *err;

	arena_reset(&a);
	r = arena_alloc(&a, sizeof(*r));
	r->a = &a;
	if (json != NULL)
		json_parse(&a, json, strlen(json), &v, &err);
	r->json = v;
	kv_parse(&a, query, strlen(query), &r->query_kv, &err);
	return r;
}

static enum status run(struct req *r)
{
	return fields_validate(r, table, sizeof(table) / sizeof(table[0]));
}

static int setup(void)
{
	arena_init(&a, 64 * 1024, 1 << 22);
	return 0;
}

static int teardown(void)
{
	arena_free(&a);
	return 0;
}

static void valid_input_is_typed(void)
{
	struct req *r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\",\"n\":3}",
				 "limit=50&flag=true");

	CU_ASSERT_EQUAL_FATAL(run(r), ST_OK);
	ASSERT_STR(r->in[0].s, "+12025551234");
	CU_ASSERT_EQUAL(r->in[2].i, 3);
	CU_ASSERT_EQUAL(r->in[3].i, 50);
	CU_ASSERT_TRUE(r->in[4].present && r->in[4].b);
}

static void missing_beats_invalid(void)
{
	/* phone is invalid and text is missing: "missing" is reported first. */
	struct req *r = req_with("{\"phone\":\"12\"}", "");

	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	ASSERT_STR(r->err.code, "invalid_request");
	CU_ASSERT_PTR_NOT_NULL(strstr(r->err.message, "text"));
}

static void validators_run_in_table_order(void)
{
	struct req *r = req_with("{\"phone\":\"12\",\"text\":\"too long text\"}", "");

	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	ASSERT_STR(r->err.code, "invalid_phone_number");
}

static void length_is_in_code_points(void)
{
	/* five emoji: 20 bytes, 5 code points */
	struct req *r =
		req_with("{\"phone\":\"+12025551234\",\"text\":\"\xf0\x9f\x98\x80\xf0\x9f\x98"
			 "\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}",
			 "");

	CU_ASSERT_EQUAL(run(r), ST_OK);
}

static void null_accepted_only_where_allowed(void)
{
	struct req *r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\",\"n\":null}", "");

	CU_ASSERT_EQUAL(run(r), ST_OK);
	CU_ASSERT_FALSE(r->in[2].present);
	r = req_with("{\"phone\":null,\"text\":\"hi\"}", "");
	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
}

static void query_values_are_checked(void)
{
	struct req *r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\"}", "limit=0");

	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\"}", "limit=1001");
	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\"}", "limit=ten");
	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\"}", "flag=yes");
	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\"}", "limit=5&limit=6");
	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
}

static void json_integer_must_be_integral(void)
{
	struct req *r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\",\"n\":2.5}", "");

	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
	r = req_with("{\"phone\":\"+12025551234\",\"text\":\"hi\",\"n\":\"2\"}", "");
	CU_ASSERT_EQUAL(run(r), ST_BAD_REQUEST);
}

static const struct test_case tests[] = {
	{"valid input comes out typed", valid_input_is_typed},
	{"a missing field is reported before an invalid one", missing_beats_invalid},
	{"validators run in table order", validators_run_in_table_order},
	{"string length counts code points", length_is_in_code_points},
	{"null is accepted only where the table allows", null_accepted_only_where_allowed},
	{"query integers and booleans are range- and form-checked", query_values_are_checked},
	{"a JSON integer field refuses fractions and strings", json_integer_must_be_integral},
	{NULL, NULL},
};

void suite_fields(void)
{
	CU_pSuite s = CU_add_suite("fields", setup, teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
