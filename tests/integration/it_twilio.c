/*
 * Integration: Twilio's webhooks.  Signed inbound from registered,
 * inactive and unknown senders; tampering; concurrent replays; UTF-8;
 * routing; pushes; status callbacks in any order.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *twiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

/* The operator's view of the message with this sid, or NULL. */
static const struct json *find_incoming(const struct fixture *f, const char *sid)
{
	struct resp r = it_get("/api/messages/incoming?limit=1000", f->op_token);
	const struct json *m;

	for (m = it_member(r.json, "messages") ? it_member(r.json, "messages")->first : NULL; m;
	     m = m->next) {
		const struct json *s = it_member(m, "twilio_SmsMessageSid");
		if (s && s->type == JSON_STRING && strcmp(s->s, sid) == 0)
			return m;
	}
	return NULL;
}

static bool flag(const struct json *m, const char *k)
{
	const struct json *v = it_member(m, k);

	return v && v->type == JSON_BOOL && v->b;
}

static long long jobs(const char *sid, const char *kind)
{
	char *n = it_sql("SELECT COUNT(*) FROM push_outbox o JOIN incoming_messages i ON i.id ="
			 " o.incoming_id WHERE i.provider_message_id = '%s' AND o.kind = '%s'",
			 sid, kind);
	return n ? atoll(n) : -1;
}

static void registered_sender_is_acknowledged(void)
{
	struct fixture f = fx_new("TwReg ");
	const char *from = fx_phone(), *sid;
	struct resp r;
	const struct json *m;

	fx_user(&f, from, "Alice", "active");
	sid = it_unique("SMreg");
	r = it_twilio_post("/twilio/incoming", fx_inbound_form(sid, from, f.number, "Hello there"),
			   NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(r.body, twiml);
	CU_ASSERT_PTR_NOT_NULL(strstr(it_header(&r, "content-type"), "text/xml"));
	m = find_incoming(&f, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_TRUE(flag(m, "isRegistered"));
	CU_ASSERT_TRUE(flag(m, "responseSent"));
	CU_ASSERT_STRING_EQUAL(it_member(m, "phoneNumber")->s, from);
	CU_ASSERT_STRING_EQUAL(it_member(m, "messageContent")->s, "Hello there");
	CU_ASSERT_EQUAL(strncmp(it_member(m, "id")->s, "msg_", 4), 0);
	CU_ASSERT_EQUAL(jobs(sid, "ack_sms"), 1);
}

static void inactive_sender_is_not_acknowledged(void)
{
	struct fixture f = fx_new("TwInactive ");
	const char *from = fx_phone(), *sid;
	const struct json *m;

	fx_user(&f, from, "Bob", "inactive");
	sid = fx_inbound(from, f.number, "hi");
	m = find_incoming(&f, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FALSE(flag(m, "isRegistered"));
	CU_ASSERT_FALSE(flag(m, "responseSent"));
	CU_ASSERT_EQUAL(jobs(sid, "ack_sms"), 0);
}

static void unknown_sender_is_stored_unregistered(void)
{
	struct fixture f = fx_new("TwUnknown ");
	const char *sid = fx_inbound(fx_phone(), f.number, "who am I");
	const struct json *m = find_incoming(&f, sid);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FALSE(flag(m, "isRegistered"));
	CU_ASSERT_FALSE(flag(m, "responseSent"));
	CU_ASSERT_EQUAL(jobs(sid, "ack_sms"), 0);
}

static void tampered_field_is_403_and_not_stored(void)
{
	struct fixture f = fx_new("TwTamper ");
	const char *sid = it_unique("SMtamper"), *from = fx_phone();
	const char *form = fx_inbound_form(sid, from, f.number, "pay 10");
	const char *sig =
		it_twilio_sig("/twilio/incoming", form, it_env("IBIKI_TWILIO_AUTH_TOKEN"));
	struct resp r = it_twilio_post("/twilio/incoming",
				       fx_inbound_form(sid, from, f.number, "pay 99"), sig);

	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_signature"));
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "0");
}

static void extra_field_is_403(void)
{
	struct fixture f = fx_new("TwExtra ");
	const char *sid = it_unique("SMextra");
	const char *form = fx_inbound_form(sid, fx_phone(), f.number, "x");
	const char *sig =
		it_twilio_sig("/twilio/incoming", form, it_env("IBIKI_TWILIO_AUTH_TOKEN"));
	struct resp r = it_twilio_post("/twilio/incoming", it_fmt("%s&Injected=1", form), sig);

	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "0");
}

static void missing_signature_is_400(void)
{
	struct fixture f = fx_new("TwNoSig ");
	const char *sid = it_unique("SMnosig");
	struct resp r = it_twilio_post("/twilio/incoming",
				       fx_inbound_form(sid, fx_phone(), f.number, "x"), "");

	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "missing_signature"));
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "0");
}

