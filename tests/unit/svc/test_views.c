/*
 * svc/views.c: each object's public shape -- the members it has, their
 * types, what becomes null, and what is never shown (webhook secrets).
 */
#include <string.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "svc/views.h"
#include "suites.h"
#include "test.h"

static struct arena a;
static struct buf b;
static struct jsonw w;

static int setup(void)
{
	arena_init(&a, 64 * 1024, 1 << 22);
	buf_init(&b, 1 << 20);
	return 0;
}

static int teardown(void)
{
	arena_free(&a);
	buf_free(&b);
	return 0;
}

static struct jsonw *fresh(void)
{
	buf_reset(&b, 0);
	jsonw_init(&w, &b);
	return &w;
}

/* What was written, parsed: a JSON object (asserted). */
static const struct json *written(void)
{
	struct json *v = NULL;
	const char *err;

	CU_ASSERT_FALSE_FATAL(jsonw_failed(&w));
	CU_ASSERT_EQUAL_FATAL(json_parse(&a, b.p, b.len, &v, &err), 0);
	CU_ASSERT_EQUAL_FATAL(v->type, JSON_OBJECT);
	return v;
}

static enum json_type type_of(const struct json *o, const char *key)
{
	const struct json *m = json_get(o, key);

	CU_ASSERT_PTR_NOT_NULL(m);
	return m != NULL ? m->type : JSON_TYPE__MAX;
}

static const struct incoming msg = {.id = 42,
				    .provider = "twilio",
				    .provider_message_id = "SM42",
				    .client_id = 3,
				    .from = "+12025550001",
				    .to = "+12025550100",
				    .body = "hi \xf0\x9f\x98\x80",
				    .body_len = 7,
				    .usemodem = -1,
				    .port = -1,
				    .is_registered = true,
				    .response_sent = true,
				    .received_at = "2026-01-02 03:04:05.678"};

static void inbound_object_for_clients(void)
{
	const struct json *o;

	views_inbound(fresh(), &msg);
	o = written();
	ASSERT_STR(json_text(o, "id"), "msg_42");
	ASSERT_STR(json_text(o, "timestamp"), "2026-01-02T03:04:05.678Z");
	ASSERT_STR(json_text(o, "from"), "+12025550001");
	ASSERT_STR(json_text(o, "message"), "hi \xf0\x9f\x98\x80");
	CU_ASSERT_EQUAL(type_of(o, "usemodem"), JSON_NULL);
	CU_ASSERT_EQUAL(type_of(o, "port"), JSON_NULL);
	CU_ASSERT_EQUAL(type_of(o, "isRegistered"), JSON_BOOL);
	CU_ASSERT_EQUAL(type_of(o, "keyword"), JSON_NULL);
	CU_ASSERT_EQUAL(type_of(o, "media"), JSON_ARRAY);
	CU_ASSERT_EQUAL(json_get(o, "media")->n, 0);
	CU_ASSERT_EQUAL(o->n, 11);
}

static void inbound_keyword_and_media(void)
{
	struct incoming m = msg;
	const struct json *o, *media, *item;

	m.keyword = "stop";
	m.media = "https://api.twilio.com/m/ME1\timage/jpeg\nhttps://api.twilio.com/m/ME2\t\n";
	m.num_media = 2;
	views_inbound(fresh(), &m);
	o = written();
	ASSERT_STR(json_text(o, "keyword"), "stop");
	media = json_get(o, "media");
	CU_ASSERT_EQUAL_FATAL(media->n, 2);
	item = media->first;
	ASSERT_STR(json_text(item, "url"), "https://api.twilio.com/m/ME1");
	ASSERT_STR(json_text(item, "contentType"), "image/jpeg");
	CU_ASSERT_EQUAL(item->n, 2);
	ASSERT_STR(json_text(item->next, "url"), "https://api.twilio.com/m/ME2");
	CU_ASSERT_EQUAL(type_of(item->next, "contentType"), JSON_NULL);
	/* The operators' object carries the same two. */
	views_inbound_operator(fresh(), &m);
	o = written();
	ASSERT_STR(json_text(o, "keyword"), "stop");
	CU_ASSERT_EQUAL(json_get(o, "media")->n, 2);
}

static void user_opt_out_state(void)
{
	struct user u = {.phone = "+12025550001", .name = "Ann", .status = "active"};
	const struct json *o, *st;

	views_user(fresh(), &u);
	o = written();
	CU_ASSERT_EQUAL(type_of(o, "optedOut"), JSON_BOOL);
	CU_ASSERT_FALSE(json_get(o, "optedOut")->b);
	CU_ASSERT_EQUAL(type_of(o, "optOut"), JSON_NULL);
	u.optout = (struct optout){.opted_out = true,
				   .keyword = "STOP",
				   .provider = "extreme",
				   .source = "keyword",
				   .at = "2026-01-02 03:04:05.000"};
	views_user(fresh(), &u);
	o = written();
	CU_ASSERT_TRUE(json_get(o, "optedOut")->b);
	ASSERT_STR(json_text(o, "status"), "active"); /* a flag, not a status */
	st = json_get(o, "optOut");
	CU_ASSERT_EQUAL_FATAL(st->type, JSON_OBJECT);
	ASSERT_STR(json_text(st, "keyword"), "STOP");
	ASSERT_STR(json_text(st, "provider"), "extreme");
	ASSERT_STR(json_text(st, "source"), "keyword");
	ASSERT_STR(json_text(st, "at"), "2026-01-02T03:04:05.000Z");
}

