/*
 * Integration: the outbound side (DESIGN "Outbound messages") -- every SMS
 * queued as a row and a job and sent by the dispatcher; the asynchronous
 * v2 API (202, one message, the outbox cursor); Prefer: respond-async on
 * the synchronous seed endpoints; sms.status events, in order; at most
 * once to the provider across killed dispatchers and workers
 * (reconciliation through the mock Twilio's message list); the sweeper;
 * per-route throttles shared by dispatchers; and provider webhooks that
 * stay fast while every api worker waits on a hanging upstream.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "itest.h"

#define HANG_TO	 "+15005550009" /* the mocks take it, then answer too late */
#define MAX_KIDS 64

static const char *twilio(void)
{
	return it_env("IBIKI_TEST_TWILIO");
}

/* The mock Twilio's sends to `to`, oldest first. */
static const struct json *sends_to(const char *to, size_t *n)
{
	return it_mock_requests(twilio(), it_fmt("?to=%s", fx_esc(to)), n);
}

static struct resp v2_send(const char *key, const char *to, const char *body)
{
	return it_post("/api/v2/sms/send", key,
		       it_fmt("{\"to\":\"%s\",\"message\":\"%s\"}", to, body));
}

/* The status of outgoing message "out_<n>". */
static const char *row_status(const char *id)
{
	return it_sql("SELECT status FROM outgoing_messages WHERE id = %s", id + 4);
}

static const struct json *data_of(const struct json *rec)
{
	const char *body = it_member(rec, "body") ? it_member(rec, "body")->s : NULL;
	struct json *j = NULL;
	const char *err;

	if (body == NULL || json_parse(&it_arena, body, strlen(body), &j, &err) < 0)
		return NULL;
	return j;
}

static const char *jstr(const struct json *obj, const char *key)
{
	const struct json *v = it_member(obj, key);

	return v != NULL && v->type == JSON_STRING ? v->s : "";
}

/* --- the asynchronous API ----------------------------------------------- */

struct pushes {
	const char *path;
	size_t want;
};

static bool pushed(void *arg)
{
	struct pushes *p = arg;
	size_t n;

	fx_deliveries(p->path, &n);
	return n >= p->want;
}

static void send_is_202_then_sent_with_status_events_in_order(void)
{
	struct hookfx h = fx_hook_client("Async ", "push", NULL);
	const char *to = fx_phone(), *id, *sid;
	struct pushes p = {h.path, 2};
	const struct json *recs, *first, *second;
	struct resp r;
	size_t n;

	/* Registering with events; a later registration without keeps them. */
	r = it_post("/api/v2/webhooks/register", h.key,
		    it_fmt("{\"url\":\"%s%s\",\"events\":[\"sms.received\",\"sms.status\"]}",
			   fx_receiver(), h.path));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	r = it_post("/api/v2/webhooks/register", h.key,
		    it_fmt("{\"url\":\"%s%s\"}", fx_receiver(), h.path));
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_get("/api/v2/webhooks/status", h.key);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"events\":[\"sms.received\",\"sms.status\"]"));
	CU_ASSERT_TRUE(it_post("/api/v2/webhooks/register", h.key,
			       it_fmt("{\"url\":\"%s%s\",\"events\":[\"sms.sent\"]}", fx_receiver(),
				      h.path))
			       .status == 400);

	r = v2_send(h.key, to, "async hello");
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "status"), "queued");
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "to"), to);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "from"), h.f.number);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "provider"), "twilio");
	id = it_str(&r, "id");
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	/* The dispatcher sends it; the first event is "sent". */
	CU_ASSERT_TRUE(it_wait_sql("sent", 5000,
				   "SELECT status FROM outgoing_messages WHERE id = %s", id + 4));
	p.want = 1;
	CU_ASSERT_TRUE_FATAL(it_wait(pushed, &p, 5000));
	r = it_get(it_fmt("/api/v2/sms/messages/%s", id), h.key);
	CU_ASSERT_EQUAL(r.status, 200);
	sid = it_str(&r, "providerMessageId");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sid);
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "sentAt"));
	/* Twilio's callback: delivered, the second event. */
	CU_ASSERT_EQUAL(it_twilio_post("/twilio/status",
				       it_fmt("MessageSid=%s&MessageStatus=delivered&AccountSid=%s",
					      sid, it_env("IBIKI_TWILIO_ACCOUNT_SID")),
				       NULL)
				.status,
			200);
	p.want = 2;
	CU_ASSERT_TRUE_FATAL(it_wait(pushed, &p, 5000));
	recs = fx_deliveries(h.path, &n);
	CU_ASSERT_EQUAL(n, 2);
	first = data_of(recs->first);
	second = data_of(recs->first->next);
	CU_ASSERT_STRING_EQUAL(jstr(first, "type"), "sms.status");
	CU_ASSERT_STRING_EQUAL(jstr(it_member(first, "data"), "status"), "sent");
	CU_ASSERT_STRING_EQUAL(jstr(it_member(first, "data"), "id"), id);
	CU_ASSERT_STRING_EQUAL(jstr(it_member(second, "data"), "status"), "delivered");
	CU_ASSERT_EQUAL(it_member(it_member(second, "data"), "history")->n, 3);
	CU_ASSERT_STRING_NOT_EQUAL(jstr(it_member(recs->first, "headers"), "webhook-id"),
				   jstr(it_member(recs->first->next, "headers"), "webhook-id"));
	r = it_get(it_fmt("/api/v2/sms/messages/%s", id), h.key);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "status"), "delivered");
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "deliveredAt"));
	/* The deliveries log shows both, as sms.status. */
	r = it_get("/api/v2/webhooks/deliveries", h.key);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"type\":\"sms.status\""));
	sends_to(to, &n);
	CU_ASSERT_EQUAL(n, 1);
}

