/*
 * http/idem.c: the Idempotency-Key header, before and without the
 * database -- a request without one goes on untouched, a malformed one is
 * refused, and a key that cannot be claimed is the database's 503 (never
 * a request run twice).
 */
#include <string.h>

#include "fake.h"
#include "http/idem.h"
#include "http/router.h"
#include "suites.h"
#include "test.h"

static const struct endpoint dummy = {NULL, NULL, 0};
static const struct route rt = {M_POST, "/api/send-message", &dummy, CRED_OPERATOR, BODY_JSON,
				1024,	ROUTE_IDEMPOTENT};

static struct req *req_with_key(const char *key)
{
	struct req *r = fake_req(M_POST, "/api/send-message", "application/json", "{}");

	r->route = &rt;
	r->idempotency_key = key;
	r->actor.kind = ACTOR_OPERATOR;
	r->actor.account_id = 4;
	r->actor.client_id = 2;
	return r;
}

static void no_key_goes_on(void)
{
	struct req *r = req_with_key(NULL);
	struct idem st;
	bool replayed = true;

	CU_ASSERT_EQUAL(idem_begin(r, &st, &replayed), ST_OK);
	CU_ASSERT_FALSE(replayed);
	CU_ASSERT_FALSE(st.active);
	idem_finish(r, &st, ST_OK); /* nothing claimed: nothing to store */
	CU_ASSERT_FALSE(st.active);
}

static void malformed_keys_are_400(void)
{
	static const char *bad[] = {"", "has space", "tab\tinside", "\x7f", NULL};
	char longkey[300];
	struct idem st;
	bool replayed;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		struct req *r = req_with_key(bad[i]);

		CU_ASSERT_EQUAL(idem_begin(r, &st, &replayed), ST_BAD_REQUEST);
		ASSERT_STR(r->err.code, "invalid_idempotency_key");
		CU_ASSERT_FALSE(st.active);
	}
	memset(longkey, 'k', 256);
	longkey[256] = '\0';
	CU_ASSERT_EQUAL(idem_begin(req_with_key(longkey), &st, &replayed), ST_BAD_REQUEST);
}

static void unclaimable_key_is_503(void)
{
	struct req *r = req_with_key("order-1234-shipped");
	struct idem st;
	bool replayed = true;

	CU_ASSERT_EQUAL(idem_begin(r, &st, &replayed), ST_UNAVAILABLE);
	ASSERT_STR(r->err.code, "database_unavailable");
	CU_ASSERT_FALSE(replayed);
	CU_ASSERT_FALSE(st.active);
}

static const struct test_case tests[] = {
	{"a request without Idempotency-Key goes on untouched", no_key_goes_on},
	{"an empty, spaced, control or 256-character key is 400", malformed_keys_are_400},
	{"a key that cannot be claimed is 503, nothing run", unclaimable_key_is_503},
	{NULL, NULL},
};

void suite_idem(void)
{
	CU_pSuite s = CU_add_suite("idem", fake_setup, fake_teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
