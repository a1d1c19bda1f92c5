/*
 * Integration: opt-out and MMS (DESIGN "Opt-out and media").  Keywords
 * over Twilio and Extreme; one suppression list per client across its
 * routes; every send path refused before the provider; Twilio's 21610;
 * a STOP racing sends; the v2 feed and an admin's clearing; media in
 * every inbound object, invalid media dropped and the message kept.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define UNSUBSCRIBED_TO "+15005550003" /* the mock Twilio answers 21610 */
#define STOP_REPLY                                                                                 \
	"You are unsubscribed and will get no more messages. Reply START to subscribe again."
#define HELP_REPLY "Reply STOP to unsubscribe."

static const char *twilio(void)
{
	return it_env("IBIKI_TEST_TWILIO");
}

static const char *extreme(void)
{
	return it_env("IBIKI_TEST_EXTREME");
}

/* What the mock provider at base got for `to`. */
static size_t sends_to(const char *base, const char *to)
{
	size_t n = 0;

	it_mock_requests(base, it_fmt("?to=%s", fx_esc(to)), &n);
	return n;
}

/* The operator list's item for MessageSid / Extreme id `pid`, or NULL. */
static const struct json *incoming_item(const struct fixture *f, const char *phone, const char *pid)
{
	struct resp r =
		it_get(it_fmt("/api/messages/incoming?phoneNumber=%s&limit=100", fx_esc(phone)),
		       f->op_token);
	const struct json *ms = it_member(r.json, "messages"), *m;
	const char *id = it_sql("SELECT CONCAT('msg_', id) FROM incoming_messages WHERE"
				" provider_message_id = '%s'",
				pid);

	for (m = ms ? ms->first : NULL; m != NULL && id != NULL; m = m->next)
		if (strcmp(it_member(m, "id")->s, id) == 0)
			return m;
	return NULL;
}

static const char *jstr(const struct json *o, const char *key)
{
	const struct json *v = it_member(o, key);

	return v != NULL && v->type == JSON_STRING ? v->s : NULL;
}

static bool jtrue(const struct json *o, const char *key)
{
	const struct json *v = it_member(o, key);

	return v != NULL && v->type == JSON_BOOL && v->b;
}

/* Whether phone is suppressed for client, as the table holds it. */
static bool suppressed(long long client, const char *phone)
{
	const char *v = it_sql("SELECT opted_out FROM optouts WHERE client_id = %lld AND"
			       " phone = '%s'",
			       client, phone);

	return v != NULL && strcmp(v, "1") == 0;
}

static long long ack_jobs(const char *pid)
{
	const char *n = it_sql("SELECT COUNT(*) FROM push_outbox o JOIN incoming_messages i ON"
			       " i.id = o.incoming_id WHERE i.provider_message_id = '%s' AND"
			       " o.kind = 'ack_sms'",
			       pid);

	return n != NULL ? atoll(n) : -1;
}

static struct resp op_send(const struct fixture *f, const char *to)
{
	return it_post("/api/send-message", f->op_token,
		       it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"offer\","
			      "\"operatorId\":\"%s\"}",
			      to, f->op_name));
}

static struct resp v2_send(const char *key, const char *to)
{
	return it_post("/api/v2/sms/send", key,
		       it_fmt("{\"to\":\"%s\",\"message\":\"offer\"}", to));
}

static void refused(const struct resp *r)
{
	if (r->status != 403)
		fprintf(stderr, "expected 403 recipient_opted_out, got %ld %s\n", r->status,
			r->body);
	CU_ASSERT_EQUAL(r->status, 403);
	CU_ASSERT_TRUE(it_is_error(r, "recipient_opted_out"));
}

/* --- keywords -------------------------------------------------------------- */

