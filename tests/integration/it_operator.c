/*
 * Integration: the operator API over the mock Twilio.  send-message and
 * every error, Twilio failures, retries and timeouts, Idempotency-Key,
 * list filters, users, the web inbox and its reply, tenant isolation.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *twilio(void)
{
	return it_env("IBIKI_TEST_TWILIO");
}

static struct resp send(const struct fixture *f, const char *to, const char *text)
{
	return it_post(
		"/api/send-message", f->op_token,
		it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"%s\",\"operatorId\":\"%s\"}",
		       to, text, f->op_name));
}

static const struct json *last_mock_request(const char *to, size_t *n)
{
	const struct json *all = it_mock_requests(twilio(), it_fmt("?to=%s", fx_esc(to)), n);

	return all && all->last ? all->last : NULL;
}

static const char *form_value(const struct json *rec, const char *name)
{
	const struct json *f = it_member(rec, "form"), *v = it_member(f, name);

	return v && v->first && v->first->type == JSON_STRING ? v->first->s : NULL;
}

static void send_message_success(void)
{
	struct fixture f = fx_new("OpSend ");
	const char *to = fx_phone();
	struct resp r;
	const struct json *rec;
	size_t n;

	fx_user(&f, to, "Alice", "active");
	r = send(&f, to, "Your order has been shipped!");
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "sent");
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "messageId"), "out_", 4), 0);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "phoneNumber"), to);
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "timestamp"));
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "twilio_MessageSid"), "SM", 2), 0);
	CU_ASSERT_EQUAL(it_int(&r, "segments"), 1);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "encoding"), "GSM-7");
	/* What Twilio got. */
	rec = last_mock_request(to, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(form_value(rec, "Body"), "Your order has been shipped!");
	CU_ASSERT_STRING_EQUAL(form_value(rec, "From"), f.number);
	CU_ASSERT_PTR_NOT_NULL(strstr(form_value(rec, "StatusCallback"), "/twilio/status"));
	CU_ASSERT_TRUE(it_member(rec, "auth_ok")->b);
	/* What was recorded. */
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT CONCAT(status, ' ', provider_message_id = '%s',"
		       " ' ', sent_at IS NOT NULL) FROM outgoing_messages WHERE id = %s",
		       it_str(&r, "twilio_MessageSid"), it_str(&r, "messageId") + 4),
		"sent 1 1");
}

static void from_is_the_number_the_user_texted(void)
{
	struct fixture f = fx_new("OpFrom ");
	const char *to = fx_phone(), *second = fx_phone();
	const struct json *rec;
	size_t n;

	CU_ASSERT_EQUAL(it_post(it_fmt("/api/admin/clients/%lld/routes", f.client),
				it_admin_token(),
				it_fmt("{\"provider\":\"twilio\",\"number\":\"%s\"}", second))
				.status,
			201);
	fx_user(&f, to, "Zed", "active");
	fx_inbound(to, second, "I wrote to your second number");
	CU_ASSERT_EQUAL(send(&f, to, "answer").status, 200);
	rec = last_mock_request(to, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_STRING_EQUAL(form_value(rec, "From"), second);
}

static void send_message_validation_errors(void)
{
	struct fixture f = fx_new("OpErr ");
	const char *to = fx_phone(), *off = fx_phone();
	char *long_text = malloc(1700);
	struct resp r;

	fx_user(&f, to, "Al", "active");
	fx_user(&f, off, "Off", "inactive");
	r = it_post("/api/send-message", f.op_token, "{\"phoneNumber\":\"+12025551234\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_request"));
	/* Missing fields are reported before a bad phone number. */
	r = it_post("/api/send-message", f.op_token,
		    "{\"phoneNumber\":\"12\",\"operatorId\":\"x\"}");
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_request"));
	r = send(&f, "12025551234", "hi");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_phone_number"));
	CU_ASSERT_STRING_EQUAL(it_str(&r, "message"),
			       "Phone number must be in E.164 format (+1234567890)");
	r = send(&f, fx_phone(), "hi");
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "user_not_found"));
	r = send(&f, off, "hi");
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "user_inactive"));
	CU_ASSERT_STRING_EQUAL(it_str(&r, "message"), "User status is not active");
	r = send(&f, to, "");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_message"));
	memset(long_text, 'a', 1601);
	long_text[1601] = '\0';
	r = send(&f, to, long_text);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_message"));
	long_text[1600] = '\0';
	r = send(&f, to, long_text);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "segments"), 11);
	free(long_text);
	r = it_post("/api/send-message", f.op_token,
		    it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"hi\",\"operatorId\":"
			   "\"someone_else\"}",
			   to));
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "operator_mismatch"));
}

