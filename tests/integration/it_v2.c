/*
 * Integration: the client API v2 over the mock Extreme.  Inbound routing,
 * the inbox and its cursor under concurrent arrivals, sendsingle, the
 * reply helper both ways, webhook registration and status, tenants.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static const char *extreme(void)
{
	return it_env("IBIKI_TEST_EXTREME");
}

/* A client with an Extreme route on a fresh modem/port and an API key. */
struct v2fx {
	struct fixture f;
	int modem, port;
	const char *key;
};

static struct v2fx v2_new(const char *name)
{
	struct v2fx v;

	v.f = fx_new(name);
	fx_modem_port(&v.modem, &v.port);
	fx_extreme_route(&v.f, v.modem, v.port, NULL);
	v.key = it_new_key(v.f.client);
	return v;
}

static const struct json *first_msg(const struct resp *r)
{
	const struct json *ms = it_member(r->json, "messages");

	return ms ? ms->first : NULL;
}

static void inbound_routed_by_modem_and_port(void)
{
	struct v2fx v = v2_new("ExModem ");
	const char *id = it_unique("ext-"), *from = fx_phone();
	struct resp r = fx_extreme_inbound(id, from, "+15550009999", "hello by modem", v.modem,
					   v.port, NULL);
	const struct json *m;

	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "ok");
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "id"), "msg_", 4), 0);
	r = it_get("/api/v2/sms/inbox", v.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	m = first_msg(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_STRING_EQUAL(it_member(m, "from")->s, from);
	CU_ASSERT_STRING_EQUAL(it_member(m, "message")->s, "hello by modem");
	CU_ASSERT_STRING_EQUAL(it_member(m, "provider")->s, "extreme");
	CU_ASSERT_EQUAL(atoi(it_member(m, "usemodem")->s), v.modem);
	CU_ASSERT_EQUAL(atoi(it_member(m, "port")->s), v.port);
	CU_ASSERT_PTR_NOT_NULL(it_member(m, "isRegistered"));
	CU_ASSERT_PTR_NOT_NULL(it_member(m, "timestamp"));
}

static void inbound_routed_by_number(void)
{
	struct v2fx v = v2_new("ExNumber ");
	const char *number = fx_phone();
	int modem, port;
	struct resp r;

	fx_modem_port(&modem, &port);
	fx_extreme_route(&v.f, modem, port, number);
	/* Another modem/port nobody routes, but the number is ours. */
	fx_modem_port(&modem, &port);
	r = fx_extreme_inbound(it_unique("ext-"), fx_phone(), number, "by number", modem, port,
			       NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_get("/api/v2/sms/inbox", v.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
}

static void unroutable_inbound_is_kept(void)
{
	int modem, port;
	const char *id = it_unique("ext-");
	struct resp r;

	fx_modem_port(&modem, &port);
	r = fx_extreme_inbound(id, fx_phone(), fx_phone(), "lost?", modem, port, NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT client_id IS NULL FROM incoming_messages WHERE"
				      " provider = 'extreme' AND provider_message_id = '%s'",
				      id),
			       "1");
}

static void wrong_or_missing_token_is_401(void)
{
	struct v2fx v = v2_new("ExToken ");
	const char *id = it_unique("ext-");
	struct resp r = fx_extreme_inbound(id, fx_phone(), "+15550009999", "x", v.modem, v.port,
					   "not-the-token");

	CU_ASSERT_EQUAL(r.status, 401);
	CU_ASSERT_TRUE(it_is_error(&r, "unauthorized"));
	r = fx_extreme_inbound(id, fx_phone(), "+15550009999", "x", v.modem, v.port, "");
	CU_ASSERT_EQUAL(r.status, 401);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages WHERE"
				      " provider_message_id = '%s'",
				      id),
			       "0");
}

static void bad_inbound_fields_are_400(void)
{
	struct v2fx v = v2_new("ExBad ");
	struct resp r = fx_extreme_inbound(it_unique("ext-"), "12345", "+15550009999", "x", v.modem,
					   v.port, NULL);

	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_phone_number"));
	r = fx_extreme_inbound(it_unique("ext-"), fx_phone(), "+15550009999", "x", 10000, v.port,
			       NULL);
	CU_ASSERT_EQUAL(r.status, 400);
	r = fx_extreme_inbound(it_unique("ext-"), fx_phone(), "+15550009999", "x", v.modem, -1,
			       NULL);
	CU_ASSERT_EQUAL(r.status, 400);
}

