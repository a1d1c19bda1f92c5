/*
 * http/router.c: matching literal segments and placeholders, 404 versus 405.
 */
#include "lib/arena.h"
#include "http/router.h"
#include "suites.h"
#include "test.h"

static const struct endpoint dummy = {NULL, NULL, 0};

static const struct route table[] = {
	{M_GET, "/health", &dummy, CRED_NONE, BODY_NONE, 0, 0},
	{M_GET, "/api/admin/clients", &dummy, CRED_ADMIN, BODY_NONE, 0, 0},
	{M_POST, "/api/admin/clients", &dummy, CRED_ADMIN, BODY_JSON, 100, 0},
	{M_GET, "/api/admin/clients/{id}", &dummy, CRED_ADMIN, BODY_NONE, 0, 0},
	{M_DELETE, "/api/admin/clients/{id}/api-keys/{keyId}", &dummy, CRED_ADMIN, BODY_NONE, 0, 0},
};

#define N (sizeof(table) / sizeof(table[0]))

static enum route_result m(enum method meth, const char *path, const struct route **r,
			   const char *params[REQ_MAX_PARAMS], char *allow)
{
	static struct arena a;
	static int init;

	if (!init) {
		arena_init(&a, 4096, 1 << 20);
		init = 1;
	}
	return router_match(table, N, meth, path, r, params, &a, allow, 128);
}

static void matches_literal(void)
{
	const struct route *r = NULL;
	const char *p[REQ_MAX_PARAMS] = {0};
	char allow[128];

	CU_ASSERT_EQUAL(m(M_GET, "/health", &r, p, allow), ROUTE_FOUND);
	CU_ASSERT_PTR_EQUAL(r, &table[0]);
}

static void picks_route_by_method(void)
{
	const struct route *r = NULL;
	const char *p[REQ_MAX_PARAMS] = {0};
	char allow[128];

	CU_ASSERT_EQUAL(m(M_POST, "/api/admin/clients", &r, p, allow), ROUTE_FOUND);
	CU_ASSERT_PTR_EQUAL(r, &table[2]);
}

static void captures_placeholders(void)
{
	const struct route *r = NULL;
	const char *p[REQ_MAX_PARAMS] = {0};
	char allow[128];

	CU_ASSERT_EQUAL(m(M_DELETE, "/api/admin/clients/12/api-keys/34", &r, p, allow),
			ROUTE_FOUND);
	ASSERT_STR(p[0], "12");
	ASSERT_STR(p[1], "34");
}

static void unknown_path_is_no_path(void)
{
	const struct route *r = NULL;
	const char *p[REQ_MAX_PARAMS] = {0};
	char allow[128];

	CU_ASSERT_EQUAL(m(M_GET, "/nope", &r, p, allow), ROUTE_NO_PATH);
	CU_ASSERT_EQUAL(m(M_GET, "/healthz", &r, p, allow), ROUTE_NO_PATH);
	CU_ASSERT_EQUAL(m(M_GET, "/health/", &r, p, allow), ROUTE_NO_PATH);
	CU_ASSERT_EQUAL(m(M_GET, "/api/admin/clients/", &r, p, allow), ROUTE_NO_PATH);
	CU_ASSERT_EQUAL(m(M_GET, "/api/admin/clients/1/x", &r, p, allow), ROUTE_NO_PATH);
	CU_ASSERT_EQUAL(m(M_GET, "", &r, p, allow), ROUTE_NO_PATH);
}

static void wrong_method_is_no_method_with_allow(void)
{
	const struct route *r = NULL;
	const char *p[REQ_MAX_PARAMS] = {0};
	char allow[128];

	CU_ASSERT_EQUAL(m(M_DELETE, "/api/admin/clients", &r, p, allow), ROUTE_NO_METHOD);
	ASSERT_STR(allow, "GET, POST");
	CU_ASSERT_EQUAL(m(M_POST, "/health", &r, p, allow), ROUTE_NO_METHOD);
	ASSERT_STR(allow, "GET");
}

static void head_uses_get_route(void)
{
	const struct route *r = NULL;
	const char *p[REQ_MAX_PARAMS] = {0};
	char allow[128];

	CU_ASSERT_EQUAL(m(M_HEAD, "/health", &r, p, allow), ROUTE_FOUND);
}

static const struct test_case tests[] = {
	{"a literal path matches", matches_literal},
	{"the method picks between routes of one path", picks_route_by_method},
	{"placeholders capture one segment each", captures_placeholders},
	{"an unknown or longer path is not found", unknown_path_is_no_path},
	{"a known path with another method is 405 with Allow",
	 wrong_method_is_no_method_with_allow},
	{"HEAD is served by the GET route", head_uses_get_route},
	{NULL, NULL},
};

void suite_router(void)
{
	test_add_suite("router", tests);
}