static void twilio_error_is_503_and_recorded_failed(void)
{
	struct fixture f = fx_new("OpFail ");
	const char *bad = "+15005550001";
	struct resp r;

	fx_user(&f, bad, "Invalid", "active");
	r = send(&f, bad, "hello");
	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_TRUE(it_is_error(&r, "twilio_error"));
	CU_ASSERT_STRING_EQUAL(it_str(&r, "message"), "Failed to send SMS");
	CU_ASSERT_PTR_NOT_NULL(strstr(it_str(&r, "details"), "is not a valid phone number"));
	r = it_get(it_fmt("/api/messages/outgoing?status=failed&phoneNumber=%s", fx_esc(bad)),
		   f.op_token);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"twilio_ErrorMessage\":\"The 'To' number"));
}

static void rate_limited_by_twilio_is_retried(void)
{
	struct fixture f = fx_new("Op429 ");
	const char *twice = "+15005550430", *always = "+15005550429";
	struct resp r;
	size_t n;

	it_mock_reset(twilio());
	fx_user(&f, twice, "Twice", "active");
	fx_user(&f, always, "Always", "active");
	r = send(&f, twice, "after two 429s");
	CU_ASSERT_EQUAL(r.status, 200);
	last_mock_request(twice, &n);
	CU_ASSERT_EQUAL(n, 3);
	r = send(&f, always, "never");
	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_TRUE(it_is_error(&r, "twilio_error"));
	last_mock_request(always, &n);
	CU_ASSERT_EQUAL(n, 3); /* bounded */
}

static void timeout_after_sending_is_reconciled(void)
{
	struct fixture f = fx_new("OpHang ");
	const char *hang = "+15005550009";
	struct resp r;
	size_t n;

	it_mock_reset(twilio());
	fx_user(&f, hang, "Hang", "active");
	/* The mock takes it and answers too late: the dispatcher's attempt
	 * times out (2 s), the outcome is unknown, so it asks Twilio's
	 * message list instead of sending again -- and finds it. */
	r = send(&f, hang, "into the void");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status") ? it_str(&r, "status") : "", "sent");
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "twilio_MessageSid"));
	last_mock_request(hang, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT CONCAT(status, ' ', provider_message_id = '%s')"
				      " FROM outgoing_messages WHERE id = %s",
				      it_str(&r, "twilio_MessageSid"), it_str(&r, "messageId") + 4),
			       "sent 1");
}

static void idempotency_key_replays_the_first_answer(void)
{
	struct fixture f = fx_new("OpIdem ");
	const char *to = fx_phone(), *key = it_unique("idem-"), *body;
	const char *h[3];
	struct resp a, b, c;
	size_t n;

	fx_user(&f, to, "Ida", "active");
	body = it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"once\",\"operatorId\":\"%s\"}",
		      to, f.op_name);
	h[0] = it_fmt("Authorization: Bearer %s", f.op_token);
	h[1] = it_fmt("Idempotency-Key: %s", key);
	h[2] = NULL;
	a = it_req("POST", "/api/send-message", h, "application/json", body, strlen(body));
	b = it_req("POST", "/api/send-message", h, "application/json", body, strlen(body));
	CU_ASSERT_EQUAL(a.status, 200);
	CU_ASSERT_EQUAL(b.status, 200);
	CU_ASSERT_STRING_EQUAL(a.body, b.body);
	CU_ASSERT_PTR_NOT_NULL(it_header(&b, "idempotent-replayed"));
	last_mock_request(to, &n);
	CU_ASSERT_EQUAL(n, 1);
	body = it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"twice\",\"operatorId\":\"%s\"}",
		      to, f.op_name);
	c = it_req("POST", "/api/send-message", h, "application/json", body, strlen(body));
	CU_ASSERT_EQUAL(c.status, 422);
	CU_ASSERT_TRUE(it_is_error(&c, "idempotency_key_reused"));
}

/* A claim whose request never answered (its worker was killed): 409 while
 * it may still run, free again after 5 minutes (IDEM_STALE_S). */
