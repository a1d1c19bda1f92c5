/*
 * Integration: the real dispatcher process against the HTTPS webhook
 * receiver mock.  Signed pushes equal to the inbox object; modes;
 * retries, dead letters, redelivery, 410, redirects, hangs, huge answers;
 * the connect-time address check; kill -9 mid-batch; two dispatchers at
 * once; acknowledgement SMS; the spool after a database outage.
 *
 * Most tests use the stack's own dispatcher loop (as cron runs it); the
 * ones that need control stop it (tools/stack dispatcher stop), run
 * ibiki-dispatch themselves and start the loop again.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#define SECRET FX_HOOK_SECRET

struct count_arg {
	const char *path;
	size_t want;
};

static bool has_deliveries(void *arg)
{
	struct count_arg *c = arg;
	size_t n;

	fx_deliveries(c->path, &n);
	return n >= c->want;
}

static bool wait_deliveries(const char *path, size_t want, int ms)
{
	struct count_arg c = {path, want};

	return it_wait(has_deliveries, &c, ms);
}

static const char *outbox_status(const char *event_id)
{
	return it_sql("SELECT status FROM push_outbox WHERE event_id = '%s'", event_id);
}

static const char *header(const struct json *rec, const char *name)
{
	const struct json *v = it_member(it_member(rec, "headers"), name);

	return v && v->type == JSON_STRING ? v->s : NULL;
}

static bool flag(const struct json *rec, const char *name)
{
	const struct json *v = it_member(rec, name);

	return v && v->type == JSON_BOOL && v->b;
}

/* --- pushes ------------------------------------------------------------ */

static void twilio_inbound_is_pushed_signed_as_the_inbox_shows_it(void)
{
	struct hookfx h = fx_hook_client("PushTw ", "push", NULL);
	const char *from = fx_phone(), *data;
	const struct json *all, *rec;
	struct resp inbox;
	size_t n;

	fx_inbound(from, h.f.number, "push me \xf0\x9f\x9a\x80");
	CU_ASSERT_TRUE_FATAL(wait_deliveries(h.path, 1, 3000));
	all = fx_deliveries(h.path, &n);
	rec = all->first;
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_TRUE(flag(rec, "sig_ibiki_ok"));
	CU_ASSERT_TRUE(flag(rec, "sig_standard_ok"));
	CU_ASSERT_TRUE(flag(rec, "timestamp_fresh"));
	CU_ASSERT_EQUAL(strncmp(header(rec, "webhook-id"), "evt_", 4), 0);
	CU_ASSERT_STRING_EQUAL(header(rec, "content-type"), "application/json");
	CU_ASSERT_EQUAL(strncmp(header(rec, "user-agent"), "Ibiki/", 6), 0);
	/* The data object is exactly the inbox's object for that message. */
	data = it_member(rec, "body")->s;
	CU_ASSERT_EQUAL_FATAL(strncmp(data, "{\"type\":\"sms.received\",\"data\":", 30), 0);
	inbox = it_get("/api/v2/sms/inbox", h.key);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(inbox.body, it_fmt("%.*s", (int)(strlen(data) - 31), data + 30)));
	CU_ASSERT_STRING_EQUAL(outbox_status(header(rec, "webhook-id")), "delivered");
}

static void extreme_inbound_is_pushed(void)
{
	struct hookfx h = fx_hook_client("PushEx ", "push", NULL);
	int modem, port;
	size_t n;
	const struct json *all;

	fx_modem_port(&modem, &port);
	fx_extreme_route(&h.f, modem, port, NULL);
	fx_extreme_inbound(it_unique("ext-"), fx_phone(), "+15550009999", "from a modem", modem,
			   port, NULL);
	CU_ASSERT_TRUE_FATAL(wait_deliveries(h.path, 1, 3000));
	all = fx_deliveries(h.path, &n);
	CU_ASSERT_TRUE(flag(all->first, "sig_standard_ok"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(it_member(all->first, "body")->s, "\"provider\":\"extreme\""));
}

static void poll_mode_pushes_nothing(void)
{
	struct hookfx h = fx_hook_client("PushPoll ", "poll", NULL);
	size_t n;
	const char *sid;

	sid = fx_inbound(fx_phone(), h.f.number, "poll only");

	/* A push is queued with its message, in one transaction: a poll-mode
	 * message stored without a job is never pushed. */
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_outbox o JOIN incoming_messages i"
				      " ON i.id = o.incoming_id WHERE i.provider_message_id = '%s'",
				      sid),
			       "0");
	fx_deliveries(h.path, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(
		it_int(&(struct resp){.json = it_get("/api/v2/sms/inbox", h.key).json}, "count"),
		1);
}