static void stop_in_any_case_suppresses_without_ack(void)
{
	static const char *const bodies[] = {"STOP", "stop", " Stop "};
	struct fixture f = fx_new("OptStop ");
	const struct json *m;
	struct resp users;
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *from = fx_phone(), *sid;

		fx_user(&f, from, "Sam", "active");
		sid = fx_inbound(from, f.number, bodies[i]);
		m = incoming_item(&f, from, sid);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_STRING_EQUAL(jstr(m, "keyword"), "stop");
		CU_ASSERT_FALSE(jtrue(m, "responseSent"));
		CU_ASSERT_EQUAL(ack_jobs(sid), 0);
		CU_ASSERT_TRUE(suppressed(f.client, from));
		users = it_get("/api/users?status=opted_out", f.op_token);
		CU_ASSERT_PTR_NOT_NULL(strstr(users.body, from));
	}
	users = it_get("/api/users?status=opted_out", f.op_token);
	CU_ASSERT_EQUAL(it_int(&users, "count"), 3);
	m = it_member(users.json, "users")->first;
	CU_ASSERT_TRUE(jtrue(m, "optedOut"));
	CU_ASSERT_STRING_EQUAL(jstr(m, "status"), "active");
	CU_ASSERT_STRING_EQUAL(jstr(it_member(m, "optOut"), "source"), "keyword");
	CU_ASSERT_STRING_EQUAL(jstr(it_member(m, "optOut"), "provider"), "twilio");
}

static void stop_inside_a_sentence_is_a_message(void)
{
	struct fixture f = fx_new("OptPlease ");
	const char *from = fx_phone(), *sid;
	const struct json *m;

	fx_user(&f, from, "Pat", "active");
	sid = fx_inbound(from, f.number, "STOP please");
	m = incoming_item(&f, from, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(it_member(m, "keyword")->type, JSON_NULL);
	CU_ASSERT_TRUE(jtrue(m, "responseSent"));
	CU_ASSERT_EQUAL(ack_jobs(sid), 1);
	CU_ASSERT_FALSE(suppressed(f.client, from));
}

static void every_send_path_refuses_and_nothing_reaches_twilio(void)
{
	struct fixture f = fx_new("OptPaths ");
	const char *to = fx_phone(), *key = it_new_key(f.client);
	int modem, port;
	struct resp r;

	fx_user(&f, to, "Lee", "active");
	fx_modem_port(&modem, &port);
	fx_extreme_route(&f, modem, port, NULL);
	fx_inbound(to, f.number, "UNSUBSCRIBE");
	CU_ASSERT_TRUE_FATAL(suppressed(f.client, to));
	it_mock_reset(twilio());
	it_mock_reset(extreme());
	r = op_send(&f, to);
	refused(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(it_str(&r, "message"), to));
	r = it_post("/api/web/inbox/reply", f.op_token,
		    it_fmt("{\"to\":\"%s\",\"message\":\"still there?\"}", to));
	refused(&r);
	r = v2_send(key, to);
	refused(&r);
	r = it_post("/api/v2/sms/reply", key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"still there?\"}", to));
	refused(&r);
	r = it_post("/api/v2/sms/sendsingle", key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"usemodem\":%d,\"port\":%d}", to,
			   modem, port));
	refused(&r);
	/* A message that is no keyword gets no acknowledgement either. */
	CU_ASSERT_EQUAL(ack_jobs(fx_inbound(to, f.number, "are you there")), 0);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM outgoing_messages WHERE client_id ="
				      " %lld AND to_number = '%s'",
				      f.client, to),
			       "0");
	CU_ASSERT_EQUAL(sends_to(twilio(), to), 0);
	CU_ASSERT_EQUAL(sends_to(extreme(), to), 0);
}

static void start_makes_the_number_sendable_again(void)
{
	struct fixture f = fx_new("OptStart ");
	const char *to = fx_phone();
	struct resp r, t;

	fx_user(&f, to, "Kim", "active");
	fx_inbound(to, f.number, "Quit");
	r = op_send(&f, to);
	refused(&r);
	t = it_get(it_fmt("/api/web/inbox/%s", fx_esc(to)), f.op_token);
	CU_ASSERT_TRUE(jtrue(t.json, "optedOut"));
	CU_ASSERT_STRING_EQUAL(jstr(it_member(t.json, "optOut"), "keyword"), "QUIT");
	CU_ASSERT_STRING_EQUAL(jstr(it_member(t.json, "messages")->first, "keyword"), "stop");
	fx_inbound(to, f.number, "start");
	CU_ASSERT_FALSE(suppressed(f.client, to));
	t = it_get(it_fmt("/api/web/inbox/%s", fx_esc(to)), f.op_token);
	CU_ASSERT_FALSE(jtrue(t.json, "optedOut"));
	CU_ASSERT_EQUAL(it_member(t.json, "optOut")->type, JSON_NULL);
	r = op_send(&f, to);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(sends_to(twilio(), to), 1);
}