static void redelivery_answers_the_same_id_and_pushes_once(void)
{
	struct v2fx v = v2_new("ExRedeliver ");
	const char *id = it_unique("ext-"), *from = fx_phone();
	struct resp a, b;

	it_post(it_fmt("/api/admin/clients/%lld/webhook", v.f.client), it_admin_token(),
		"{\"url\":\"https://hooks.example.com/ex\"}");
	it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", v.f.client), it_admin_token(),
		"{\"mode\":\"both\"}");
	a = fx_extreme_inbound(id, from, "+15550009999", "once", v.modem, v.port, NULL);
	b = fx_extreme_inbound(id, from, "+15550009999", "once", v.modem, v.port, NULL);
	CU_ASSERT_EQUAL(a.status, 200);
	CU_ASSERT_EQUAL(b.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&a, "id"), it_str(&b, "id"));
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_outbox o JOIN incoming_messages i"
				      " ON i.id = o.incoming_id WHERE i.provider_message_id = '%s'",
				      id),
			       "1");
	/* Extreme inbound is never acknowledged by SMS. */
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_outbox o JOIN incoming_messages i"
				      " ON i.id = o.incoming_id WHERE i.provider_message_id = '%s'"
				      " AND o.kind = 'ack_sms'",
				      id),
			       "0");
}

static const char *bodies(const struct resp *r)
{
	const struct json *m;
	char *s = it_fmt("%s", "");

	for (m = first_msg(r); m; m = m->next)
		s = it_fmt("%s%s,", s, it_member(m, "message")->s);
	return s;
}

struct feed {
	const char *key;
};

/* The client's cursor feed from the start shows all four messages. */
static bool feed_has(void *arg)
{
	struct feed *f = arg;
	struct resp r = it_get("/api/v2/sms/inbox?after=msg_0", f->key);

	return it_int(&r, "count") == 4;
}