static void prefer_respond_async_on_every_seed_endpoint(void)
{
	struct fixture f = fx_new("Prefer ");
	const char *to = fx_phone(), *key = it_new_key(f.client), *bodies[4], *paths[4];
	const char *h[3];
	int modem, port, i;
	struct resp r;

	fx_user(&f, to, "Pat", "active");
	fx_modem_port(&modem, &port);
	fx_extreme_route(&f, modem, port, NULL);
	fx_inbound(to, f.number, "hi"); /* a conversation to reply to */
	paths[0] = "/api/send-message";
	bodies[0] =
		it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"a\",\"operatorId\":\"%s\"}",
		       to, f.op_name);
	paths[1] = "/api/web/inbox/reply";
	bodies[1] = it_fmt("{\"to\":\"%s\",\"message\":\"b\"}", to);
	paths[2] = "/api/v2/sms/sendsingle";
	bodies[2] = it_fmt("{\"to\":\"%s\",\"message\":\"c\",\"usemodem\":%d,\"port\":%d}", to,
			   modem, port);
	paths[3] = "/api/v2/sms/reply";
	bodies[3] = it_fmt("{\"to\":\"%s\",\"message\":\"d\"}", to);
	for (i = 0; i < 4; i++) {
		h[0] = it_fmt("Authorization: Bearer %s", i < 2 ? f.op_token : key);
		h[1] = "Prefer: respond-async";
		h[2] = NULL;
		r = it_req("POST", paths[i], h, "application/json", bodies[i], strlen(bodies[i]));
		if (r.status != 202)
			fprintf(stderr, "%s: %ld %s\n", paths[i], r.status, r.body);
		CU_ASSERT_EQUAL_FATAL(r.status, 202);
		CU_ASSERT_STRING_EQUAL(jstr(r.json, "status"), "queued");
		CU_ASSERT_EQUAL(strncmp(jstr(r.json, "id"), "out_", 4), 0);
		/* ... and the dispatcher sends it all the same. */
		CU_ASSERT_TRUE(it_wait_sql("sent", 5000,
					   "SELECT status FROM outgoing_messages WHERE id = %s",
					   jstr(r.json, "id") + 4));
	}
	/* Without the preference: the seed's answer, after the send. */
	r = it_post("/api/send-message", f.op_token, bodies[0]);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "status"), "sent");
}

static void other_clients_messages_and_numbers_are_refused(void)
{
	struct fixture a = fx_new("OwnA "), b = fx_new("OwnB ");
	const char *ka = it_new_key(a.client), *kb = it_new_key(b.client), *id;
	struct resp r;

	r = v2_send(ka, fx_phone(), "mine");
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	id = it_str(&r, "id");
	CU_ASSERT_EQUAL(it_get(it_fmt("/api/v2/sms/messages/%s", id), ka).status, 200);
	r = it_get(it_fmt("/api/v2/sms/messages/%s", id), kb);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "message_not_found"));
	CU_ASSERT_EQUAL(it_get("/api/v2/sms/messages/out_x", ka).status, 404);
	r = it_post(
		"/api/v2/sms/send", kb,
		it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"from\":\"%s\"}", fx_phone(), a.number));
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "route_not_owned"));
	r = it_post(
		"/api/v2/sms/send", kb,
		it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"from\":\"%s\"}", fx_phone(), b.number));
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_STRING_EQUAL(jstr(r.json, "from"), b.number);
	r = it_post("/api/v2/sms/send", kb, "{\"to\":\"12345\",\"message\":\"x\"}");
	CU_ASSERT_EQUAL(r.status, 400);
}