/* The reply to a keyword over Extreme, on the modem and port it came by. */
static bool extreme_reply(const char *to, int modem, int port, const char *text)
{
	size_t n = 0;
	const struct json *all = it_mock_requests(extreme(), it_fmt("?to=%s", fx_esc(to)), &n), *j;

	if (n != 1)
		return false;
	j = it_member(all->first, "json");
	return j != NULL && it_member(j, "usemodem")->s != NULL &&
	       atoi(it_member(j, "usemodem")->s) == modem &&
	       atoi(it_member(j, "port")->s) == port && strcmp(jstr(j, "message"), text) == 0;
}

struct reply_wait {
	const char *to, *text;
	int modem, port;
};

static bool replied(void *arg)
{
	struct reply_wait *w = arg;

	return extreme_reply(w->to, w->modem, w->port, w->text);
}

static void extreme_stop_is_answered_on_its_modem_and_port(void)
{
	struct fixture f = fx_new("OptEx ");
	const char *from = fx_phone(), *key = it_new_key(f.client);
	struct reply_wait w = {from, STOP_REPLY, 0, 0};
	struct resp r;

	fx_modem_port(&w.modem, &w.port);
	fx_extreme_route(&f, w.modem, w.port, NULL);
	r = fx_extreme_inbound(it_unique("exstop"), from, "+15550009999", "stop", w.modem, w.port,
			       NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_TRUE(suppressed(f.client, from));
	CU_ASSERT_TRUE(it_wait(replied, &w, 10000));
	/* Recorded like every other message, from the system. */
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT CONCAT(sent_by, ' ', status) FROM outgoing_messages"
				      " WHERE client_id = %lld AND to_number = '%s'",
				      f.client, from),
			       "system sent");
	r = it_post("/api/v2/sms/sendsingle", key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"usemodem\":%d,\"port\":%d}", from,
			   w.modem, w.port));
	refused(&r);
	/* A second STOP changes nothing and is not answered again. */
	fx_extreme_inbound(it_unique("exstop"), from, "+15550009999", "STOP", w.modem, w.port,
			   NULL);
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM optout_events WHERE client_id = %lld", f.client), "1");
	CU_ASSERT_EQUAL(sends_to(extreme(), from), 1);
}

static void help_is_answered_over_extreme_only(void)
{
	struct fixture f = fx_new("OptHelp ");
	const char *from = fx_phone(), *sid;
	struct reply_wait w = {from, HELP_REPLY, 0, 0};

	fx_modem_port(&w.modem, &w.port);
	fx_extreme_route(&f, w.modem, w.port, NULL);
	fx_extreme_inbound(it_unique("exhelp"), from, "+15550009999", "Help", w.modem, w.port,
			   NULL);
	CU_ASSERT_TRUE(it_wait(replied, &w, 10000));
	CU_ASSERT_FALSE(suppressed(f.client, from));
	/* Over Twilio, Twilio answers HELP itself (reply_via_twilio off). */
	sid = fx_inbound(from, f.number, "HELP");
	CU_ASSERT_EQUAL(ack_jobs(sid), 0);
}

static void one_list_across_providers_and_none_across_clients(void)
{
	struct fixture a = fx_new("OptOneA "), b = fx_new("OptOneB ");
	const char *to = fx_phone(), *key = it_new_key(a.client), *key_b = it_new_key(b.client);
	int modem, port;
	struct resp r;

	fx_modem_port(&modem, &port);
	fx_extreme_route(&a, modem, port, NULL);
	fx_inbound(to, a.number, "STOP"); /* not a registered user */
	CU_ASSERT_TRUE(suppressed(a.client, to));
	r = it_post("/api/v2/sms/sendsingle", key,
		    it_fmt("{\"to\":\"%s\",\"message\":\"x\",\"usemodem\":%d,\"port\":%d}", to,
			   modem, port));
	refused(&r);
	CU_ASSERT_EQUAL(sends_to(extreme(), to), 0);
	/* Another client's list is its own. */
	CU_ASSERT_FALSE(suppressed(b.client, to));
	r = v2_send(key_b, to);
	CU_ASSERT_EQUAL(r.status, 202);
	r = it_get("/api/v2/optouts", key_b);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
}