static void inbox_order_limit_filter_and_cursor(void)
{
	struct feed feed;
	struct v2fx v = v2_new("ExInbox ");
	const char *alice = fx_phone(), *bob = fx_phone(), *first_id = "msg_0";
	struct resp r;
	int i;

	for (i = 1; i <= 4; i++) {
		r = fx_extreme_inbound(it_unique("ext-"), i % 2 ? alice : bob, "+15550009999",
				       it_fmt("m%d", i), v.modem, v.port, NULL);
		if (i == 1)
			first_id = it_str(&r, "id");
	}
	r = it_get("/api/v2/sms/inbox", v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m4,m3,m2,m1,");
	r = it_get("/api/v2/sms/inbox?limit=2", v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m4,m3,");
	r = it_get(it_fmt("/api/v2/sms/inbox?from=%s", fx_esc(alice)), v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m3,m1,");
	/* The cursor feed shows messages once they have settled (1 s). */
	feed.key = v.key;
	CU_ASSERT_TRUE(it_wait(feed_has, &feed, 3000));
	r = it_get("/api/v2/sms/inbox?after=msg_0", v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m1,m2,m3,m4,");
	/* A newest-first page hands out its newest settled message as cursor. */
	r = it_get("/api/v2/sms/inbox", v.key);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "next"),
			       it_str(&(struct resp){.json = first_msg(&r)}, "id"));
	r = it_get(it_fmt("/api/v2/sms/inbox?after=%s", first_id), v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m2,m3,m4,");
	r = it_get(it_fmt("/api/v2/sms/inbox?after=%s&limit=1", first_id), v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m2,");
	r = it_get(it_fmt("/api/v2/sms/inbox?after=%s", it_str(&r, "next")), v.key);
	CU_ASSERT_STRING_EQUAL(bodies(&r), "m3,m4,");
	r = it_get("/api/v2/sms/inbox?after=bogus", v.key);
	CU_ASSERT_EQUAL(r.status, 400);
	r = it_get("/api/v2/sms/inbox?limit=0", v.key);
	CU_ASSERT_EQUAL(r.status, 400);
}

/* Long messages: a page stops after 2 MiB of text (DB_PAGE_BYTES) however
 * large the limit, and the cursor carries on where it stopped. */
static void long_messages_page_by_size(void)
{
	struct v2fx v = v2_new("ExLong ");
	const char *after = "msg_0";
	long long total = 0, count;
	struct resp r;
	int pages = 0;

	it_sql("INSERT INTO incoming_messages (provider, provider_message_id, client_id, "
	       "from_number,"
	       " to_number, body, usemodem, port, is_registered, received_at)"
	       " SELECT 'extreme', CONCAT('long-%lld-', seq), %lld, '+15550000001', '+15550009999',"
	       " REPEAT('x', 60000), %d, %d, 0, NOW(3) - INTERVAL 5 SECOND FROM seq_1_to_80",
	       v.f.client, v.f.client, v.modem, v.port);
	r = it_get("/api/v2/sms/inbox?limit=1000", v.key);
	CU_ASSERT_EQUAL(r.status, 200);
	count = it_int(&r, "count");
	CU_ASSERT_TRUE(count > 0 && count < 80);
	do {
		r = it_get(it_fmt("/api/v2/sms/inbox?after=%s&limit=1000", after), v.key);
		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		count = it_int(&r, "count");
		total += count;
		after = it_str(&r, "next");
	} while (count > 0 && ++pages < 10);
	CU_ASSERT_EQUAL(total, 80);
	CU_ASSERT_TRUE(pages >= 3); /* 4.8 MB of text: three pages at least */
}

#define WRITERS	   4
#define PER_WRITER 25

/* Messages arrive from 4 writers at once while a poller follows the
 * cursor: every message is seen exactly once. */
static void cursor_misses_nothing_under_concurrent_arrivals(void)
{
	struct v2fx v = v2_new("ExCursor ");
	const char *tag = it_unique("c");
	pid_t kids[WRITERS];
	char *seen = calloc(WRITERS * PER_WRITER, 1);
	const char *cursor = "msg_0";
	int w, i, total = 0, dups = 0, status, rounds;

	for (w = 0; w < WRITERS; w++) {
		kids[w] = fork();
		if (kids[w] == 0) {
			it_after_fork();
			for (i = 0; i < PER_WRITER; i++)
				fx_extreme_inbound(it_fmt("%s-%d-%d", tag, w, i), fx_phone(),
						   "+15550009999", it_fmt("%d", w * PER_WRITER + i),
						   v.modem, v.port, NULL);
			_exit(0);
		}
	}
	for (rounds = 0; rounds < 300 && total < WRITERS * PER_WRITER; rounds++) {
		struct resp r = it_get(it_fmt("/api/v2/sms/inbox?after=%s&limit=7", cursor), v.key);
		const struct json *m;

		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		for (m = first_msg(&r); m; m = m->next) {
			int k = atoi(it_member(m, "message")->s);
			if (k < 0 || k >= WRITERS * PER_WRITER)
				continue;
			if (seen[k]++)
				dups++;
			else
				total++;
		}
		cursor = it_str(&r, "next");
		usleep(50 * 1000);
	}
	for (w = 0; w < WRITERS; w++)
		waitpid(kids[w], &status, 0);
	CU_ASSERT_EQUAL(total, WRITERS * PER_WRITER);
	CU_ASSERT_EQUAL(dups, 0);
	free(seen);
}

static void sendsingle_success(void)
{
	struct v2fx v = v2_new("ExSend ");
	const char *to = fx_phone();
	struct resp r = it_post(
		"/api/v2/sms/sendsingle", v.key,
		it_fmt("{\"to\":\"%s\",\"message\":\"h\xc3\xa9llo\",\"usemodem\":%d,\"port\":%d}",
		       to, v.modem, v.port));
	const struct json *all, *rec, *j;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "sent");
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "messageId"), "out_", 4), 0);
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "providerMessageId"), "ext-", 4), 0);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "to"), to);
	CU_ASSERT_EQUAL(it_int(&r, "segments"), 1);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "encoding"), "GSM-7");
	all = it_mock_requests(extreme(), it_fmt("?to=%s", fx_esc(to)), &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	rec = all->first;
	CU_ASSERT_TRUE(it_member(rec, "auth_ok")->b);
	j = it_member(rec, "json");
	CU_ASSERT_STRING_EQUAL(it_member(j, "message")->s, "h\xc3\xa9llo");
	CU_ASSERT_EQUAL(atoi(it_member(j, "usemodem")->s), v.modem);
	CU_ASSERT_EQUAL(atoi(it_member(j, "port")->s), v.port);
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT CONCAT(status, ' ', sent_by, ' ', api_key_id IS NOT NULL)"
		       " FROM outgoing_messages WHERE id = %s",
		       it_str(&r, "messageId") + 4),
		"sent key 1");
}