static void both_mode_pushes_and_keeps_the_inbox(void)
{
	struct hookfx h = fx_hook_client("PushBoth ", "both", NULL);
	struct resp r;

	fx_inbound(fx_phone(), h.f.number, "both ways");
	CU_ASSERT_TRUE(wait_deliveries(h.path, 1, 3000));
	r = it_get("/api/v2/sms/inbox", h.key);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
}

/* --- failures and retries ----------------------------------------------- */

static const struct json *delivery_of(const struct hookfx *h)
{
	struct resp r = it_get("/api/v2/webhooks/deliveries", h->key);
	const struct json *ds = it_member(r.json, "deliveries");

	return ds ? ds->first : NULL;
}

struct status_arg {
	const struct hookfx *h;
	const char *want;
};

static bool delivery_is(void *arg)
{
	struct status_arg *a = arg;
	const struct json *d = delivery_of(a->h);
	const struct json *st = it_member(d, "status");

	return st != NULL && strcmp(st->s, a->want) == 0;
}

static void two_500s_then_200_is_delivered_on_attempt_3(void)
{
	struct hookfx h = fx_hook_client("Retry ", "push",
					 "[{\"status\":500},{\"status\":500},{\"status\":200}]");
	struct status_arg a = {&h, "delivered"};
	const struct json *d;
	size_t n;

	fx_inbound(fx_phone(), h.f.number, "third time lucky");
	CU_ASSERT_TRUE_FATAL(it_wait(delivery_is, &a, 12000));
	d = delivery_of(&h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(atoi(it_member(d, "attempts")->s), 3);
	CU_ASSERT_EQUAL(it_member(d, "attemptLog")->n, 3);
	fx_deliveries(h.path, &n);
	CU_ASSERT_EQUAL(n, 3);
}

static void three_500s_is_dead_and_redeliverable_with_the_same_id(void)
{
	struct hookfx h = fx_hook_client(
		"Dead ", "push",
		"[{\"status\":500},{\"status\":500},{\"status\":500},{\"status\":200}]");
	struct status_arg dead = {&h, "dead"}, ok = {&h, "delivered"};
	const struct json *d, *all, *rec;
	const char *id, *event;
	struct resp r;
	size_t n;

	fx_inbound(fx_phone(), h.f.number, "will die");
	CU_ASSERT_TRUE_FATAL(it_wait(delivery_is, &dead, 12000));
	d = delivery_of(&h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	id = it_member(d, "id")->s;
	event = it_member(d, "eventId")->s;
	r = it_get("/api/v2/webhooks/status", h.key);
	CU_ASSERT_EQUAL(it_int(&r, "dead"), 1);
	CU_ASSERT_FALSE(it_member(it_member(r.json, "lastDelivery"), "ok")->b);
	r = it_post(it_fmt("/api/v2/webhooks/deliveries/%s/redeliver", id), h.key, NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_TRUE_FATAL(it_wait(delivery_is, &ok, 5000));
	r = it_get("/api/v2/webhooks/status", h.key);
	CU_ASSERT_EQUAL(it_int(&r, "dead"), 0);
	CU_ASSERT_EQUAL(it_int(&r, "delivered"), 1);
	CU_ASSERT_TRUE(it_member(it_member(r.json, "lastDelivery"), "ok")->b);
	all = fx_deliveries(h.path, &n);
	CU_ASSERT_EQUAL(n, 4);
	for (rec = all->first; rec; rec = rec->next)
		CU_ASSERT_STRING_EQUAL(header(rec, "webhook-id"), event);
	/* The admin sees the same delivery in the client's list, and can send
	 * it again. */
	r = it_get(it_fmt("/api/admin/clients/%lld/deliveries", h.f.client), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 200);
	d = it_member(r.json, "deliveries");
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d->first);
	CU_ASSERT_STRING_EQUAL(it_member(d->first, "id")->s, id);
	CU_ASSERT_STRING_EQUAL(it_member(d->first, "status")->s, "delivered");
	r = it_post(it_fmt("/api/admin/clients/%lld/deliveries/%s/redeliver", h.f.client, id),
		    it_admin_token(), NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_TRUE(wait_deliveries(h.path, 5, 5000));
	/* Redelivering what is pending, or another client's, is refused. */
	r = it_post(it_fmt("/api/v2/webhooks/deliveries/%s/redeliver", id),
		    it_new_key(fx_new("Other ").client), NULL);
	CU_ASSERT_EQUAL(r.status, 404);
}

static void gone_410_disables_the_endpoint_until_re_registered(void)
{
	struct hookfx h = fx_hook_client("Gone ", "push", "[{\"status\":410},{\"status\":200}]");
	struct status_arg dead = {&h, "dead"};
	const char *held;
	struct resp r;
	size_t n;

	fx_inbound(fx_phone(), h.f.number, "gone");
	CU_ASSERT_TRUE_FATAL(it_wait(delivery_is, &dead, 5000));
	r = it_get("/api/v2/webhooks/status", h.key);
	CU_ASSERT_TRUE(it_member(r.json, "endpointDisabled")->b);
	r = it_get(it_fmt("/api/admin/clients/%lld", h.f.client), it_admin_token());
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"endpointDisabled\":true"));
	/* Held, not attempted, while disabled: the dispatcher puts it back for
	 * an hour without counting an attempt. */
	held = fx_inbound(fx_phone(), h.f.number, "held");
	CU_ASSERT_TRUE(it_wait_sql("1 0", 5000,
				   "SELECT CONCAT(o.next_attempt_at > NOW(3) + INTERVAL 30 MINUTE,"
				   " ' ', o.attempts) FROM push_outbox o JOIN incoming_messages i"
				   " ON i.id = o.incoming_id WHERE i.provider_message_id = '%s'",
				   held));
	fx_deliveries(h.path, &n);
	CU_ASSERT_EQUAL(n, 1);
	r = it_post("/api/v2/webhooks/register", h.key,
		    it_fmt("{\"url\":\"%s%s\"}", fx_receiver(), h.path));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_TRUE(wait_deliveries(h.path, 2, 5000));
	r = it_get("/api/v2/webhooks/status", h.key);
	CU_ASSERT_FALSE(it_member(r.json, "endpointDisabled")->b);
}

static void redirect_is_not_followed(void)
{
	const char *elsewhere = it_unique("/hooks/elsewhere-");
	struct hookfx h =
		fx_hook_client("Redirect ", "push",
			       it_fmt("[{\"status\":302,\"headers\":{\"Location\":\"%s%s\"}}]",
				      it_env("IBIKI_TEST_RECEIVER"), elsewhere));
	const struct json *d;
	size_t n;

	fx_receiver_path(elsewhere, NULL, NULL);
	fx_inbound(fx_phone(), h.f.number, "redirect me");
	CU_ASSERT_TRUE_FATAL(wait_deliveries(h.path, 1, 3000));
	/* The attempt is recorded once its transfer ended: no redirect was
	 * followed by then. */
	CU_ASSERT_TRUE(it_wait_sql(
		"302", 5000, "SELECT last_http_status FROM push_outbox WHERE client_id = %lld",
		h.f.client));
	fx_deliveries(elsewhere, &n);
	CU_ASSERT_EQUAL(n, 0);
	d = delivery_of(&h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(atoi(it_member(d, "lastHttpStatus")->s), 302);
	CU_ASSERT_STRING_NOT_EQUAL(it_member(d, "status")->s, "delivered");
}

static void a_hanging_endpoint_does_not_delay_others(void)
{
	struct hookfx slow = fx_hook_client("Hang ", "push", "[{\"status\":200,\"hang\":10}]");
	struct hookfx fast = fx_hook_client("Fast ", "push", NULL);
	struct status_arg timed_out = {&slow, "pending"};
	const struct json *d;
	int i;

	for (i = 0; i < 3; i++)
		fx_inbound(fx_phone(), slow.f.number, "into the void");
	/* The slow client's three are claimed (in flight) first. */
	CU_ASSERT_TRUE(it_wait_sql("3", 3000,
				   "SELECT COUNT(*) FROM push_outbox WHERE client_id = %lld"
				   " AND attempts = 1 AND lease_owner IS NOT NULL",
				   slow.f.client));
	for (i = 0; i < 5; i++)
		fx_inbound(fx_phone(), fast.f.number, "meanwhile");
	/* The fast client's five arrive well within the slow one's timeout. */
	CU_ASSERT_TRUE(wait_deliveries(fast.path, 5, 2000));
	/* The hanging one times out (3 s) and is retried. */
	CU_ASSERT_TRUE(it_wait_sql("1", 8000,
				   "SELECT COUNT(*) > 0 FROM push_outbox WHERE client_id = %lld"
				   " AND last_error LIKE '%%imeout%%'",
				   slow.f.client));
	CU_ASSERT_TRUE(delivery_is(&timed_out));
	d = delivery_of(&slow);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(it_member(d, "lastError")->s ? it_member(d, "lastError")->s : "", "imeout"));
}

static void huge_answer_is_capped(void)
{
	struct hookfx h = fx_hook_client("Huge ", "push", "[{\"status\":200,\"huge\":10000000}]");
	struct status_arg ok = {&h, "delivered"};

	fx_inbound(fx_phone(), h.f.number, "tell me everything");
	CU_ASSERT_TRUE(it_wait(delivery_is, &ok, 5000));
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT LENGTH(response_head) <= 512 FROM push_attempts a"
		       " JOIN push_outbox o ON o.id = a.outbox_id WHERE o.client_id = %lld",
		       h.f.client),
		"1");
}