static void twilio_21610_suppresses_the_number(void)
{
	struct fixture f = fx_new("Opt21610 ");
	struct resp r;

	fx_user(&f, UNSUBSCRIBED_TO, "Gone", "active");
	r = op_send(&f, UNSUBSCRIBED_TO);

	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_TRUE(it_is_error(&r, "twilio_error"));
	CU_ASSERT_TRUE(it_wait_sql("1 provider", 5000,
				   "SELECT CONCAT(opted_out, ' ', source) FROM optouts WHERE"
				   " client_id = %lld AND phone = '%s'",
				   f.client, UNSUBSCRIBED_TO));
	r = op_send(&f, UNSUBSCRIBED_TO);
	refused(&r);
}

/* A STOP that commits while sends to the number wait on their route's
 * rate: no send is claimed after it; the waiting ones end failed
 * recipient_opted_out, and the provider got exactly the rows sent. */
static void stop_racing_sends_stops_every_later_send(void)
{
	struct fixture f = fx_new("OptRace ");
	const char *to = fx_phone(), *key = it_new_key(f.client), *route;
	struct resp r;
	int i, sent, refused_n;

	route = it_sql("SELECT id FROM client_routes WHERE client_id = %lld", f.client);
	r = it_patch(it_fmt("/api/admin/clients/%lld/routes/%s", f.client, route), it_admin_token(),
		     "{\"mps\":1}");
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	for (i = 0; i < 6; i++) {
		r = v2_send(key, to);
		CU_ASSERT_EQUAL(r.status, 202);
	}
	fx_inbound(to, f.number, "STOP");
	r = v2_send(key, to);
	refused(&r);
	CU_ASSERT_TRUE_FATAL(it_wait_sql("0", 20000,
					 "SELECT COUNT(*) FROM outgoing_messages WHERE client_id"
					 " = %lld AND status = 'queued'",
					 f.client));
	sent = atoi(it_sql("SELECT COUNT(*) FROM outgoing_messages WHERE client_id = %lld AND"
			   " status = 'sent'",
			   f.client));
	refused_n = atoi(it_sql("SELECT COUNT(*) FROM outgoing_messages WHERE client_id = %lld"
				" AND status = 'failed' AND error_code = 'recipient_opted_out'",
				f.client));
	CU_ASSERT_EQUAL(sent + refused_n, 6);
	CU_ASSERT_TRUE(refused_n >= 4); /* one per second: at most the first two went */
	CU_ASSERT_EQUAL(sends_to(twilio(), to), (size_t)sent);
}

/* --- the feed and the admin ------------------------------------------------ */

struct feed_wait {
	const char *key, *path;
	long long want;
	struct resp r;
};

static bool feed_has(void *arg)
{
	struct feed_wait *w = arg;

	w->r = it_get(w->path, w->key);
	return it_int(&w->r, "count") >= w->want;
}

static struct resp admin_delete(const char *path, const char *body)
{
	const char *h[] = {it_fmt("Authorization: Bearer %s", it_admin_token()), NULL};

	return it_req("DELETE", path, h, "application/json", body, strlen(body));
}

/* The feed page at path once it holds want changes (a change is given
 * once it has settled, INBOX_SETTLE_MS after its commit). */
static struct resp feed(const char *key, const char *path, long long want)
{
	struct feed_wait w = {key, path, want, {0}};

	it_wait(feed_has, &w, 5000);
	return w.r;
}

