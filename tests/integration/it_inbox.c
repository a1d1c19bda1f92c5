/*
 * Integration: what the dashboard reads (issue 14): who the session is
 * (GET /api/auth/me), the conversation list's pages, search and unread
 * totals, a thread's user and whether a reply can succeed, and the admin
 * client view's warnings.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *jstr(const struct json *o, const char *key)
{
	const struct json *v = it_member(o, key);

	return v != NULL && v->type == JSON_STRING ? v->s : NULL;
}

static bool jnull(const struct json *o, const char *key)
{
	const struct json *v = it_member(o, key);

	return v != NULL && v->type == JSON_NULL;
}

/* The conversation of phone in an inbox answer, or NULL. */
static const struct json *conversation(const struct resp *r, const char *phone)
{
	const struct json *c, *list = it_member(r->json, "conversations");

	for (c = list ? list->first : NULL; c != NULL; c = c->next)
		if (jstr(c, "phoneNumber") && strcmp(jstr(c, "phoneNumber"), phone) == 0)
			return c;
	return NULL;
}

static void me_by_cookie_and_bearer(void)
{
	struct fixture f = fx_new("InboxMe ");
	const char *cookie[] = {it_fmt("Cookie: ibiki_session=%s", f.op_token), NULL};
	struct resp r = it_req("GET", "/api/auth/me", cookie, NULL, NULL, 0);
	const char *client_name =
		it_sql("SELECT name FROM client_profiles WHERE id = %lld", f.client);

	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "username"), f.op_name);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "role"), "operator");
	CU_ASSERT_EQUAL(it_int(&r, "clientId"), f.client);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "clientName"), client_name);
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "expiresAt"));
	/* An admin's session has no client, whatever header it sends. */
	r = it_get("/api/auth/me", it_admin_token());
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "role"), "admin");
	CU_ASSERT_TRUE(jnull(r.json, "clientId"));
	CU_ASSERT_TRUE(jnull(r.json, "clientName"));
	/* A client system's key is not a session; nothing is no session. */
	r = it_get("/api/auth/me", it_new_key(f.client));
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "forbidden"));
	r = it_get("/api/auth/me", NULL);
	CU_ASSERT_EQUAL(r.status, 401);
	r = it_get("/api/auth/me", "not.a.token");
	CU_ASSERT_EQUAL(r.status, 401);
}

/* Seven conversations, paged three at a time by next: each exactly once,
 * most recent first, with their users. */
static void list_pages_by_next_with_users(void)
{
	struct fixture f = fx_new("InboxPages ");
	const char *phones[7], *seen[16], *before = NULL;
	size_t nseen = 0, i, j;
	struct resp r;
	const struct json *c;

	for (i = 0; i < 7; i++) {
		/* One sender as Twilio may give it, not E.164: the cursor of a
		 * page that ends there must still work. */
		phones[i] = i == 4 ? it_fmt("whatsapp:%s", fx_phone()) : fx_phone();
		fx_inbound(phones[i], f.number, it_fmt("page test %zu", i));
	}
	fx_user(&f, phones[6], "Pat Pager", "active");
	fx_user(&f, phones[5], "Ina Inactive", "inactive");
	for (j = 0; j < 5; j++) {
		r = it_get(before ? it_fmt("/api/web/inbox?limit=3&before=%s", before)
				  : "/api/web/inbox?limit=3",
			   f.op_token);
		CU_ASSERT_EQUAL_FATAL(r.status, 200);
		for (c = it_member(r.json, "conversations")->first; c && nseen < 16; c = c->next)
			seen[nseen++] = jstr(c, "phoneNumber");
		if (jnull(r.json, "next"))
			break;
		before = it_str(&r, "next");
	}
	/* Each once (two at the same millisecond order by number). */
	CU_ASSERT_EQUAL_FATAL(nseen, 7);
	for (i = 0; i < 7; i++) {
		size_t hits = 0;

		for (j = 0; j < nseen; j++)
			hits += strcmp(seen[j], phones[i]) == 0;
		CU_ASSERT_EQUAL(hits, 1);
	}
	CU_ASSERT_STRING_EQUAL(seen[0], phones[6]);
	r = it_get("/api/web/inbox?limit=3", f.op_token);
	c = conversation(&r, phones[6]);
	CU_ASSERT_STRING_EQUAL(jstr(c, "name"), "Pat Pager");
	CU_ASSERT_TRUE(it_member(c, "registered")->b);
	CU_ASSERT_STRING_EQUAL(jstr(c, "userStatus"), "active");
	c = conversation(&r, phones[5]);
	CU_ASSERT_STRING_EQUAL(jstr(c, "userStatus"), "inactive");
	c = conversation(&r, phones[4]);
	CU_ASSERT_TRUE(jnull(c, "name"));
	CU_ASSERT_FALSE(it_member(c, "registered")->b);
	CU_ASSERT_TRUE(jnull(c, "userStatus"));
	/* A cursor that is not one is a 400. */
	r = it_get("/api/web/inbox?before=yesterday", f.op_token);
	CU_ASSERT_EQUAL(r.status, 400);
	r = it_get("/api/web/inbox?before=20261399250000000_15550000000", f.op_token);
	CU_ASSERT_EQUAL(r.status, 400);
}