/* An answer that is not UTF-8 (255 ASCII bytes, an "é" cut by the
 * 256-byte head, a lone 0xff) is recorded made valid, and the result is
 * written: the delivery counts, nothing wedges. */
static void answer_of_any_bytes_is_recorded(void)
{
	char hex[2 * 255 + 7];
	struct hookfx h;
	struct status_arg ok = {&h, "delivered"};
	int i;

	for (i = 0; i < 255; i++)
		memcpy(hex + 2 * i, "61", 2);
	memcpy(hex + 2 * 255, "c3a9ff", 7);
	h = fx_hook_client("Bytes ", "push", it_fmt("[{\"status\":200,\"body_hex\":\"%s\"}]", hex));
	fx_inbound(fx_phone(), h.f.number, "answer me in bytes");
	CU_ASSERT_TRUE(it_wait(delivery_is, &ok, 5000));
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT CONCAT(CHAR_LENGTH(response_head), ' ', RIGHT(response_head, 1))"
		       " FROM push_attempts a JOIN push_outbox o ON o.id = a.outbox_id"
		       " WHERE o.client_id = %lld",
		       h.f.client),
		"256 ?");
}

/* A name that resolved to a public address when registered and resolves
 * to 127.0.0.1 now: refused at connect time.  The dispatcher runs in a
 * private mount namespace whose /etc/hosts says so. */