static void outbox_cursor_and_status_filter(void)
{
	struct fixture f = fx_new("Outbox ");
	const char *key = it_new_key(f.client), *ids[3], *next;
	struct resp r;
	int i;

	for (i = 0; i < 3; i++) {
		r = v2_send(key, i == 2 ? "+15005550001" : fx_phone(), it_fmt("m%d", i));
		CU_ASSERT_EQUAL_FATAL(r.status, 202);
		ids[i] = it_str(&r, "id");
	}
	CU_ASSERT_TRUE(it_wait_sql(
		"failed", 5000, "SELECT status FROM outgoing_messages WHERE id = %s", ids[2] + 4));
	CU_ASSERT_TRUE(it_wait_sql(
		"sent", 5000, "SELECT status FROM outgoing_messages WHERE id = %s", ids[1] + 4));
	r = it_get("/api/v2/sms/outbox?status=failed", key);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, ids[2]));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"error\":{\"code\":\"21211\""));
	/* From the start: oldest first, all three, once settled. */
	r = it_get("/api/v2/sms/outbox?after=out_0&limit=2", key);
	CU_ASSERT_EQUAL(r.status, 200);
	next = it_str(&r, "next");
	if (it_int(&r, "count") == 2) {
		CU_ASSERT_PTR_NOT_NULL(strstr(r.body, ids[0]));
		CU_ASSERT_PTR_NOT_NULL(strstr(r.body, ids[1]));
		CU_ASSERT_STRING_EQUAL(next, ids[1]);
	}
	CU_ASSERT_EQUAL(it_get("/api/v2/sms/outbox?status=lost", key).status, 400);
	CU_ASSERT_EQUAL(it_get("/api/v2/sms/outbox?after=msg_1", key).status, 400);
}

/* --- at most once ------------------------------------------------------------ */

struct sends {
	const char *to;
	size_t want;
};

static bool twilio_has(void *arg)
{
	struct sends *s = arg;
	size_t n;

	sends_to(s->to, &n);
	return n >= s->want;
}

/* kill -9 of a dispatcher with an acknowledgement and a v2 send in flight
 * (the mock took both, then hangs): after the lease each is reconciled
 * through Twilio's message list, never sent again. */
static void killed_dispatcher_sends_each_sms_once(void)
{
	struct fixture f = fx_new("Kill9Sms ");
	const char *key = it_new_key(f.client), *body = it_unique("once-"), *id, *sid;
	struct sends s = {HANG_TO, 0};
	size_t before, n;
	struct resp r;
	pid_t d;

	fx_user(&f, HANG_TO, "Hangs", "active");
	sends_to(HANG_TO, &before);
	fx_dispatch_loop(false);
	sid = fx_inbound(HANG_TO, f.number, "ack me"); /* an acknowledgement job */
	r = v2_send(key, HANG_TO, body);
	CU_ASSERT_EQUAL_FATAL(r.status, 202);
	id = it_str(&r, "id");
	d = fx_dispatcher(NULL, "--for 30");
	s.want = before + 2;
	CU_ASSERT_TRUE(it_wait(twilio_has, &s, 10000));
	kill(d, SIGKILL);
	waitpid(d, NULL, 0);
	fx_dispatch_loop(true);
	/* The lease (8 s) ends, the next claim finds an attempt without an
	 * outcome and reconciles it. */
	CU_ASSERT_TRUE(it_wait_sql("sent", 30000,
				   "SELECT status FROM outgoing_messages WHERE id = %s", id + 4));
	CU_ASSERT_TRUE(it_wait_sql("sent", 30000,
				   "SELECT g.status FROM outgoing_messages g JOIN push_outbox o"
				   " ON o.outgoing_id = g.id JOIN incoming_messages i"
				   " ON i.id = o.incoming_id WHERE o.kind = 'ack_sms'"
				   " AND i.provider_message_id = '%s'",
				   sid));
	sends_to(HANG_TO, &n);
	CU_ASSERT_EQUAL(n, before + 2);
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM push_outbox o JOIN outgoing_messages g"
		       " ON g.id = o.outgoing_id WHERE g.client_id = %lld"
		       " AND o.kind IN ('sms', 'ack_sms') AND o.status <> 'delivered'",
		       f.client),
		"0");
}

/* Every worker of both pools killed while a synchronous send waits: the
 * row still reaches a final status (the dispatcher owns the send). */
