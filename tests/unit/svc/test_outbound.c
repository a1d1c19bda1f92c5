/*
 * svc/outbound.c: the one send path, without a database -- what an
 * outgoing row becomes for the provider, and that a message that cannot
 * be queued leaves nothing behind.
 */
#include <string.h>

#include "fake.h"
#include "svc/outbound.h"
#include "suites.h"
#include "test.h"

static const struct send_req twilio_rq = {.client_id = 2,
					  .provider = "twilio",
					  .to = "+12025550001",
					  .from = "+12025550100",
					  .usemodem = -1,
					  .port = -1,
					  .body = "Hello \xe2\x82\xac",
					  .body_len = 9,
					  .sent_by = "operator",
					  .operator_id = "alice"};

static const struct outgoing twilio_row = {.client_id = 2,
					   .provider = "twilio",
					   .to = "+12025550001",
					   .from = "+12025550100",
					   .usemodem = -1,
					   .port = -1,
					   .body = "Hello \xe2\x82\xac",
					   .body_len = 9};

static void message_for_the_provider(void)
{
	struct outgoing rq = twilio_row;
	struct upstream_msg m;

	outbound_msg(&rq, &m);
	CU_ASSERT_EQUAL(m.provider, UPSTREAM_TWILIO);
	ASSERT_STR(m.to, "+12025550001");
	ASSERT_STR(m.from, "+12025550100");
	CU_ASSERT_EQUAL(m.body_len, 9);
	rq.provider = "extreme";
	rq.usemodem = 5;
	rq.port = 6;
	outbound_msg(&rq, &m);
	CU_ASSERT_EQUAL(m.provider, UPSTREAM_EXTREME);
	CU_ASSERT_EQUAL(m.usemodem, 5);
	CU_ASSERT_EQUAL(m.port, 6);
	rq.provider = "carrier-pigeon";
	outbound_msg(&rq, &m);
	CU_ASSERT_EQUAL(m.provider, UPSTREAM_PROVIDER__MAX);
}

static void unqueued_is_reported(void)
{
	struct outgoing m;

	/* The database is down: the queueing fails (and says so), with the
	 * row as it would have been: segments and encoding counted, queued,
	 * no id. */
	CU_ASSERT_EQUAL(outbound_queue(fake_db, &fake_arena, &twilio_rq, 0, &m), DB_UNAVAILABLE);
	CU_ASSERT_EQUAL(m.id, 0);
	CU_ASSERT_EQUAL(m.segments, 1);
	ASSERT_STR(m.encoding, "GSM-7");
	ASSERT_STR(m.status, "queued");
	ASSERT_STR(m.operator_id, "alice");
}

static void reply_route_needs_the_database(void)
{
	struct send_req rq = {0};

	CU_ASSERT_EQUAL(outbound_reply_route(fake_db, &fake_arena, 2, "+12025550001", &rq),
			DB_UNAVAILABLE);
	CU_ASSERT_PTR_NULL(rq.provider);
}

static const struct test_case tests[] = {
	{"a send becomes the provider's message", message_for_the_provider},
	{"a send that cannot be queued says so", unqueued_is_reported},
	{"the reply route is the database's answer", reply_route_needs_the_database},
	{NULL, NULL},
};

void suite_outbound(void)
{
	CU_pSuite s = CU_add_suite("outbound", fake_setup, fake_teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