static void loopback_is_refused_at_connect_time_without_the_switch(void)
{
	struct fixture f = fx_new("Rebind ");
	const char *name = "hooks.ibiki-rebind.example";
	const char *hosts = it_fmt("%s/hosts.rebind", it_env("IBIKI_TEST_DIR"));
	struct resp r;
	char *attempt;

	fx_dispatch_loop(false);
	r = it_post(it_fmt("/api/admin/clients/%lld/webhook", f.client), it_admin_token(),
		    it_fmt("{\"url\":\"https://%s:%s/hooks/rebind\"}", name,
			   strrchr(fx_receiver(), ':') + 1));
	CU_ASSERT_EQUAL(r.status, 200);
	it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", f.client), it_admin_token(),
		"{\"mode\":\"push\"}");
	fx_inbound(fx_phone(), f.number, "rebound");
	CU_ASSERT_PTR_NOT_NULL(
		it_sh(NULL,
		      "printf '127.0.0.1 %s\\n' >'%s' && unshare --mount sh -c 'mount --bind "
		      "\"%s\" /etc/hosts &&"
		      " IBIKI_PUSH_ALLOW_LOOPBACK=false \"$IBIKI_TEST_BUILD/ibiki-dispatch\" -c "
		      "\"$IBIKI_TEST_CONF\" --once'"
		      " >>\"$IBIKI_STACK_DIR/log/dispatch.out\" 2>&1 && echo ran",
		      name, hosts, hosts));
	fx_dispatch_loop(true);
	attempt = it_sql(
		"SELECT CONCAT(a.outcome, ' ', a.error) FROM push_attempts a JOIN push_outbox o"
		" ON o.id = a.outbox_id WHERE o.client_id = %lld ORDER BY a.id LIMIT 1",
		f.client);
	CU_ASSERT_PTR_NOT_NULL_FATAL(attempt);
	CU_ASSERT_EQUAL(strncmp(attempt, "blocked destination address refused", 35), 0);
}