static void killed_worker_mid_send_leaves_nothing_queued(void)
{
	struct fixture f = fx_new("KillWk ");
	const char *body = it_unique("kw-");
	pid_t kids[MAX_KIDS], master = fx_fcgi_master(), child;
	int i, n;

	fx_user(&f, HANG_TO, "Hangs", "active");
	child = fork();
	if (child == 0) {
		it_after_fork();
		it_post("/api/send-message", f.op_token,
			it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"%s\",\"operatorId\":"
			       "\"%s\"}",
			       HANG_TO, body, f.op_name));
		_exit(0);
	}
	CU_ASSERT_TRUE_FATAL(it_wait_sql("1", 5000,
					 "SELECT COUNT(*) FROM outgoing_messages WHERE client_id ="
					 " %lld AND body = '%s'",
					 f.client, body));
	n = fx_fcgi_workers(master, kids, MAX_KIDS);
	CU_ASSERT_TRUE(n >= 2);
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	waitpid(child, NULL, 0);
	CU_ASSERT_TRUE(it_wait_sql("sent", 30000,
				   "SELECT status FROM outgoing_messages WHERE client_id = %lld"
				   " AND body = '%s'",
				   f.client, body));
}

static void extreme_unknown_outcome_is_failed_not_resent(void)
{
	struct fixture f = fx_new("ExUnk ");
	const char *key = it_new_key(f.client);
	int modem, port;
	struct resp r;

	fx_modem_port(&modem, &port);
	fx_extreme_route(&f, modem, port, NULL);
	it_mock_reset(it_env("IBIKI_TEST_EXTREME"));
	r = it_post("/api/v2/sms/sendsingle", key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"lost\",\"usemodem\":%d,\"port\":%d}",
			   HANG_TO, modem, port));
	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_TRUE(it_is_error(&r, "upstream_error"));
	CU_ASSERT_STRING_EQUAL(row_status(it_str(&r, "messageId")), "failed");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT error_code FROM outgoing_messages WHERE id = %s",
				      it_str(&r, "messageId") + 4),
			       "outcome_unknown");
	{
		size_t n;
		it_mock_requests(it_env("IBIKI_TEST_EXTREME"), "", &n);
		CU_ASSERT_EQUAL(n, 1);
	}
}

/* A row left queued with no job (a crash between writes of an older
 * version, say) past stale_after_s: swept to reconciliation, not found at
 * Twilio, sent once. */
static void stale_queued_row_is_swept_and_sent_once(void)
{
	struct fixture f = fx_new("Sweep ");
	const char *to = fx_phone();
	size_t n;

	it_sql("INSERT INTO outgoing_messages (client_id, provider, to_number, from_number, body,"
	       " segments, encoding, sent_by, queued_at) VALUES (%lld, 'twilio', '%s', '%s',"
	       " 'left behind', 1, 'GSM-7', 'system', NOW(3) - INTERVAL 1 HOUR)",
	       f.client, to, f.number);
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM outgoing_messages WHERE to_number = '%s'", to), "1");
	CU_ASSERT_TRUE(it_wait_sql(
		"sent", 30000, "SELECT status FROM outgoing_messages WHERE to_number = '%s'", to));
	sends_to(to, &n);
	CU_ASSERT_EQUAL(n, 1);
}

/* --- throttle ---------------------------------------------------------------- */

static long long route_of(const struct fixture *f)
{
	return atoll(it_sql("SELECT id FROM client_routes WHERE client_id = %lld", f->client));
}

/* Seconds between the first and the last of the mock's sends to numbers
 * with this prefix; *min_gap the smallest gap between two. */
static double span_of(const char *client_body, double *min_gap, size_t *n)
{
	const struct json *all = it_mock_requests(twilio(), "", n), *e;
	double first = -1, last = -1, prev = -1, t;
	size_t k = 0;

	*min_gap = 1e9;
	for (e = all ? all->first : NULL; e != NULL; e = e->next) {
		const struct json *form = it_member(e, "form"), *b = it_member(form, "Body");
		if (b == NULL || b->first == NULL || strcmp(b->first->s, client_body) != 0)
			continue;
		t = strtod(it_member(e, "time")->s, NULL);
		if (prev >= 0 && t - prev < *min_gap)
			*min_gap = t - prev;
		if (first < 0)
			first = t;
		last = prev = t;
		k++;
	}
	*n = k;
	return k > 1 ? last - first : 0;
}

static void queue_n(const char *key, int count, const char *body)
{
	int i;

	for (i = 0; i < count; i++)
		CU_ASSERT_EQUAL(v2_send(key, fx_phone(), body).status, 202);
}