static void abandoned_idempotency_claim_frees_the_key(void)
{
	struct fixture f = fx_new("OpStale ");
	const char *to = fx_phone(), *key = it_unique("stale-"), *body;
	const char *h[3];
	struct resp r;
	size_t n;

	fx_user(&f, to, "Sid", "active");
	body = it_fmt(
		"{\"phoneNumber\":\"%s\",\"messageContent\":\"cut off\",\"operatorId\":\"%s\"}", to,
		f.op_name);
	h[0] = it_fmt("Authorization: Bearer %s", f.op_token);
	h[1] = it_fmt("Idempotency-Key: %s", key);
	h[2] = NULL;
	CU_ASSERT_EQUAL(
		it_req("POST", "/api/send-message", h, "application/json", body, strlen(body))
			.status,
		200);
	/* As if the worker had died before the answer was stored. */
	it_sql("UPDATE idempotency_keys SET status_code = NULL, response = NULL,"
	       " created_at = NOW(3) - INTERVAL 60 SECOND WHERE idem_key = '%s'",
	       key);
	r = it_req("POST", "/api/send-message", h, "application/json", body, strlen(body));
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "request_in_progress"));
	it_sql("UPDATE idempotency_keys SET created_at = NOW(3) - INTERVAL 301 SECOND"
	       " WHERE idem_key = '%s'",
	       key);
	r = it_req("POST", "/api/send-message", h, "application/json", body, strlen(body));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NULL(it_header(&r, "idempotent-replayed"));
	last_mock_request(to, &n);
	CU_ASSERT_EQUAL(n, 2);
}

static const char *ids_of(const struct resp *r)
{
	const struct json *m;
	char *s = it_fmt("%s", "");

	for (m = it_member(r->json, "messages") ? it_member(r->json, "messages")->first : NULL; m;
	     m = m->next)
		s = it_fmt("%s%s,", s, it_member(m, "messageContent")->s);
	return s;
}

static void incoming_list_filters(void)
{
	struct fixture f = fx_new("OpList ");
	const char *reg = fx_phone(), *other = fx_phone();
	struct resp r;

	fx_user(&f, reg, "Reg", "active");
	fx_inbound(reg, f.number, "one");
	fx_inbound(other, f.number, "two");
	fx_inbound(reg, f.number, "three");
	r = it_get("/api/messages/incoming", f.op_token);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "success");
	CU_ASSERT_EQUAL(it_int(&r, "count"), 3);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "three,two,one,");
	r = it_get("/api/messages/incoming?sort=asc&limit=2", f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "one,two,");
	r = it_get(it_fmt("/api/messages/incoming?phoneNumber=%s", fx_esc(reg)), f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "three,one,");
	r = it_get("/api/messages/incoming?isRegistered=false", f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "two,");
	r = it_get("/api/messages/incoming?isRegistered=true&sort=asc", f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "one,three,");
}

static void list_bad_values_are_400(void)
{
	struct fixture f = fx_new("OpBad ");
	static const char *bad[] = {
		"/api/messages/incoming?limit=0",
		"/api/messages/incoming?limit=1001",
		"/api/messages/incoming?limit=ten",
		"/api/messages/incoming?sort=up",
		"/api/messages/incoming?isRegistered=maybe",
		"/api/messages/incoming?phoneNumber=123",
		"/api/messages/outgoing?status=lost",
		"/api/messages/outgoing?limit=-1",
		"/api/messages/outgoing?sort=DESC",
		"/api/users?status=gone",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp r = it_get(bad[i], f.op_token);
		CU_ASSERT_EQUAL(r.status, 400);
		CU_ASSERT_PTR_NOT_NULL(it_str(&r, "error"));
	}
}

static void outgoing_list_filters(void)
{
	struct fixture f = fx_new("OpOut ");
	const char *a = fx_phone(), *fail = "+15005550402";
	struct resp r;

	fx_user(&f, a, "A", "active");
	fx_user(&f, fail, "Broke", "active");
	send(&f, a, "first");
	send(&f, fail, "second");
	send(&f, a, "third");
	r = it_get("/api/messages/outgoing", f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "third,second,first,");
	r = it_get("/api/messages/outgoing?status=sent&sort=asc", f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "first,third,");
	r = it_get("/api/messages/outgoing?status=failed", f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "second,");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "Account has insufficient credit"));
	r = it_get(it_fmt("/api/messages/outgoing?operatorId=%s&limit=1", f.op_name), f.op_token);
	CU_ASSERT_STRING_EQUAL(ids_of(&r), "third,");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, it_fmt("\"operatorId\":\"%s\"", f.op_name)));
	r = it_get("/api/messages/outgoing?operatorId=nobody", f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
}