/* --- crashes and concurrency --------------------------------------------- */

/* n events for the client, queued straight into the database. */
static void queue_events(long long client, const char *tag, int n)
{
	it_sql("INSERT INTO incoming_messages (provider, provider_message_id, client_id, "
	       "from_number,"
	       " to_number, body, usemodem, port, received_at) SELECT 'extreme', CONCAT('%s-', "
	       "seq),"
	       " %lld, '+15550001111', '+15550002222', CONCAT('bulk ', seq), 1, 1, NOW(3)"
	       " FROM seq_1_to_%d; INSERT INTO push_outbox (event_id, kind, client_id, incoming_id)"
	       " SELECT CONCAT('evt_%s', id), 'webhook', client_id, id FROM incoming_messages"
	       " WHERE provider = 'extreme' AND provider_message_id LIKE '%s-%%'; SELECT 1",
	       tag, client, n, tag, tag);
}

/* How many distinct event ids the receiver got at path (total: how many
 * deliveries), and how many deliveries carried an id that is not one of
 * the client's events.  The listing can hold more values than the strict
 * JSON reader accepts, so the webhook-id headers are scanned in the text. */
static size_t distinct_events(const char *path, long long client, size_t *total, int *strangers)
{
	struct resp r =
		it_url("GET", it_fmt("%s/_mock/requests?path=%s", fx_receiver(), path), NULL, NULL);
	char *known = it_sql(
		"SELECT CONCAT(' ', GROUP_CONCAT(event_id SEPARATOR ' '), ' ') FROM push_outbox"
		" WHERE client_id = %lld",
		client);
	const char *p = r.body, *tag = "\"webhook-id\": \"";
	const char **seen = calloc(r.len / 16 + 1, sizeof(*seen));
	size_t distinct = 0, i;

	*total = 0;
	*strangers = 0;
	while ((p = strstr(p, tag)) != NULL) {
		const char *id, *end;
		bool dup = false;

		p += strlen(tag);
		end = strchr(p, '"');
		if (end == NULL)
			break;
		id = it_fmt("%.*s", (int)(end - p), p);
		(*total)++;
		if (known == NULL || strstr(known, it_fmt(" %s ", id)) == NULL) {
			(*strangers)++;
			continue;
		}
		for (i = 0; i < distinct && !dup; i++)
			dup = strcmp(seen[i], id) == 0;
		if (!dup)
			seen[distinct++] = id;
	}
	free(seen);
	return distinct;
}

static void kill_9_mid_batch_loses_nothing(void)
{
	struct hookfx h = fx_hook_client("Kill9 ", "push", "[{\"status\":200,\"hang\":2}]");
	const char *tag = it_unique("k");
	size_t total, distinct;
	int strangers;
	pid_t a, b;

	fx_dispatch_loop(false);
	queue_events(h.f.client, tag, 40);
	a = fx_dispatcher(NULL, "--for 30");
	/* A host's share is claimed and in flight (the receiver hangs 2 s),
	 * none answered. */
	CU_ASSERT_TRUE(it_wait_sql("1", 5000,
				   "SELECT COUNT(*) >= 8 FROM push_outbox WHERE client_id = %lld"
				   " AND status = 'pending' AND lease_owner IS NOT NULL",
				   h.f.client));
	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
	fx_receiver_path(h.path, SECRET, "[{\"status\":200}]");
	b = fx_dispatcher(NULL, "--for 30");
	/* After the lease (8 s) every event is delivered. */
	CU_ASSERT_TRUE(wait_deliveries(h.path, 40, 20000));
	CU_ASSERT_TRUE(it_wait_sql("0", 5000,
				   "SELECT COUNT(*) FROM push_outbox WHERE client_id = %lld"
				   " AND status <> 'delivered'",
				   h.f.client));
	kill(b, SIGTERM);
	waitpid(b, NULL, 0);
	fx_dispatch_loop(true);
	distinct = distinct_events(h.path, h.f.client, &total, &strangers);
	CU_ASSERT_EQUAL(distinct, 40);
	CU_ASSERT_EQUAL(strangers, 0);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_outbox WHERE client_id = %lld"
				      " AND status <> 'delivered'",
				      h.f.client),
			       "0");
}