static void sendsingle_upstream_failure_is_503(void)
{
	struct v2fx v = v2_new("ExFail ");
	static const char *bad[] = {"+15005550001", "+15005550002", "+15005550500"};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct resp r = it_post(
			"/api/v2/sms/sendsingle", v.key,
			it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"usemodem\":%d,\"port\":%d}",
			       bad[i], v.modem, v.port));
		CU_ASSERT_EQUAL(r.status, 503);
		CU_ASSERT_TRUE(it_is_error(&r, "upstream_error"));
		CU_ASSERT_PTR_NOT_NULL(it_str(&r, "messageId"));
		if (it_str(&r, "messageId"))
			CU_ASSERT_STRING_EQUAL(
				it_sql("SELECT status FROM outgoing_messages WHERE id = %s",
				       it_str(&r, "messageId") + 4),
				"failed");
	}
}

static void sendsingle_needs_own_modem_port(void)
{
	struct v2fx a = v2_new("ExOwnA "), b = v2_new("ExOwnB ");
	struct resp r =
		it_post("/api/v2/sms/sendsingle", a.key,
			it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"usemodem\":%d,\"port\":%d}",
			       fx_phone(), b.modem, b.port));

	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "route_not_owned"));
}

static void reply_through_extreme(void)
{
	struct v2fx v = v2_new("ExReply ");
	const char *from = fx_phone();
	struct resp r;
	const struct json *all;
	size_t n;

	fx_extreme_inbound(it_unique("ext-"), from, "+15550009999", "question", v.modem, v.port,
			   NULL);
	r = it_post("/api/v2/sms/reply", v.key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"answer\"}", from));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "provider"), "extreme");
	CU_ASSERT_EQUAL(it_int(&r, "usemodem"), v.modem);
	CU_ASSERT_EQUAL(it_int(&r, "port"), v.port);
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "inReplyTo"), "msg_", 4), 0);
	all = it_mock_requests(extreme(), it_fmt("?to=%s", fx_esc(from)), &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(atoi(it_member(it_member(all->first, "json"), "usemodem")->s), v.modem);
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT in_reply_to IS NOT NULL FROM outgoing_messages WHERE id = %s",
		       it_str(&r, "messageId") + 4),
		"1");
	/* The operators' web inbox replies the same way. */
	r = it_post("/api/web/inbox/reply", v.f.op_token,
		    it_fmt("{\"to\":\"%s\",\"message\":\"from the dashboard\"}", from));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "provider"), "extreme");
	CU_ASSERT_EQUAL(it_int(&r, "port"), v.port);
}

static void reply_through_twilio(void)
{
	struct v2fx v = v2_new("ExTwReply ");
	const char *from = fx_phone();
	struct resp r;
	const struct json *all;
	size_t n;

	it_mock_reset(it_env("IBIKI_TEST_TWILIO"));
	fx_inbound(from, v.f.number, "via twilio");
	r = it_post("/api/v2/sms/reply", v.key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"back\"}", from));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "provider"), "twilio");
	CU_ASSERT_STRING_EQUAL(it_str(&r, "from"), v.f.number);
	all = it_mock_requests(it_env("IBIKI_TEST_TWILIO"), it_fmt("?to=%s", fx_esc(from)), &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(it_member(all->first, "body")->s, fx_esc(v.f.number)));
}

static void reply_without_conversation_is_404(void)
{
	struct v2fx v = v2_new("ExNoConv ");
	struct resp r = it_post("/api/v2/sms/reply", v.key,
				it_fmt("{\"to\":\"%s\",\"message\":\"hi\"}", fx_phone()));

	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "no_conversation"));
}