static void route_rate_spaces_the_sends(void)
{
	struct fixture f = fx_new("Mps ");
	const char *key = it_new_key(f.client), *body = it_unique("mps-");
	double gap, span;
	struct resp r;
	size_t n;

	r = it_patch(it_fmt("/api/admin/clients/%lld/routes/%lld", f.client, route_of(&f)),
		     it_admin_token(), "{\"mps\":2}");
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "mps"), 2);
	queue_n(key, 20, body);
	CU_ASSERT_TRUE(it_wait_sql("20", 40000,
				   "SELECT COUNT(*) FROM outgoing_messages WHERE client_id = %lld"
				   " AND status = 'sent'",
				   f.client));
	span = span_of(body, &gap, &n);
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_TRUE(span >= 9.0);
	CU_ASSERT_TRUE(gap >= 0.35); /* 0.5 s apart, give or take the poll */
}

static void two_dispatchers_share_a_routes_rate(void)
{
	struct fixture f = fx_new("MpsTwo ");
	const char *key = it_new_key(f.client), *body = it_unique("mps2-");
	double gap, span;
	size_t n;
	pid_t a, b;

	CU_ASSERT_EQUAL(
		it_patch(it_fmt("/api/admin/clients/%lld/routes/%lld", f.client, route_of(&f)),
			 it_admin_token(), "{\"mps\":2}")
			.status,
		200);
	fx_dispatch_loop(false);
	queue_n(key, 10, body);
	a = fx_dispatcher(NULL, "--for 20");
	b = fx_dispatcher(NULL, "--for 20");
	CU_ASSERT_TRUE(it_wait_sql("10", 30000,
				   "SELECT COUNT(*) FROM outgoing_messages WHERE client_id = %lld"
				   " AND status = 'sent'",
				   f.client));
	kill(a, SIGTERM);
	kill(b, SIGTERM);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	fx_dispatch_loop(true);
	span = span_of(body, &gap, &n);
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_TRUE(span >= 4.0);
	CU_ASSERT_TRUE(gap >= 0.35);
}

/* --- sending never stalls receiving ----------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void webhooks_stay_fast_while_senders_wait(void)
{
	struct fixture f = fx_new("Stall ");
	pid_t kids[16];
	double worst = 0, t;
	int i;

	fx_user(&f, HANG_TO, "Hangs", "active");
	for (i = 0; i < 16; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			it_after_fork();
			it_post("/api/send-message", f.op_token,
				it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"stall %d\","
				       "\"operatorId\":\"%s\"}",
				       HANG_TO, i, f.op_name));
			_exit(0);
		}
	}
	/* Every api worker is now waiting on a send. */
	CU_ASSERT_TRUE(it_wait_sql("1", 5000,
				   "SELECT COUNT(*) >= 4 FROM outgoing_messages WHERE client_id ="
				   " %lld",
				   f.client));
	for (i = 0; i < 20; i++) {
		t = now_ms();
		fx_inbound(fx_phone(), f.number, it_fmt("while stalled %d", i));
		t = now_ms() - t;
		if (t > worst)
			worst = t;
	}
	CU_ASSERT_TRUE(worst < 1000.0);
	for (i = 0; i < 16; i++)
		waitpid(kids[i], NULL, 0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"v2 send: 202 queued, sent by the dispatcher, sms.status events in order",
	 send_is_202_then_sent_with_status_events_in_order},
	{"Prefer: respond-async gives 202 on every synchronous send endpoint",
	 prefer_respond_async_on_every_seed_endpoint},
	{"another client's message is 404, its number 403",
	 other_clients_messages_and_numbers_are_refused},
	{"the v2 outbox: status filter and cursor", outbox_cursor_and_status_filter},
	{"a killed dispatcher: each SMS reaches Twilio once, reconciled",
	 killed_dispatcher_sends_each_sms_once},
	{"workers killed mid synchronous send: nothing left queued",
	 killed_worker_mid_send_leaves_nothing_queued},
	{"Extreme: an unknown outcome is failed outcome_unknown, not resent",
	 extreme_unknown_outcome_is_failed_not_resent},
	{"a stale queued row is swept, reconciled and sent once",
	 stale_queued_row_is_swept_and_sent_once},
	{"a 2 mps route spaces 20 sends over 9 s", route_rate_spaces_the_sends},
	{"two dispatchers share one route's rate", two_dispatchers_share_a_routes_rate},
	{"provider webhooks stay fast while 16 senders wait on a hanging upstream",
	 webhooks_stay_fast_while_senders_wait},
};

void it_suite_outbound(void)
{
	CU_pSuite s = CU_add_suite("outbound", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