static void two_dispatchers_share_1000_events(void)
{
	struct hookfx h = fx_hook_client("Twins ", "push", NULL);
	const char *tag = it_unique("t");
	size_t total, distinct;
	int strangers, status;
	pid_t a, b;

	fx_dispatch_loop(false);
	queue_events(h.f.client, tag, 1000);
	a = fx_dispatcher(NULL, "--once");
	b = fx_dispatcher(NULL, "--once");
	waitpid(a, &status, 0);
	CU_ASSERT_EQUAL(status, 0);
	waitpid(b, &status, 0);
	CU_ASSERT_EQUAL(status, 0);
	fx_dispatch_loop(true);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM push_outbox WHERE client_id = %lld"
				      " AND status = 'delivered'",
				      h.f.client),
			       "1000");
	/* No row was claimed twice: each has exactly one attempt. */
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM push_outbox o WHERE o.client_id = %lld"
		       " AND (SELECT COUNT(*) FROM push_attempts a WHERE a.outbox_id = o.id) <> 1",
		       h.f.client),
		"0");
	distinct = distinct_events(h.path, h.f.client, &total, &strangers);
	CU_ASSERT_EQUAL(distinct, 1000);
	CU_ASSERT_EQUAL(total, 1000);
}

/* --- acknowledgement SMS --------------------------------------------------- */

struct ack_arg {
	const char *to;
	size_t want;
};

static bool twilio_got(void *arg)
{
	struct ack_arg *a = arg;
	size_t n;

	it_mock_requests(it_env("IBIKI_TEST_TWILIO"), it_fmt("?to=%s", fx_esc(a->to)), &n);
	return n >= a->want;
}

static void acknowledgement_reaches_twilio_once(void)
{
	struct fixture f = fx_new("Ack ");
	const char *from = fx_phone(), *sid, *form;
	struct ack_arg a = {from, 1};
	const struct json *all;
	size_t n;

	fx_user(&f, from, "Registered", "active");
	sid = it_unique("SMack");
	form = fx_inbound_form(sid, from, f.number, "hello");
	CU_ASSERT_EQUAL(it_twilio_post("/twilio/incoming", form, NULL).status, 200);
	CU_ASSERT_EQUAL(it_twilio_post("/twilio/incoming", form, NULL).status, 200); /* replayed */
	CU_ASSERT_TRUE_FATAL(it_wait(twilio_got, &a, 3000));
	/* The acknowledgement's one job is finished: there is no other job
	 * that could send a second one. */
	CU_ASSERT_TRUE(it_wait_sql("delivered", 5000,
				   "SELECT GROUP_CONCAT(o.status) FROM push_outbox o"
				   " JOIN incoming_messages i ON i.id = o.incoming_id"
				   " WHERE o.kind = 'ack_sms' AND i.provider_message_id = '%s'",
				   sid));
	all = it_mock_requests(it_env("IBIKI_TEST_TWILIO"), it_fmt("?to=%s", fx_esc(from)), &n);
	CU_ASSERT_EQUAL(n, 1);
	{
		const struct json *fields = it_member(all->first, "form");
		CU_ASSERT_STRING_EQUAL(it_member(fields, "Body")->first->s,
				       "Your number is recognized. Message received.");
		CU_ASSERT_STRING_EQUAL(it_member(fields, "From")->first->s, f.number);
	}
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT CONCAT(status, ' ', sent_by, ' ', operator_id) FROM"
				      " outgoing_messages WHERE to_number = '%s'",
				      from),
			       "sent system system");
}