static void users_register_list_and_update(void)
{
	struct fixture f = fx_new("OpUsers ");
	const char *p1 = fx_phone(), *p2 = fx_phone(), *p3 = fx_phone();
	struct resp r;

	fx_user(&f, p1, "Zoe", "active");
	fx_user(&f, p2, "adam", "active");
	fx_user(&f, p3, "Mia", "inactive");
	r = it_get("/api/users", f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 2);
	CU_ASSERT_TRUE(strstr(r.body, "adam") < strstr(r.body, "Zoe")); /* by name, any case */
	r = it_get("/api/users?status=inactive", f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	r = it_get("/api/users?status=all", f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 3);
	r = it_post("/api/users", f.op_token,
		    it_fmt("{\"phoneNumber\":\"%s\",\"name\":\"Again\"}", p1));
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "user_exists"));
	r = it_post("/api/users", f.op_token, "{\"phoneNumber\":\"555\",\"name\":\"Bad\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_phone_number"));
	r = it_patch(it_fmt("/api/users/%s", fx_esc(p3)), f.op_token,
		     "{\"status\":\"active\",\"name\":\"Mia Wong\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "active");
	CU_ASSERT_STRING_EQUAL(it_str(&r, "name"), "Mia Wong");
	r = it_patch(it_fmt("/api/users/%s", fx_esc(fx_phone())), f.op_token,
		     "{\"status\":\"inactive\"}");
	CU_ASSERT_EQUAL(r.status, 404);
	r = it_patch(it_fmt("/api/users/%s", fx_esc(p1)), f.op_token, "{\"status\":\"sleeping\"}");
	CU_ASSERT_EQUAL(r.status, 400);
}

static void web_inbox_and_reply(void)
{
	struct fixture f = fx_new("OpWeb ");
	const char *phone = fx_phone();
	struct resp r;
	const struct json *c, *rec;
	size_t n;

	fx_inbound(phone, f.number, "first words");
	fx_inbound(phone, f.number, "second words");
	r = it_get("/api/web/inbox", f.op_token);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	c = it_member(r.json, "conversations")->first;
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(it_member(c, "phoneNumber")->s, phone);
	CU_ASSERT_STRING_EQUAL(it_member(it_member(c, "lastMessage"), "message")->s,
			       "second words");
	CU_ASSERT_EQUAL(atoi(it_member(c, "unread")->s), 2);
	r = it_get(it_fmt("/api/web/inbox/%s", fx_esc(phone)), f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 2);
	r = it_get("/api/web/inbox", f.op_token);
	c = it_member(r.json, "conversations")->first;
	CU_ASSERT_EQUAL(atoi(it_member(c, "unread")->s), 0);

	r = it_post("/api/web/inbox/reply", f.op_token,
		    it_fmt("{\"to\":\"%s\",\"message\":\"thanks!\"}", phone));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "provider"), "twilio");
	CU_ASSERT_STRING_EQUAL(it_str(&r, "from"), f.number);
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "inReplyTo"), "msg_", 4), 0);
	rec = last_mock_request(phone, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_STRING_EQUAL(form_value(rec, "From"), f.number);
	CU_ASSERT_STRING_EQUAL(form_value(rec, "Body"), "thanks!");
	r = it_get("/api/web/inbox", f.op_token);
	c = it_member(r.json, "conversations")->first;
	CU_ASSERT_STRING_EQUAL(it_member(it_member(c, "lastMessage"), "direction")->s, "out");

	r = it_post("/api/web/inbox/reply", f.op_token,
		    it_fmt("{\"to\":\"%s\",\"message\":\"hello?\"}", fx_phone()));
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "no_conversation"));
}

