/*
 * fields.c: per-endpoint input tables.
 */
#include <string.h>

#include "lib/arena.h"
#include "http/fields.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/kv.h"
#include "svc/sms.h"
#include "suites.h"
#include "test.h"

static struct arena a;

static const char *const colours[] = {"red", "green", NULL};

static const struct field table[] = {
	{.name = "phone",
	 .type = FT_STR,
	 .flags = F_REQ,
	 .valid = sms_e164,
	 .code = "invalid_phone_number",
	 .message = "bad phone"},
	{.name = "text",
	 .type = FT_STR,
	 .flags = F_REQ,
	 .min = 1,
	 .max = 5,
	 .code = "invalid_text",
	 .message = "bad text"},
	{.name = "n", .type = FT_INT, .flags = F_NULL, .min = 1, .max = 10},
	{.name = "limit", .type = FT_INT, .flags = F_QUERY, .min = 1, .max = 1000},
	{.name = "flag", .type = FT_BOOL, .flags = F_QUERY},
};

/* Rows of the other kinds: a word, an id from the path, one from the
 * query (with or without its prefix), a header. */
static const struct field kinds[] = {
	{.name = "colour", .type = FT_ENUM, .choices = colours, .code = "invalid_colour"},
	{.name = "id",
	 .type = FT_ID,
	 .flags = F_PATH | F_REQ,
	 .prefix = "dlv_",
	 .min = 1,
	 .status = ST_NOT_FOUND,
	 .code = "delivery_not_found"},
	{.name = "after", .type = FT_ID, .flags = F_QUERY | F_BARE, .prefix = "msg_", .min = 0},
	{.name = "X-Ibiki-Client", .type = FT_ID, .flags = F_HEADER, .prefix = "", .min = 1},
};

static const struct endpoint dummy = {NULL, NULL, 0};
static const struct route dlv_route = {M_POST, "/x/{id}/redeliver", &dummy, CRED_NONE, BODY_JSON, 0,
				       0};

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

static enum status run_kinds(struct req *r, const char *id, const char *client)
{
	r->route = &dlv_route;
	r->params[0] = id;
	r->client_header = client;
	return fields_validate(r, kinds, sizeof(kinds) / sizeof(kinds[0]));
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

static void enum_gives_the_index_of_its_word(void)
{
	struct req *r = req_with("{\"colour\":\"green\"}", "");

	CU_ASSERT_EQUAL_FATAL(run_kinds(r, "dlv_7", NULL), ST_OK);
	CU_ASSERT_EQUAL(r->in[0].i, 1);
	r = req_with("{\"colour\":\"GREEN\"}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_7", NULL), ST_BAD_REQUEST);
	ASSERT_STR(r->err.code, "invalid_colour");
	r = req_with("{\"colour\":\"gree\"}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_7", NULL), ST_BAD_REQUEST);
	r = req_with("{\"colour\":3}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_7", NULL), ST_BAD_REQUEST);
	ASSERT_STR(r->err.code, "invalid_request");
}

static void path_id_is_parsed_with_its_prefix(void)
{
	struct req *r = req_with("{}", "");

	CU_ASSERT_EQUAL_FATAL(run_kinds(r, "dlv_42", NULL), ST_OK);
	CU_ASSERT_EQUAL(r->in[1].i, 42);
	r = req_with("{}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "42", NULL), ST_NOT_FOUND);
	ASSERT_STR(r->err.code, "delivery_not_found");
	r = req_with("{}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_0", NULL), ST_NOT_FOUND);
	r = req_with("{}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_1x", NULL), ST_NOT_FOUND);
	r = req_with("{}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_1234567890123456789", NULL), ST_NOT_FOUND);
}

static void bare_id_and_zero_cursor_are_accepted(void)
{
	struct req *r = req_with("{}", "after=msg_0");

	CU_ASSERT_EQUAL_FATAL(run_kinds(r, "dlv_1", NULL), ST_OK);
	CU_ASSERT_EQUAL(r->in[2].i, 0);
	r = req_with("{}", "after=17");
	CU_ASSERT_EQUAL_FATAL(run_kinds(r, "dlv_1", NULL), ST_OK);
	CU_ASSERT_EQUAL(r->in[2].i, 17);
	r = req_with("{}", "after=msg_");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_1", NULL), ST_BAD_REQUEST);
	r = req_with("{}", "after=out_3");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_1", NULL), ST_BAD_REQUEST);
}

static void header_rows_read_the_request_headers(void)
{
	struct req *r = req_with("{}", "");

	CU_ASSERT_EQUAL_FATAL(run_kinds(r, "dlv_1", "12"), ST_OK);
	CU_ASSERT_TRUE(r->in[3].present);
	CU_ASSERT_EQUAL(r->in[3].i, 12);
	r = req_with("{}", "");
	CU_ASSERT_EQUAL_FATAL(run_kinds(r, "dlv_1", NULL), ST_OK);
	CU_ASSERT_FALSE(r->in[3].present);
	r = req_with("{}", "");
	CU_ASSERT_EQUAL(run_kinds(r, "dlv_1", "-3"), ST_BAD_REQUEST);
}

static void one_row_checks_alone(void)
{
	struct req *r = req_with("{}", "");
	struct fval v;

	r->client_header = "9";
	CU_ASSERT_EQUAL(fields_check(r, &kinds[3], &v), ST_OK);
	CU_ASSERT_EQUAL(v.i, 9);
	r->client_header = "nine";
	CU_ASSERT_EQUAL(fields_check(r, &kinds[3], &v), ST_BAD_REQUEST);
}

/* A form (a provider's webhook) that repeats a field Ibiki reads is
 * refused, never read as its first value. */
static void repeated_form_fields_are_refused(void)
{
	static const struct field body_row[] = {{.name = "Body", .type = FT_STR, .flags = F_REQ}};
	struct req *r = req_with(NULL, "");
	const char *err;

	kv_parse(&a, "Body=one&From=%2B1", 18, &r->form, &err);
	CU_ASSERT_EQUAL(fields_validate(r, body_row, 1), ST_OK);
	r = req_with(NULL, "");
	kv_parse(&a, "Body=one&Body=two", 17, &r->form, &err);
	CU_ASSERT_EQUAL(fields_validate(r, body_row, 1), ST_BAD_REQUEST);
	ASSERT_STR(r->err.message, "Field Body given more than once");
}

static const struct test_case tests[] = {
	{"a repeated form field is refused", repeated_form_fields_are_refused},
	{"an enum field gives its word's index, and refuses others",
	 enum_gives_the_index_of_its_word},
	{"a path id needs its prefix, digits and a positive value",
	 path_id_is_parsed_with_its_prefix},
	{"a cursor takes msg_<n>, bare <n> and 0", bare_id_and_zero_cursor_are_accepted},
	{"header rows read the request's headers", header_rows_read_the_request_headers},
	{"fields_check validates one row on its own", one_row_checks_alone},
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