static void acknowledgement_failure_is_visible(void)
{
	struct fixture f = fx_new("AckFail ");
	const char *from = "+15005550001"; /* the mock refuses: invalid number */
	struct resp r;

	fx_user(&f, from, "Invalid", "active");
	fx_inbound(from, f.number, "hi");
	CU_ASSERT_TRUE(it_wait_sql("failed", 5000,
				   "SELECT status FROM outgoing_messages WHERE client_id = %lld",
				   f.client));
	r = it_get("/api/messages/outgoing?status=failed", f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"operatorId\":\"system\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "is not a valid phone number"));
}

/* --- the spool --------------------------------------------------------------- */

static bool healthy(void *arg)
{
	(void)arg;
	return it_get("/health", NULL).status == 200;
}

struct spool_arg {
	const char **sids;
	int n;
};

static bool all_imported(void *arg)
{
	struct spool_arg *s = arg;
	int i;

	for (i = 0; i < s->n; i++) {
		char *c = it_sql(
			"SELECT COUNT(*) FROM incoming_messages WHERE provider_message_id = '%s'",
			s->sids[i]);
		if (c == NULL || strcmp(c, "1") != 0)
			return false;
	}
	return true;
}

static void database_outage_inbound_is_imported_from_the_spool(void)
{
	struct hookfx h = fx_hook_client("Outage ", "push", NULL);
	const char *sids[5];
	struct spool_arg s = {sids, 5};
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(
		it_sh(NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" db stop && echo stopped"));
	for (i = 0; i < 5; i++) {
		struct resp r;
		sids[i] = it_unique("SMoutage");
		r = it_twilio_post("/twilio/incoming",
				   fx_inbound_form(sids[i], fx_phone(), h.f.number,
						   it_fmt("during outage %d", i)),
				   NULL);
		CU_ASSERT_EQUAL(r.status, 200);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(it_sh(
		NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" db start >/dev/null && echo started"));
	CU_ASSERT_TRUE(it_wait(healthy, NULL, 10000));
	/* The dispatcher imports the spool within seconds; none is lost. */
	CU_ASSERT_TRUE(it_wait(all_imported, &s, 20000));
	CU_ASSERT_TRUE(wait_deliveries(h.path, 5, 5000));
	CU_ASSERT_STRING_EQUAL(
		it_sh(NULL, "ls \"$IBIKI_STACK_DIR/spool\" | grep -c '\\.json$' || true"), "0");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"a Twilio inbound is pushed, both signatures valid, equal to the inbox object",
	 twilio_inbound_is_pushed_signed_as_the_inbox_shows_it},
	{"an Extreme inbound is pushed", extreme_inbound_is_pushed},
	{"poll mode pushes nothing", poll_mode_pushes_nothing},
	{"both mode pushes and keeps the inbox", both_mode_pushes_and_keeps_the_inbox},
	{"500, 500, 200: delivered on attempt 3", two_500s_then_200_is_delivered_on_attempt_3},
	{"500 x3: dead, then redelivered with the same webhook-id",
	 three_500s_is_dead_and_redeliverable_with_the_same_id},
	{"410 disables the endpoint until it is registered again",
	 gone_410_disables_the_endpoint_until_re_registered},
	{"a 302 is not followed and is a failed attempt", redirect_is_not_followed},
	{"a hanging endpoint times out; another client's pushes arrive meanwhile",
	 a_hanging_endpoint_does_not_delay_others},
	{"a huge answer is capped", huge_answer_is_capped},
	{"an answer of any bytes is recorded valid; nothing wedges",
	 answer_of_any_bytes_is_recorded},
	{"a name now resolving to loopback is refused at connect time",
	 loopback_is_refused_at_connect_time_without_the_switch},
	{"kill -9 mid-batch: after the lease every event is delivered, none lost",
	 kill_9_mid_batch_loses_nothing},
	{"two dispatchers over 1,000 events: each delivered once",
	 two_dispatchers_share_1000_events},
	{"the acknowledgement SMS reaches Twilio once per registered inbound",
	 acknowledgement_reaches_twilio_once},
	{"a failed acknowledgement is visible to operators", acknowledgement_failure_is_visible},
	{"MariaDB stopped during inbound: spooled, imported after, none lost",
	 database_outage_inbound_is_imported_from_the_spool},
};

void it_suite_dispatch(void)
{
	CU_pSuite s = CU_add_suite("dispatcher", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