/* Search: a number prefix (with or without "+") and a name prefix, within
 * the caller's client only. */
static void search_by_number_and_name(void)
{
	struct fixture f = fx_new("InboxSearch "), g = fx_new("InboxSearchOther ");
	const char *a = fx_phone(), *b = fx_phone(), *name = it_unique("Zed");
	const char *prefix = it_fmt("%.10s", a);
	struct resp r;

	fx_inbound(a, f.number, "search me");
	fx_inbound(b, f.number, "and me");
	fx_inbound(a, g.number, "not yours");
	fx_user(&f, b, name, "active");
	r = it_get(it_fmt("/api/web/inbox?q=%s", fx_esc(prefix)), f.op_token);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(conversation(&r, a));
	CU_ASSERT_TRUE(jnull(r.json, "next"));
	r = it_get(it_fmt("/api/web/inbox?q=%s", a + 1), f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	CU_ASSERT_PTR_NOT_NULL(conversation(&r, a));
	/* The name's start, any case; wildcards are literal. */
	r = it_get(it_fmt("/api/web/inbox?q=%.6s", name), f.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	CU_ASSERT_PTR_NOT_NULL(conversation(&r, b));
	r = it_get("/api/web/inbox?q=zed", f.op_token);
	CU_ASSERT_PTR_NOT_NULL(conversation(&r, b));
	r = it_get("/api/web/inbox?q=%25", f.op_token);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	/* Another client's conversation with the same number is not found. */
	r = it_get(it_fmt("/api/web/inbox?q=%s", fx_esc(a)), g.op_token);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 1);
	CU_ASSERT_STRING_EQUAL(jstr(it_member(conversation(&r, a), "lastMessage"), "message"),
			       "not yours");
	/* Digits and more are a name ("3M"); control characters are refused. */
	r = it_get("/api/web/inbox?q=%2B12a", f.op_token);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 0);
	r = it_get("/api/web/inbox?q=ab%01", f.op_token);
	CU_ASSERT_EQUAL(r.status, 400);
}

static long long unread(const struct fixture *f, const char *key)
{
	struct resp r = it_get("/api/web/inbox?limit=1", f->op_token);
	const struct json *u = it_member(r.json, "unread"), *v = it_member(u, key);

	return v != NULL && v->type == JSON_NUMBER ? atoll(v->s) : -1;
}

/* Unread totals cover every conversation, not only the page. */
static void unread_totals_cover_all_conversations(void)
{
	struct fixture f = fx_new("InboxUnread ");
	const char *a = fx_phone(), *b = fx_phone();
	struct resp r;

	fx_inbound(a, f.number, "one");
	fx_inbound(a, f.number, "two");
	fx_inbound(b, f.number, "three");
	CU_ASSERT_EQUAL(unread(&f, "conversations"), 2);
	CU_ASSERT_EQUAL(unread(&f, "messages"), 3);
	r = it_get(it_fmt("/api/web/inbox/%s", fx_esc(a)), f.op_token);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(unread(&f, "conversations"), 1);
	CU_ASSERT_EQUAL(unread(&f, "messages"), 1);
}

/* phone's thread says a reply is blocked for code, and a reply does meet
 * that: HTTP status. */