static void tenants_are_isolated(void)
{
	struct v2fx a = v2_new("ExIsoA "), b = v2_new("ExIsoB ");
	const char *from = fx_phone();
	struct resp r;

	fx_extreme_inbound(it_unique("ext-"), from, "+15550009999", "for B", b.modem, b.port, NULL);
	r = it_get("/api/v2/sms/inbox", a.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get(it_fmt("/api/v2/sms/inbox?from=%s", fx_esc(from)), a.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get("/api/v2/sms/inbox?after=msg_1", a.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_post("/api/v2/sms/reply", a.key, it_fmt("{\"to\":\"%s\",\"message\":\"hi\"}", from));
	CU_ASSERT_EQUAL(r.status, 404);
	r = it_get("/api/v2/sms/inbox", b.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
}

static void webhook_registration_matrix(void)
{
	struct v2fx v = v2_new("ExHook ");
	char host[300];
	static const char *refused[] = {
		"http://hooks.example.com/x",
		"https://user:pw@hooks.example.com/x",
		"https://169.254.169.254/latest",
		"https://[fd00:ec2::254]/x",
		"https://10.1.2.3/x",
		"https://172.16.0.1/x",
		"https://192.168.0.1/x",
		"https://100.64.0.1/x",
		"https://0.0.0.0/x",
		"https://[fe80::1]/x",
		"https://224.0.0.1/x",
		"https://localhost/x",
		"ftp://hooks.example.com/x",
		"https://[::ffff:10.0.0.1]/x",
		"https://[64:ff9b::a9fe:a9fe]/x",
		"https://198.51.100.7/x",
	};
	/* Refused unless the stack allows loopback (test stacks do). */
	static const char *loopback[] = {
		"https://127.0.0.1/x",		"https://2130706433/x", "https://0177.0.0.1/x",
		"https://[::ffff:127.0.0.1]/x", "https://[::1]/x",
	};
	size_t i;
	struct resp r;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		r = it_post("/api/v2/webhooks/register", v.key,
			    it_fmt("{\"url\":\"%s\"}", refused[i]));
		CU_ASSERT_EQUAL(r.status, 400);
		CU_ASSERT_TRUE(it_is_error(&r, "invalid_webhook_url"));
	}
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		r = it_post("/api/v2/webhooks/register", v.key,
			    it_fmt("{\"url\":\"%s\"}", loopback[i]));
		CU_ASSERT_EQUAL(r.status, it_loopback_allowed() ? 200 : 400);
	}
	/* Back to no webhook: the rest of this test starts from scratch. */
	it_sql("UPDATE client_profiles SET webhook_url = NULL, webhook_secret = NULL WHERE id = "
	       "%lld",
	       v.f.client);
	/* 254 characters of host: too long; 253 are fine. */
	memset(host, 'a', 63);
	memcpy(host + 63, ".", 1);
	memset(host + 64, 'b', 63);
	memcpy(host + 127, ".", 1);
	memset(host + 128, 'c', 63);
	memcpy(host + 191, ".", 1);
	memset(host + 192, 'd', 61);
	host[253] = '\0';
	r = it_post("/api/v2/webhooks/register", v.key,
		    it_fmt("{\"url\":\"https://e%s/x\"}", host));
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_webhook_url"));
	/* The first registration generates the secret and shows it once. */
	r = it_post("/api/v2/webhooks/register", v.key, it_fmt("{\"url\":\"https://%s/x\"}", host));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(it_str(&r, "secret"));
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "secret"), "whsec_", 6), 0);
	CU_ASSERT_EQUAL(strlen(it_str(&r, "secret")), 38);
	/* A new URL keeps that secret: not generated again, not shown. */
	r = it_post("/api/v2/webhooks/register", v.key,
		    "{\"url\":\"https://hooks.example.com/ibiki\"}");
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_PTR_NULL(it_str(&r, "secret"));
	CU_ASSERT_TRUE(it_member(r.json, "secretSet")->b);
	r = it_post("/api/v2/webhooks/register", v.key,
		    "{\"url\":\"https://hooks.example.com/ibiki\",\"secret\":\"short\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_webhook_secret"));
	r = it_post("/api/v2/webhooks/register", v.key,
		    "{\"url\":\"https://hooks.example.com/"
		    "ibiki\",\"secret\":\"my-own-secret-of-24-chars\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NULL(it_str(&r, "secret")); /* the client's own: not echoed */
}