static void inbound_object_for_operators(void)
{
	struct incoming ex = msg;
	const struct json *o;

	views_inbound_operator(fresh(), &msg);
	o = written();
	ASSERT_STR(json_text(o, "phoneNumber"), "+12025550001");
	ASSERT_STR(json_text(o, "messageContent"), "hi \xf0\x9f\x98\x80");
	ASSERT_STR(json_text(o, "twilio_SmsMessageSid"), "SM42");
	ex.provider = "extreme";
	ex.usemodem = 1;
	ex.port = 2;
	views_inbound_operator(fresh(), &ex);
	CU_ASSERT_EQUAL(type_of(written(), "twilio_SmsMessageSid"), JSON_NULL);
}

static void outgoing_object_for_operators(void)
{
	struct outgoing m = {.id = 9,
			     .provider = "twilio",
			     .to = "+12025550001",
			     .from = "+12025550100",
			     .body = "x",
			     .body_len = 1,
			     .segments = 1,
			     .encoding = "GSM-7",
			     .operator_id = "alice",
			     .status = "failed",
			     .error_message = "nope",
			     .queued_at = "2026-01-02 03:04:05.000",
			     .in_reply_to = 42,
			     .usemodem = -1,
			     .port = -1};
	const struct json *o;

	views_outgoing_operator(fresh(), &m);
	o = written();
	ASSERT_STR(json_text(o, "id"), "out_9");
	ASSERT_STR(json_text(o, "twilio_ErrorMessage"), "nope");
	ASSERT_STR(json_text(o, "inReplyTo"), "msg_42");
	CU_ASSERT_EQUAL(type_of(o, "sentAt"), JSON_NULL);
	CU_ASSERT_EQUAL(type_of(o, "twilio_SmsMessageSid"), JSON_NULL);
	m.in_reply_to = 0;
	views_outgoing_operator(fresh(), &m);
	CU_ASSERT_EQUAL(type_of(written(), "inReplyTo"), JSON_NULL);
}

static void client_never_shows_its_secret(void)
{
	struct client c = {.id = 1,
			   .name = "Acme",
			   .status = "active",
			   .mode = "push",
			   .webhook_url = "https://erp.example.com/sms",
			   .webhook_secret = "whsec_top-secret-value-123",
			   .created_at = "2026-01-02 03:04:05"};
	const struct json *o, *hook;
	struct jsonw *wr = fresh();

	jsonw_obj(wr);
	views_client_members(wr, &c);
	jsonw_obj_end(wr);
	o = written();
	CU_ASSERT_PTR_NULL(strstr(b.p, "top-secret"));
	hook = json_get(o, "webhook");
	CU_ASSERT_PTR_NOT_NULL_FATAL(hook);
	ASSERT_STR(json_text(hook, "badge"), "configured");
	CU_ASSERT_TRUE(json_get(hook, "secretSet")->b);
	CU_ASSERT_EQUAL(type_of(o, "updatedAt"), JSON_NULL);
	c.webhook_url = NULL;
	wr = fresh();
	jsonw_obj(wr);
	views_client_members(wr, &c);
	jsonw_obj_end(wr);
	ASSERT_STR(json_text(json_get(written(), "webhook"), "badge"), "not set");
}

static void delivery_with_attempts(void)
{
	struct delivery_attempt log[2] = {{.attempt = 1,
					   .started_at = "2026-01-02 03:04:05.000",
					   .duration_ms = 30,
					   .http_status = 500,
					   .outcome = "failed",
					   .error = "HTTP 500"},
					  {.attempt = 2,
					   .started_at = "2026-01-02 03:04:15.000",
					   .duration_ms = 12,
					   .outcome = "timeout",
					   .error = "timed out"}};
	struct delivery d = {.id = 5,
			     .event_id = "evt_x",
			     .incoming_id = 42,
			     .status = "pending",
			     .attempts = 2,
			     .log = log,
			     .nlog = 2};
	const struct json *o, *l;

	views_delivery(fresh(), &d);
	o = written();
	ASSERT_STR(json_text(o, "id"), "dlv_5");
	ASSERT_STR(json_text(o, "messageId"), "msg_42");
	CU_ASSERT_EQUAL(type_of(o, "lastHttpStatus"), JSON_NULL);
	l = json_get(o, "attemptLog");
	CU_ASSERT_EQUAL_FATAL(l->n, 2);
	ASSERT_STR(json_text(l->first, "httpStatus"), "500");
	CU_ASSERT_EQUAL(type_of(l->last, "httpStatus"), JSON_NULL);
}

static void list_and_time_helpers(void)
{
	struct jsonw *wr = fresh();
	const struct json *o;

	views_list_open(wr, 0, "users");
	jsonw_arr_end(wr);
	views_time(wr, "bad", "yesterday");
	views_time(wr, "none", NULL);
	jsonw_obj_end(wr);
	o = written();
	ASSERT_STR(json_text(o, "status"), "success");
	CU_ASSERT_EQUAL(type_of(o, "users"), JSON_ARRAY);
	CU_ASSERT_EQUAL(type_of(o, "bad"), JSON_NULL);
	CU_ASSERT_EQUAL(type_of(o, "none"), JSON_NULL);
}

static const struct test_case tests[] = {
	{"an inbound message as clients see it", inbound_object_for_clients},
	{"an inbound message as operators see it", inbound_object_for_operators},
	{"an outbound message as operators see it", outgoing_object_for_operators},
	{"a client shows its webhook's badge, never its secret", client_never_shows_its_secret},
	{"a delivery with its attempt log", delivery_with_attempts},
	{"list openings and times (null when absent or malformed)", list_and_time_helpers},
	{"inbound objects carry keyword and media [{url, contentType}]", inbound_keyword_and_media},
	{"a user shows optedOut and optOut, its status unchanged", user_opt_out_state},
	{NULL, NULL},
};

void suite_views(void)
{
	CU_pSuite s = CU_add_suite("views", setup, teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