static void reply_blocked(const struct fixture *f, const char *phone, const char *code, int status)
{
	struct resp r = it_get(it_fmt("/api/web/inbox/%s", fx_esc(phone)), f->op_token);

	CU_ASSERT_FALSE(it_member(r.json, "canReply")->b);
	CU_ASSERT_STRING_EQUAL(jstr(it_member(r.json, "replyBlocked"), "code"), code);
	r = it_post("/api/web/inbox/reply", f->op_token,
		    it_fmt("{\"to\":\"%s\",\"message\":\"back\"}", phone));
	CU_ASSERT_EQUAL(r.status, status);
}

/* A thread names its user and says why a reply cannot succeed: a number
 * only sent to, an opted-out number. */
static void thread_user_and_reply_state(void)
{
	struct fixture f = fx_new("InboxThread ");
	const char *wrote = fx_phone(), *sent = fx_phone(), *stop = fx_phone();
	struct resp r;

	fx_inbound(wrote, f.number, "hello");
	fx_user(&f, wrote, "Wanda Writer", "active");
	r = it_get(it_fmt("/api/web/inbox/%s", fx_esc(wrote)), f.op_token);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "name"), "Wanda Writer");
	CU_ASSERT_TRUE(it_member(r.json, "registered")->b);
	CU_ASSERT_TRUE(it_member(r.json, "canReply")->b);
	CU_ASSERT_TRUE(jnull(r.json, "replyBlocked"));

	fx_user(&f, sent, "Sid Sentto", "active");
	r = it_post(
		"/api/send-message", f.op_token,
		it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"hi\",\"operatorId\":\"%s\"}",
		       sent, f.op_name));
	CU_ASSERT_TRUE(r.status == 200 || r.status == 202);
	reply_blocked(&f, sent, "no_inbound", 404);
	fx_inbound(stop, f.number, "STOP");
	reply_blocked(&f, stop, "recipient_opted_out", 403);
}

static const char *first_warning(const struct resp *r)
{
	const struct json *w = it_member(r->json, "warnings");

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(w->type, JSON_ARRAY);
	return w->first ? jstr(w->first, "code") : "";
}

/* Push with no webhook cannot deliver: the client view says so until a
 * webhook is set or the mode is poll. */
static void push_without_webhook_warned(void)
{
	long long id = it_new_client("InboxWarn ");
	const char *path = it_fmt("/api/admin/clients/%lld", id);
	struct resp r = it_get(path, it_admin_token());

	CU_ASSERT_STRING_EQUAL(first_warning(&r), "");
	r = it_post(it_fmt("%s/delivery-mode", path), it_admin_token(), "{\"mode\":\"push\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(first_warning(&r), "push_without_webhook");
	r = it_get(path, it_admin_token());
	CU_ASSERT_STRING_EQUAL(first_warning(&r), "push_without_webhook");
	r = it_post(it_fmt("%s/delivery-mode", path), it_admin_token(), "{\"mode\":\"poll\"}");
	CU_ASSERT_STRING_EQUAL(first_warning(&r), "");
	if (it_loopback_allowed()) {
		r = it_post(it_fmt("%s/delivery-mode", path), it_admin_token(),
			    "{\"mode\":\"both\"}");
		CU_ASSERT_STRING_EQUAL(first_warning(&r), "push_without_webhook");
		r = it_post(it_fmt("%s/webhook", path), it_admin_token(),
			    it_fmt("{\"url\":\"%s/warn\"}", fx_receiver()));
		CU_ASSERT_EQUAL(r.status, 200);
		r = it_get(path, it_admin_token());
		CU_ASSERT_STRING_EQUAL(first_warning(&r), "");
	}
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"GET /api/auth/me: the session by cookie or bearer; a key 403, none 401",
	 me_by_cookie_and_bearer},
	{"the conversation list pages by next, each once, with names and states",
	 list_pages_by_next_with_users},
	{"search by number prefix and name prefix, one client only", search_by_number_and_name},
	{"unread totals cover every conversation", unread_totals_cover_all_conversations},
	{"a thread names its user and why a reply cannot succeed", thread_user_and_reply_state},
	{"push without a webhook is warned until fixed", push_without_webhook_warned},
};

void it_suite_inbox(void)
{
	CU_pSuite s = CU_add_suite("inbox", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