static void status_never_reveals_the_secret_and_follows_the_mode(void)
{
	struct v2fx v = v2_new("ExStatus ");
	struct resp r = it_get("/api/v2/webhooks/status", v.key);
	const char *secret;

	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FALSE(it_member(r.json, "configured")->b);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "mode"), "poll");
	r = it_post("/api/v2/webhooks/register", v.key,
		    "{\"url\":\"https://hooks.example.com/s\"}");
	secret = it_str(&r, "secret");
	CU_ASSERT_PTR_NOT_NULL_FATAL(secret);
	it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", v.f.client), it_admin_token(),
		"{\"mode\":\"push\"}");
	r = it_get("/api/v2/webhooks/status", v.key);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "mode"), "push");
	CU_ASSERT_TRUE(it_member(r.json, "configured")->b);
	CU_ASSERT_TRUE(it_member(r.json, "secretSet")->b);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "url"), "https://hooks.example.com/s");
	CU_ASSERT_PTR_NULL(strstr(r.body, secret));
	CU_ASSERT_PTR_NULL(strstr(r.body, "whsec_"));
	CU_ASSERT_PTR_NOT_NULL(it_member(r.json, "pending"));
	CU_ASSERT_PTR_NOT_NULL(it_member(r.json, "lastDelivery"));
}

static void admin_rotates_the_secret(void)
{
	struct v2fx v = v2_new("ExRotate ");
	struct resp a = it_post("/api/v2/webhooks/register", v.key,
				"{\"url\":\"https://hooks.example.com/r\"}");
	struct resp b = it_post(it_fmt("/api/admin/clients/%lld/webhook", v.f.client),
				it_admin_token(), "{\"rotateSecret\":true}");

	CU_ASSERT_EQUAL(b.status, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(it_str(&b, "secret"));
	CU_ASSERT_STRING_NOT_EQUAL(it_str(&a, "secret"), it_str(&b, "secret"));
	CU_ASSERT_STRING_EQUAL(it_str(&b, "url"), "https://hooks.example.com/r");
}

static void operator_token_cannot_use_v2(void)
{
	struct v2fx v = v2_new("ExOpV2 ");
	struct resp r = it_get("/api/v2/sms/inbox", v.f.op_token);

	CU_ASSERT_EQUAL(r.status, 403);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"Extreme inbound routed by usemodem and port", inbound_routed_by_modem_and_port},
	{"Extreme inbound routed by number", inbound_routed_by_number},
	{"an unroutable Extreme message is kept without a client", unroutable_inbound_is_kept},
	{"a wrong or missing X-Extreme-Token is 401, nothing stored",
	 wrong_or_missing_token_is_401},
	{"bad Extreme fields are 400", bad_inbound_fields_are_400},
	{"a redelivered id answers the same msg id and pushes once",
	 redelivery_answers_the_same_id_and_pushes_once},
	{"inbox: newest first, limit, from, after cursor and next",
	 inbox_order_limit_filter_and_cursor},
	{"the after cursor misses nothing under concurrent arrivals",
	 cursor_misses_nothing_under_concurrent_arrivals},
	{"sendsingle: 200, recorded sent by the key, Extreme got it", sendsingle_success},
	{"long messages: pages stop at 2 MiB of text, the cursor continues",
	 long_messages_page_by_size},
	{"sendsingle: upstream failures are 503 upstream_error, recorded failed",
	 sendsingle_upstream_failure_is_503},
	{"sendsingle: another client's modem/port is 403", sendsingle_needs_own_modem_port},
	{"reply helper through Extreme on the same modem and port (v2 and web)",
	 reply_through_extreme},
	{"reply helper through Twilio from the texted number", reply_through_twilio},
	{"reply without a conversation is 404", reply_without_conversation_is_404},
	{"client A's key never sees or answers B's messages", tenants_are_isolated},
	{"webhook registration: the refused matrix, 253/254 hosts, secrets",
	 webhook_registration_matrix},
	{"webhook status never reveals the secret; follows the admin's mode",
	 status_never_reveals_the_secret_and_follows_the_mode},
	{"admin rotates the webhook secret", admin_rotates_the_secret},
	{"an operator token cannot use the v2 API", operator_token_cannot_use_v2},
};

void it_suite_v2(void)
{
	CU_pSuite s = CU_add_suite("client API v2", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