static void operators_see_only_their_client(void)
{
	struct fixture a = fx_new("IsoA "), b = fx_new("IsoB ");
	const char *pb = fx_phone();
	struct resp r;

	fx_user(&b, pb, "Bea", "active");
	fx_inbound(pb, b.number, "for B only");
	send(&b, pb, "B's reply");
	r = it_get("/api/messages/incoming", a.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get("/api/messages/outgoing", a.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get("/api/users?status=all", a.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get("/api/web/inbox", a.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get(it_fmt("/api/web/inbox/%s", fx_esc(pb)), a.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_post("/api/web/inbox/reply", a.op_token,
		    it_fmt("{\"to\":\"%s\",\"message\":\"x\"}", pb));
	CU_ASSERT_EQUAL(r.status, 404);
	r = it_patch(it_fmt("/api/users/%s", fx_esc(pb)), a.op_token, "{\"status\":\"inactive\"}");
	CU_ASSERT_EQUAL(r.status, 404);
	r = send(&a, pb, "not mine");
	CU_ASSERT_EQUAL(r.status, 404);
	/* A header naming B changes nothing for an operator of A. */
	{
		const char *h[] = {it_fmt("Authorization: Bearer %s", a.op_token),
				   it_fmt("X-Ibiki-Client: %lld", b.client), NULL};
		r = it_req("GET", "/api/messages/incoming", h, NULL, NULL, 0);
		CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	}
}

static void admin_acts_for_a_client_by_header(void)
{
	struct fixture f = fx_new("AdminActs ");
	const char *h[] = {it_fmt("Authorization: Bearer %s", it_admin_token()),
			   it_fmt("X-Ibiki-Client: %lld", f.client), NULL};
	struct resp r;

	fx_inbound(fx_phone(), f.number, "seen by admin");
	r = it_req("GET", "/api/messages/incoming", h, NULL, NULL, 0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	r = it_get("/api/messages/incoming", it_admin_token());
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "client_required"));
}

static void disabled_client_locks_out_operators(void)
{
	struct fixture f = fx_new("Disabled ");
	const char *h[] = {it_fmt("Authorization: Bearer %s", it_admin_token()),
			   it_fmt("X-Ibiki-Client: %lld", f.client), NULL};
	struct resp r;

	CU_ASSERT_EQUAL(it_get("/api/users", f.op_token).status, 200);
	it_sql("UPDATE client_profiles SET status = 'disabled' WHERE id = %lld", f.client);
	r = it_get("/api/users", f.op_token);
	CU_ASSERT_EQUAL(r.status, 401);
	CU_ASSERT_TRUE(it_is_error(&r, "unauthorized"));
	r = send(&f, fx_phone(), "must not leave");
	CU_ASSERT_EQUAL(r.status, 401);
	r = it_req("GET", "/api/messages/incoming", h, NULL, NULL, 0);
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "client_disabled"));
}

static void api_key_cannot_use_operator_api(void)
{
	struct fixture f = fx_new("KeyOp ");
	struct resp r = it_get("/api/messages/incoming", it_new_key(f.client));

	CU_ASSERT_EQUAL(r.status, 403);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"send-message: 200, recorded sent, Twilio got To/From/Body/StatusCallback",
	 send_message_success},
	{"send-message sends from the number the user last texted",
	 from_is_the_number_the_user_texted},
	{"send-message: every validation error, in the seed's order",
	 send_message_validation_errors},
	{"a Twilio error is 503 twilio_error and recorded failed",
	 twilio_error_is_503_and_recorded_failed},
	{"Twilio 429 is retried, a bounded number of times", rate_limited_by_twilio_is_retried},
	{"a timeout after sending is reconciled to sent, never resent",
	 timeout_after_sending_is_reconciled},
	{"Idempotency-Key replays the first answer; another body is 422",
	 idempotency_key_replays_the_first_answer},
	{"an unanswered Idempotency-Key claim: 409, then free after 5 minutes",
	 abandoned_idempotency_claim_frees_the_key},
	{"incoming list: newest first, asc, limit, phoneNumber, isRegistered",
	 incoming_list_filters},
	{"bad list parameters are 400", list_bad_values_are_400},
	{"outgoing list: status and operatorId filters", outgoing_list_filters},
	{"users: register, list by status sorted by name, update", users_register_list_and_update},
	{"web inbox: conversations, unread, read, reply through the texted number",
	 web_inbox_and_reply},
	{"an operator of A sees and touches nothing of B", operators_see_only_their_client},
	{"an admin acts for a client with X-Ibiki-Client", admin_acts_for_a_client_by_header},
	{"a disabled client's operators get 401, admins acting for it 403",
	 disabled_client_locks_out_operators},
	{"an API key cannot use the operator API", api_key_cannot_use_operator_api},
};

void it_suite_operator(void)
{
	CU_pSuite s = CU_add_suite("operator API", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