static void wrong_token_or_account_is_403(void)
{
	struct fixture f = fx_new("TwToken ");
	const char *sid = it_unique("SMtok");
	const char *form = fx_inbound_form(sid, fx_phone(), f.number, "x");
	struct resp r = it_twilio_post("/twilio/incoming", form,
				       it_twilio_sig("/twilio/incoming", form, "another-token"));

	CU_ASSERT_EQUAL(r.status, 403);
	/* Signed right, but for another account. */
	form = it_fmt("MessageSid=%s&AccountSid=ACother&From=%%2B15551230000&To=%s&Body=x", sid,
		      fx_esc(f.number));
	r = it_twilio_post("/twilio/incoming", form, NULL);
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_account"));
}

static void malformed_or_incomplete_form_is_400(void)
{
	struct resp r = it_twilio_post("/twilio/incoming", "MessageSid=SMx&AccountSid=%zz", NULL);

	CU_ASSERT_EQUAL(r.status, 400);
	r = it_twilio_post("/twilio/incoming",
			   it_fmt("MessageSid=SMincomplete&AccountSid=%s&Body=x",
				  it_env("IBIKI_TWILIO_ACCOUNT_SID")),
			   NULL);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_request"));
}

static void concurrent_replay_is_stored_once(void)
{
	struct fixture f = fx_new("TwReplay ");
	const char *from = fx_phone(), *sid = it_unique("SMreplay");
	const char *form, *h[2];

	fx_user(&f, from, "Carol", "active");
	it_post(it_fmt("/api/admin/clients/%lld/webhook", f.client), it_admin_token(),
		"{\"url\":\"https://hooks.example.com/replay\"}");
	it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", f.client), it_admin_token(),
		"{\"mode\":\"push\"}");
	form = fx_inbound_form(sid, from, f.number, "again and again");
	h[0] = it_fmt("X-Twilio-Signature: %s",
		      it_twilio_sig("/twilio/incoming", form, it_env("IBIKI_TWILIO_AUTH_TOKEN")));
	h[1] = NULL;
	CU_ASSERT_EQUAL(it_parallel(10, "POST", "/twilio/incoming", h,
				    "application/x-www-form-urlencoded", form, 200),
			10);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "1");
	CU_ASSERT_EQUAL(jobs(sid, "ack_sms"), 1);
	CU_ASSERT_EQUAL(jobs(sid, "webhook"), 1);
}

static void utf8_and_empty_bodies_round_trip(void)
{
	struct fixture f = fx_new("TwUtf8 ");
	const char *text =
		"Caf\xc3\xa9 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87 \xe2\x82\xac \"q\" \\ <b>";
	const char *sid = fx_inbound(fx_phone(), f.number, text);
	const struct json *m = find_incoming(&f, sid);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(it_member(m, "messageContent")->s, text);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT HEX(body) FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "436166C3A920F09F988020E4B8ADE69687"
			       "20E282AC20227122205C203C623E");
	sid = fx_inbound(fx_phone(), f.number, "");
	m = find_incoming(&f, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(it_member(m, "messageContent")->s, "");
}

static void unrouted_message_is_stored_and_counted(void)
{
	const char *sid = fx_inbound(fx_phone(), fx_phone(), "nobody's number");
	struct resp r;

	CU_ASSERT_STRING_EQUAL(it_sql("SELECT client_id IS NULL FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "1");
	r = it_get("/metrics", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "ibiki_inbound_unrouted_total "));
}

static void push_queued_only_in_push_or_both_mode(void)
{
	struct fixture f = fx_new("TwModes ");
	const char *tok = it_admin_token();
	const char *sid;

	it_post(it_fmt("/api/admin/clients/%lld/webhook", f.client), tok,
		"{\"url\":\"https://hooks.example.com/modes\"}");
	sid = fx_inbound(fx_phone(), f.number, "poll mode");
	CU_ASSERT_EQUAL(jobs(sid, "webhook"), 0);
	it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", f.client), tok,
		"{\"mode\":\"both\"}");
	sid = fx_inbound(fx_phone(), f.number, "both mode");
	CU_ASSERT_EQUAL(jobs(sid, "webhook"), 1);
}

/* --- status callbacks ----------------------------------------------------- */

static const char *sent_sid(const struct fixture *f, const char *to)
{
	struct resp r = it_post("/api/send-message", f->op_token,
				it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"status test\","
				       "\"operatorId\":\"%s\"}",
				       to, f->op_name));

	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	return it_str(&r, "twilio_MessageSid");
}