static void feed_follows_changes_and_admin_clears_with_a_note(void)
{
	struct fixture f = fx_new("OptFeed ");
	const char *to = fx_phone(), *key = it_new_key(f.client), *next;
	const char *path = it_fmt("/api/admin/clients/%lld/optouts/%s", f.client, fx_esc(to));
	const struct json *o;
	struct resp r;

	fx_user(&f, to, "Ray", "active");
	fx_inbound(to, f.number, "STOP");
	fx_inbound(to, f.number, "UNSTOP");
	fx_inbound(to, f.number, "End");
	r = feed(key, "/api/v2/optouts?limit=2", 2);
	CU_ASSERT_EQUAL_FATAL(it_int(&r, "count"), 2);
	o = it_member(r.json, "optouts")->first;
	CU_ASSERT_TRUE(jtrue(o, "optedOut"));
	CU_ASSERT_STRING_EQUAL(jstr(o, "keyword"), "STOP");
	CU_ASSERT_FALSE(jtrue(o->next, "optedOut"));
	CU_ASSERT_STRING_EQUAL(jstr(o->next, "keyword"), "UNSTOP");
	next = it_str(&r, "next");
	CU_ASSERT_PTR_NOT_NULL_FATAL(next);
	/* Clearing needs a note, then is recorded with it. */
	r = admin_delete(path, "{}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(suppressed(f.client, to));
	r = admin_delete(path, "{\"note\":\"customer called, consent on file\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FALSE(suppressed(f.client, to));
	r = admin_delete(path, "{\"note\":\"again\"}");
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "optout_not_found"));
	/* The feed from where it stopped: the third change, then the admin's. */
	CU_ASSERT_TRUE(it_wait_sql("2", 5000,
				   "SELECT COUNT(*) FROM optout_events WHERE client_id"
				   " = %lld AND id > %s AND at <= NOW(3) - INTERVAL 1 SECOND",
				   f.client, next + 4));
	r = it_get(it_fmt("/api/v2/optouts?after=%s", next), key);
	CU_ASSERT_EQUAL_FATAL(it_int(&r, "count"), 2);
	o = it_member(r.json, "optouts")->first;
	CU_ASSERT_STRING_EQUAL(jstr(o, "keyword"), "END");
	CU_ASSERT_FALSE(jtrue(o->next, "optedOut"));
	CU_ASSERT_STRING_EQUAL(jstr(o->next, "source"), "admin");
	CU_ASSERT_STRING_EQUAL(jstr(o->next, "note"), "customer called, consent on file");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT actor FROM optout_events WHERE client_id = %lld"
				      " ORDER BY id DESC LIMIT 1",
				      f.client),
			       "admin");
	r = op_send(&f, to);
	CU_ASSERT_EQUAL(r.status, 200);
}

/* --- media ----------------------------------------------------------------- */

#define MEDIA_URL "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME"

static const char *mms_form(const struct fixture *f, const char *sid, const char *from,
			    const char *num, int items, const char *bad_url)
{
	const char *form = fx_inbound_form(sid, from, f->number, "look");
	int i;

	/* fx_inbound_form's NumMedia=0 replaced by num. */
	form = it_fmt("%.*sNumMedia=%s%s", (int)(strstr(form, "NumMedia=0") - form), form, num,
		      strstr(form, "NumMedia=0") + 10);
	for (i = 0; i < items; i++)
		form = it_fmt("%s&MediaUrl%d=%s&MediaContentType%d=%s", form, i,
			      fx_esc(i == 1 && bad_url ? bad_url : it_fmt(MEDIA_URL "%d", i)), i,
			      fx_esc(i % 2 ? "image/png" : "image/jpeg"));
	return form;
}

static bool delivered_one(void *arg)
{
	size_t n = 0;

	fx_deliveries(arg, &n);
	return n >= 1;
}

