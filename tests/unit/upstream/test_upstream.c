/*
 * upstream/upstream.c (with twilio.c and extreme.c): one outcome for every
 * provider -- what each answer means, what a failed connection or a
 * missing answer means, and the requests the providers are sent.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/config.h"
#include "suites.h"
#include "test.h"
#include "upstream/upstream.h"

static struct arena a;
static struct config cfg;

static int setup(void)
{
	arena_init(&a, 64 * 1024, 1 << 22);
	config_defaults(&cfg);
	return 0;
}

static int teardown(void)
{
	config_free(&cfg);
	arena_free(&a);
	return 0;
}

static enum upstream_result answer(enum upstream_provider p, long status, const char *body,
				   struct upstream_outcome *o)
{
	upstream_interpret(p, &a, HTTPC_OK, status, body, body ? strlen(body) : 0, "", NULL, o);
	return o->result;
}

static void twilio_answers(void)
{
	struct upstream_outcome o;

	CU_ASSERT_EQUAL(answer(UPSTREAM_TWILIO, 201, "{\"sid\":\"SM1\",\"status\":\"queued\"}", &o),
			UPSTREAM_SENT);
	ASSERT_STR(o.id, "SM1");
	ASSERT_STR(o.status, "queued");
	CU_ASSERT_EQUAL(answer(UPSTREAM_TWILIO, 201, "{}", &o), UPSTREAM_UNKNOWN);
	CU_ASSERT_EQUAL(answer(UPSTREAM_TWILIO, 400,
			       "{\"code\":21211,\"message\":\"not a valid phone number\"}", &o),
			UPSTREAM_REJECTED);
	ASSERT_STR(o.code, "21211");
	ASSERT_STR(o.message, "not a valid phone number");
	CU_ASSERT_EQUAL(answer(UPSTREAM_TWILIO, 429, NULL, &o), UPSTREAM_RETRY);
	CU_ASSERT_EQUAL(answer(UPSTREAM_TWILIO, 503, "<html>", &o), UPSTREAM_RETRY);
	ASSERT_STR(o.message, "Twilio answered HTTP 503");
}

static void extreme_answers(void)
{
	struct upstream_outcome o;

	CU_ASSERT_EQUAL(answer(UPSTREAM_EXTREME, 200, "{\"status\":\"success\",\"id\":\"x9\"}", &o),
			UPSTREAM_SENT);
	ASSERT_STR(o.id, "x9");
	CU_ASSERT_EQUAL(answer(UPSTREAM_EXTREME, 200, "{\"status\":\"success\"}", &o),
			UPSTREAM_REJECTED);
	CU_ASSERT_EQUAL(
		answer(UPSTREAM_EXTREME, 200, "{\"status\":\"error\",\"message\":\"busy\"}", &o),
		UPSTREAM_REJECTED);
	ASSERT_STR(o.message, "busy");
	CU_ASSERT_EQUAL(answer(UPSTREAM_EXTREME, 500, NULL, &o), UPSTREAM_REJECTED);
	ASSERT_STR(o.message, "Extreme answered HTTP 500");
}

static void transport_failures_mean_the_same_for_all(void)
{
	struct upstream_outcome o = {0};
	int p;

	for (p = 0; p < UPSTREAM_PROVIDER__MAX; p++) {
		upstream_interpret((enum upstream_provider)p, &a, HTTPC_NOT_SENT, 0, NULL, 0, "",
				   "Connection refused", &o);
		CU_ASSERT_EQUAL(o.result, UPSTREAM_RETRY);
		CU_ASSERT_PTR_NOT_NULL(strstr(o.message, "Cannot reach"));
		upstream_interpret((enum upstream_provider)p, &a, HTTPC_UNKNOWN, 0, NULL, 0, "",
				   "Timeout", &o);
		CU_ASSERT_EQUAL(o.result, UPSTREAM_UNKNOWN);
		CU_ASSERT_PTR_NOT_NULL(strstr(o.message, "Outcome unknown"));
	}
}

static void retry_after_is_read(void)
{
	struct upstream_outcome o;

	upstream_interpret(UPSTREAM_TWILIO, &a, HTTPC_OK, 429, NULL, 0, "7", NULL, &o);
	CU_ASSERT_EQUAL(o.retry_after_s, 7);
	CU_ASSERT_EQUAL(o.http_status, 429);
}

static void unconfigured_providers_are_rejected_before_any_call(void)
{
	struct upstream_msg m = {.provider = UPSTREAM_TWILIO,
				 .to = "+12025550001",
				 .from = "+12025550100",
				 .body = "hi",
				 .body_len = 2};
	struct upstream_call call;
	struct upstream_outcome o;

	CU_ASSERT_EQUAL(upstream_prepare(&cfg, &a, &m, &call, &o), -1);
	CU_ASSERT_EQUAL(o.result, UPSTREAM_REJECTED);
	ASSERT_STR(o.message, "Twilio is not configured");
	m.provider = UPSTREAM_EXTREME;
	CU_ASSERT_EQUAL(upstream_prepare(&cfg, &a, &m, &call, &o), -1);
	ASSERT_STR(o.message, "Extreme is not configured");
	m.provider = UPSTREAM_PROVIDER__MAX;
	CU_ASSERT_EQUAL(upstream_prepare(&cfg, &a, &m, &call, &o), -1);
}

static void requests_follow_the_contracts(void)
{
	struct upstream_msg m = {.provider = UPSTREAM_TWILIO,
				 .to = "+12025550001",
				 .from = "+12025550100",
				 .body = "a&b c",
				 .body_len = 5,
				 .usemodem = 3,
				 .port = 4};
	struct upstream_call call;
	struct upstream_outcome o;

	free(cfg.twilio.account_sid);
	cfg.twilio.account_sid = strdup("AC1");
	free(cfg.extreme.api_base);
	cfg.extreme.api_base = strdup("https://ex.example.com");
	CU_ASSERT_EQUAL_FATAL(upstream_prepare(&cfg, &a, &m, &call, &o), 0);
	ASSERT_STR(call.url, "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json");
	CU_ASSERT_PTR_NOT_NULL(
		strstr(call.body, "To=%2B12025550001&From=%2B12025550100&Body=a%26b%20c"));
	CU_ASSERT_PTR_NOT_NULL(strstr(call.body, "&StatusCallback="));
	CU_ASSERT_EQUAL(call.max_tries, 3);
	m.provider = UPSTREAM_EXTREME;
	CU_ASSERT_EQUAL_FATAL(upstream_prepare(&cfg, &a, &m, &call, &o), 0);
	ASSERT_STR(call.url, "https://ex.example.com/api/v2/sms/sendsingle");
	ASSERT_STR(call.body,
		   "{\"to\":\"+12025550001\",\"message\":\"a&b c\",\"usemodem\":3,\"port\":4}");
	ASSERT_STR(call.headers[0], "Content-Type: application/json");
	CU_ASSERT_PTR_NULL(call.userpwd);
	CU_ASSERT_EQUAL(call.max_tries, 2);
}

static void provider_names_round_trip(void)
{
	int p;

	for (p = 0; p < UPSTREAM_PROVIDER__MAX; p++)
		CU_ASSERT_EQUAL(upstream_provider_of(upstream_name((enum upstream_provider)p)), p);
	CU_ASSERT_EQUAL(upstream_provider_of("sinch"), UPSTREAM_PROVIDER__MAX);
	CU_ASSERT_EQUAL(upstream_provider_of(NULL), UPSTREAM_PROVIDER__MAX);
}

static const struct test_case tests[] = {
	{"Twilio: 201 sent, 429 and 5xx retry, other errors rejected", twilio_answers},
	{"Extreme: success with an id sent, anything else rejected", extreme_answers},
	{"no connection is retry, no answer is unknown, for every provider",
	 transport_failures_mean_the_same_for_all},
	{"Retry-After is read", retry_after_is_read},
	{"an unconfigured provider is rejected before any call",
	 unconfigured_providers_are_rejected_before_any_call},
	{"Twilio's form and Extreme's JSON follow their contracts", requests_follow_the_contracts},
	{"provider names round-trip", provider_names_round_trip},
	{NULL, NULL},
};

void suite_upstream(void)
{
	CU_pSuite s = CU_add_suite("upstream", setup, teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