static struct resp status_cb(const char *sid, const char *status)
{
	return it_twilio_post("/twilio/status",
			      it_fmt("MessageSid=%s&MessageStatus=%s&AccountSid=%s&ErrorCode=", sid,
				     status, it_env("IBIKI_TWILIO_ACCOUNT_SID")),
			      NULL);
}

static const char *out_status(const char *sid)
{
	return it_sql("SELECT status FROM outgoing_messages WHERE provider_message_id = '%s'", sid);
}

static void status_moves_forward_only(void)
{
	struct fixture f = fx_new("TwStatus ");
	const char *to = fx_phone(), *sid;

	fx_user(&f, to, "Dan", "active");
	sid = sent_sid(&f, to);
	CU_ASSERT_STRING_EQUAL(out_status(sid), "sent");
	CU_ASSERT_EQUAL(status_cb(sid, "delivered").status, 200);
	CU_ASSERT_STRING_EQUAL(out_status(sid), "delivered");
	CU_ASSERT_EQUAL(status_cb(sid, "sent").status, 200); /* late */
	CU_ASSERT_STRING_EQUAL(out_status(sid), "delivered");
	CU_ASSERT_EQUAL(status_cb(sid, "queued").status, 200);
	CU_ASSERT_STRING_EQUAL(out_status(sid), "delivered");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM message_status_events WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "3");
}

static void undelivered_keeps_error_code(void)
{
	struct fixture f = fx_new("TwUndeliv ");
	const char *to = fx_phone(), *sid;
	struct resp r;

	fx_user(&f, to, "Eve", "active");
	sid = sent_sid(&f, to);
	r = it_twilio_post(
		"/twilio/status",
		it_fmt("MessageSid=%s&MessageStatus=undelivered&ErrorCode=30003&AccountSid=%s", sid,
		       it_env("IBIKI_TWILIO_ACCOUNT_SID")),
		NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(out_status(sid), "undelivered");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT error_code FROM outgoing_messages WHERE"
				      " provider_message_id = '%s'",
				      sid),
			       "30003");
}

static void unknown_sid_status_is_200_and_kept(void)
{
	const char *sid = it_unique("SMunknown");
	struct resp r = status_cb(sid, "delivered");

	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM message_status_events WHERE"
				      " provider_message_id = '%s' AND outgoing_id IS NULL",
				      sid),
			       "1");
}

static void status_needs_a_signature(void)
{
	struct resp r =
		it_twilio_post("/twilio/status", "MessageSid=SMx&MessageStatus=delivered", "");

	CU_ASSERT_EQUAL(r.status, 400);
	r = it_twilio_post("/twilio/status",
			   it_fmt("MessageSid=SMx&MessageStatus=delivered&AccountSid=%s",
				  it_env("IBIKI_TWILIO_ACCOUNT_SID")),
			   "bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==");
	CU_ASSERT_EQUAL(r.status, 403);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"inbound from an active user: stored registered, acknowledgement queued",
	 registered_sender_is_acknowledged},
	{"inbound from an inactive user: unregistered, no acknowledgement",
	 inactive_sender_is_not_acknowledged},
	{"inbound from an unknown sender: unregistered, no acknowledgement",
	 unknown_sender_is_stored_unregistered},
	{"a tampered field is 403 and nothing is stored", tampered_field_is_403_and_not_stored},
	{"a field added after signing is 403", extra_field_is_403},
	{"a missing signature is 400 and nothing is stored", missing_signature_is_400},
	{"a wrong token or another AccountSid is 403", wrong_token_or_account_is_403},
	{"a malformed or incomplete form is 400", malformed_or_incomplete_form_is_400},
	{"10 concurrent replays: one row, one push, one acknowledgement",
	 concurrent_replay_is_stored_once},
	{"UTF-8 and emoji round-trip byte-identical; an empty body is kept",
	 utf8_and_empty_bodies_round_trip},
	{"an unrouted message is stored without a client and counted",
	 unrouted_message_is_stored_and_counted},
	{"the push is queued in push/both mode only", push_queued_only_in_push_or_both_mode},
	{"status callbacks move forward only (delivered, then late sent)",
	 status_moves_forward_only},
	{"undelivered keeps Twilio's error code", undelivered_keeps_error_code},
	{"a status for an unknown MessageSid is 200 and kept", unknown_sid_status_is_200_and_kept},
	{"status callbacks need a valid signature", status_needs_a_signature},
};

void it_suite_twilio(void)
{
	CU_pSuite s = CU_add_suite("twilio webhooks", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