static void mms_media_in_inbox_lists_and_push(void)
{
	struct hookfx h = fx_hook_client("OptMms ", "push", NULL);
	const char *from = fx_phone(), *sid = it_unique("SMmms");
	const struct json *m, *media, *push, *rec;
	struct json *body = NULL;
	const char *err;
	struct resp r;
	size_t n;

	r = it_twilio_post("/twilio/incoming", mms_form(&h.f, sid, from, "2", 2, NULL), NULL);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	m = incoming_item(&h.f, from, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	media = it_member(m, "media");
	CU_ASSERT_EQUAL_FATAL(media->n, 2);
	CU_ASSERT_STRING_EQUAL(jstr(media->first, "url"), MEDIA_URL "0");
	CU_ASSERT_STRING_EQUAL(jstr(media->first, "contentType"), "image/jpeg");
	CU_ASSERT_STRING_EQUAL(jstr(media->first->next, "contentType"), "image/png");
	r = it_get(it_fmt("/api/v2/sms/inbox?from=%s", fx_esc(from)), h.key);
	CU_ASSERT_EQUAL(it_member(it_member(r.json, "messages")->first, "media")->n, 2);
	r = it_get(it_fmt("/api/web/inbox/%s", fx_esc(from)), h.f.op_token);
	CU_ASSERT_EQUAL(it_member(it_member(r.json, "messages")->first, "media")->n, 2);
	/* The receiver verified the signature of what it got. */
	CU_ASSERT_TRUE_FATAL(it_wait(delivered_one, (void *)h.path, 10000));
	rec = fx_deliveries(h.path, &n)->first;
	CU_ASSERT_TRUE(jtrue(rec, "sig_ibiki_ok"));
	CU_ASSERT_EQUAL_FATAL(json_parse(&it_arena, it_member(rec, "body")->s,
					 strlen(it_member(rec, "body")->s), &body, &err),
			      0);
	push = it_member(it_member(body, "data"), "media");
	CU_ASSERT_EQUAL_FATAL(push != NULL ? push->n : 0, 2);
	CU_ASSERT_STRING_EQUAL(jstr(push->first->next, "url"), MEDIA_URL "1");
	CU_ASSERT_EQUAL(it_member(it_member(body, "data"), "keyword")->type, JSON_NULL);
}

static void invalid_media_is_dropped_and_the_message_kept(void)
{
	struct fixture f = fx_new("OptBadMedia ");
	const char *from = fx_phone(), *sid;
	const struct json *m;
	struct resp r;

	/* Eleven: the first ten are kept. */
	sid = it_unique("SMeleven");
	r = it_twilio_post("/twilio/incoming", mms_form(&f, sid, from, "11", 11, NULL), NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	m = incoming_item(&f, from, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(it_member(m, "media")->n, 10);
	/* A plain-http URL: that one dropped, the others kept. */
	sid = it_unique("SMhttp");
	r = it_twilio_post("/twilio/incoming",
			   mms_form(&f, sid, from, "3", 3, "http://evil.example/x.jpg"), NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	m = incoming_item(&f, from, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(it_member(m, "media")->n, 2);
	CU_ASSERT_PTR_NULL(strstr(it_sql("SELECT media FROM incoming_messages WHERE"
					 " provider_message_id = '%s'",
					 sid),
				  "evil"));
	/* NumMedia that is no count: no media, the message stored. */
	sid = it_unique("SMnan");
	r = it_twilio_post("/twilio/incoming", mms_form(&f, sid, from, "lots", 1, NULL), NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	m = incoming_item(&f, from, sid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(it_member(m, "media")->n, 0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"STOP / stop / \" Stop \" suppress a user, keyword set, no acknowledgement",
	 stop_in_any_case_suppresses_without_ack},
	{"\"STOP please\" is a message: acknowledged, not suppressed",
	 stop_inside_a_sentence_is_a_message},
	{"every send path answers 403 recipient_opted_out, the providers get nothing",
	 every_send_path_refuses_and_nothing_reaches_twilio},
	{"START makes the number sendable again; the thread shows the state",
	 start_makes_the_number_sendable_again},
	{"a STOP over Extreme is answered on its modem and port, once",
	 extreme_stop_is_answered_on_its_modem_and_port},
	{"HELP is answered over Extreme, not over Twilio", help_is_answered_over_extreme_only},
	{"one list per client across providers, none across clients",
	 one_list_across_providers_and_none_across_clients},
	{"Twilio's 21610 suppresses the number", twilio_21610_suppresses_the_number},
	{"a STOP racing queued sends: none sent after it",
	 stop_racing_sends_stops_every_later_send},
	{"the v2 feed follows changes; an admin clears with a note",
	 feed_follows_changes_and_admin_clears_with_a_note},
	{"MMS: two media in the operator list, v2 inbox, thread and the push",
	 mms_media_in_inbox_lists_and_push},
	{"eleven media, an http URL, a bad NumMedia: dropped, the message kept",
	 invalid_media_is_dropped_and_the_message_kept},
};

void it_suite_optout(void)
{
	CU_pSuite s = CU_add_suite("optout", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
