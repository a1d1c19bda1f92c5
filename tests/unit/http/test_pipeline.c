/*
 * http/pipeline.c: requests driven through the pipeline with no socket and no
 * database server (the handle points at a socket that does not exist), so
 * every answer here is decided before or without the database, or is the
 * database-down answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "db/db.h"
#include "ep/routes.h"
#include "http/pipeline.h"
#include "lib/json.h"
#include "lib/log.h"
#include "fake.h"
#include "suites.h"
#include "test.h"

static void unknown_path_is_404_json(void)
{
	struct req *r = fake_req(M_GET, "/no/such/thing", NULL, NULL);

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_NOT_FOUND);
	fake_assert_error(r, "not_found");
}

static void wrong_method_is_405_json_with_allow(void)
{
	struct req *r = fake_req(M_PUT, "/health", NULL, NULL);

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_METHOD_NOT_ALLOWED);
	fake_assert_error(r, "method_not_allowed");
	CU_ASSERT_TRUE(fake_has_header(r, "Allow: GET"));
}

static void oversized_body_is_413_json(void)
{
	char *big = malloc(10000);
	struct req *r;

	memset(big, ' ', 9999);
	big[9999] = '\0';
	r = fake_req(M_POST, "/api/auth/login", "application/json", big);
	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_PAYLOAD_TOO_LARGE);
	fake_assert_error(r, "payload_too_large");
	free(big);
}

static void malformed_json_is_400_json(void)
{
	struct req *r = fake_req(M_POST, "/api/auth/login", "application/json", "{\"username\":");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_BAD_REQUEST);
	fake_assert_error(r, "invalid_json");
}

static void duplicate_key_is_400(void)
{
	struct req *r = fake_req(M_POST, "/api/auth/login", "application/json",
				 "{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_BAD_REQUEST);
	fake_assert_error(r, "invalid_json");
}

static void non_object_json_is_400(void)
{
	struct req *r = fake_req(M_POST, "/api/auth/login", "application/json", "[1,2]");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_BAD_REQUEST);
	fake_assert_error(r, "invalid_json");
}

static void missing_field_is_400_naming_it(void)
{
	struct req *r =
		fake_req(M_POST, "/api/auth/login", "application/json", "{\"username\":\"a\"}");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_BAD_REQUEST);
	fake_assert_error(r, "invalid_request");
	CU_ASSERT_PTR_NOT_NULL(strstr(r->out->p, "password"));
}

static void wrong_type_is_400(void)
{
	struct req *r = fake_req(M_POST, "/api/auth/login", "application/json",
				 "{\"username\":1,\"password\":\"x\"}");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_BAD_REQUEST);
	fake_assert_error(r, "invalid_request");
}

static void wrong_content_type_is_415(void)
{
	struct req *r = fake_req(M_POST, "/api/auth/login", "text/plain", "{}");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_UNSUPPORTED_MEDIA_TYPE);
	fake_assert_error(r, "unsupported_media_type");
}

static void admin_without_credentials_is_401(void)
{
	struct req *r = fake_req(M_GET, "/api/admin/clients", NULL, NULL);

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_UNAUTHORIZED);
	fake_assert_error(r, "unauthorized");
	CU_ASSERT_TRUE(fake_has_header(r, "WWW-Authenticate: Bearer"));
}

static void admin_with_forged_token_is_401(void)
{
	struct req *r = fake_req(M_GET, "/api/admin/clients", NULL, NULL);

	r->authorization = "Bearer eyJhbGciOiJub25lIn0.eyJ1aWQiOjF9.";
	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_UNAUTHORIZED);
	fake_assert_error(r, "unauthorized");
}

static void unauthenticated_bad_json_is_401_first(void)
{
	struct req *r = fake_req(M_POST, "/api/admin/clients", "application/json", "{bad");

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_UNAUTHORIZED);
}

static void key_lookup_with_database_down_is_503(void)
{
	struct req *r = fake_req(M_GET, "/api/v2/clients/1", NULL, NULL);

	r->authorization = "Bearer ibk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_UNAVAILABLE);
	fake_assert_error(r, "database_unavailable");
}

static void health_with_database_down_is_503_unhealthy(void)
{
	struct req *r = fake_req(M_GET, "/health", NULL, NULL);
	struct json *v;
	const char *err;

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_UNAVAILABLE);
	CU_ASSERT_EQUAL_FATAL(json_parse(&fake_arena, r->out->p, r->out->len, &v, &err), 0);
	ASSERT_STR(json_get(v, "status")->s, "unhealthy");
	ASSERT_STR(json_get(v, "database")->s, "disconnected");
	CU_ASSERT_PTR_NOT_NULL(json_get(v, "error"));
}

static void logout_clears_cookie(void)
{
	struct req *r = fake_req(M_POST, "/api/auth/logout", NULL, NULL);

	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_OK);
	CU_ASSERT_TRUE(fake_has_header(
		r, "Set-Cookie: ibiki_session=; Path=/; Max-Age=0; HttpOnly; Secure"));
}

static void malformed_query_is_400(void)
{
	struct req *r = fake_req(M_GET, "/health", NULL, NULL);

	r->query = "a=%zz";
	CU_ASSERT_EQUAL(pipeline_request(r, routes_table, routes_count), ST_BAD_REQUEST);
	fake_assert_error(r, "invalid_query");
}

static const struct test_case tests[] = {
	{"an unknown path is 404 JSON", unknown_path_is_404_json},
	{"a wrong method is 405 JSON with Allow", wrong_method_is_405_json_with_allow},
	{"a body over the route limit is 413 JSON", oversized_body_is_413_json},
	{"malformed JSON is 400 invalid_json", malformed_json_is_400_json},
	{"a duplicate key is 400 invalid_json", duplicate_key_is_400},
	{"a JSON array body is 400", non_object_json_is_400},
	{"a missing field is 400 naming it", missing_field_is_400_naming_it},
	{"a field of the wrong type is 400", wrong_type_is_400},
	{"a non-JSON content type is 415", wrong_content_type_is_415},
	{"admin without credentials is 401 with WWW-Authenticate",
	 admin_without_credentials_is_401},
	{"admin with an alg:none token is 401", admin_with_forged_token_is_401},
	{"authentication comes before body parsing", unauthenticated_bad_json_is_401_first},
	{"an API key with the database down is 503 JSON", key_lookup_with_database_down_is_503},
	{"health with the database down is 503 unhealthy",
	 health_with_database_down_is_503_unhealthy},
	{"logout clears the session cookie", logout_clears_cookie},
	{"a malformed query string is 400", malformed_query_is_400},
	{NULL, NULL},
};

void suite_pipeline(void)
{
	CU_pSuite s = CU_add_suite("pipeline", fake_setup, fake_teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
