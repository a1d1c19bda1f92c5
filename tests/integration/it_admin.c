/*
 * Integration: the admin API's changes (issue 14): renaming and disabling
 * a client, removing its webhook, reading and deleting a route, listing
 * accounts, disabling one and resetting its password.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *jstr(const struct json *o, const char *key)
{
	const struct json *v = it_member(o, key);

	return v != NULL && v->type == JSON_STRING ? v->s : NULL;
}

static const char *client_path(long long id, const char *rest)
{
	return it_fmt("/api/admin/clients/%lld%s", id, rest);
}

static void client_renamed_disabled_and_enabled_again(void)
{
	struct fixture f = fx_new("AdmRename "), g = fx_new("AdmOther ");
	const char *key = it_new_key(f.client), *name = it_unique("Renamed ");
	struct resp r;
	const char *sid;

	r = it_patch(client_path(f.client, ""), it_admin_token(),
		     it_fmt("{\"name\":\"%s\"}", name));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "name"), name);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "active");
	/* Another client's name is taken; nothing to change is a 400. */
	r = it_patch(client_path(g.client, ""), it_admin_token(),
		     it_fmt("{\"name\":\"%s\"}", name));
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "client_exists"));
	r = it_patch(client_path(f.client, ""), it_admin_token(), "{}");
	CU_ASSERT_EQUAL(r.status, 400);
	r = it_patch(client_path(f.client, ""), it_admin_token(), "{\"status\":\"paused\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	/* Disabled: its key is refused and its number routes nothing. */
	r = it_patch(client_path(f.client, ""), it_admin_token(), "{\"status\":\"disabled\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "disabled");
	r = it_get("/api/v2/sms/inbox", key);
	CU_ASSERT_EQUAL(r.status, 401);
	sid = fx_inbound(fx_phone(), f.number, "anyone there?");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COALESCE(client_id, 'none') FROM incoming_messages"
				      " WHERE provider_message_id = '%s'",
				      sid),
			       "none");
	/* Active again: as before. */
	r = it_patch(client_path(f.client, ""), it_admin_token(), "{\"status\":\"active\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_get("/api/v2/sms/inbox", key);
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_patch("/api/admin/clients/999999999", it_admin_token(), "{\"status\":\"active\"}");
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "client_not_found"));
}

static void webhook_removed(void)
{
	struct hookfx h = fx_hook_client("AdmHook ", "push", NULL);
	struct resp r = it_delete(client_path(h.f.client, "/webhook"), it_admin_token());
	const struct json *hook;

	CU_ASSERT_EQUAL(r.status, 200);
	hook = it_member(r.json, "webhook");
	CU_ASSERT_EQUAL(it_member(hook, "url")->type, JSON_NULL);
	CU_ASSERT_FALSE(it_member(hook, "configured")->b);
	CU_ASSERT_FALSE(it_member(hook, "secretSet")->b);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "deliveryMode"), "push");
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT CONCAT(COALESCE(webhook_url, '-'),"
				      " COALESCE(webhook_secret, '-')) FROM client_profiles"
				      " WHERE id = %lld",
				      h.f.client),
			       "--");
}

static void route_read_and_deleted(void)
{
	struct fixture f = fx_new("AdmRoute ");
	const char *id;
	int modem, port;
	struct resp r;

	fx_modem_port(&modem, &port);
	fx_extreme_route(&f, modem, port, NULL);
	id = it_sql("SELECT id FROM client_routes WHERE client_id = %lld AND provider = 'extreme'",
		    f.client);
	r = it_get(client_path(f.client, it_fmt("/routes/%s", id)), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "usemodem"), modem);
	r = it_delete(client_path(f.client, it_fmt("/routes/%s", id)), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "deleted");
	r = it_get(client_path(f.client, it_fmt("/routes/%s", id)), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "route_not_found"));
	r = it_delete(client_path(f.client, it_fmt("/routes/%s", id)), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 404);
	/* Its modem and port route nothing now. */
	r = fx_extreme_inbound(it_unique("exgone"), fx_phone(), "+15550009998", "hi", modem, port,
			       NULL);
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COALESCE(client_id, 'none') FROM incoming_messages"
				      " WHERE id = %s",
				      it_str(&r, "id") + 4),
			       "none");
}

static void accounts_listed_disabled_and_reset(void)
{
	struct fixture f = fx_new("AdmAcct ");
	const char *user, *token = it_new_operator(f.client, &user), *id;
	const struct json *a;
	struct resp r;

	r = it_get(it_fmt("/api/admin/accounts?clientId=%lld", f.client), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(it_int(&r, "count"), 2); /* the fixture's operator and this one */
	for (a = it_member(r.json, "accounts")->first; a != NULL; a = a->next) {
		CU_ASSERT_PTR_NULL(it_member(a, "password_hash"));
		CU_ASSERT_PTR_NULL(it_member(a, "passwordHash"));
		CU_ASSERT_STRING_EQUAL(jstr(a, "role"), "operator");
	}
	CU_ASSERT_PTR_NULL(strstr(r.body, "pbkdf2"));
	id = it_sql("SELECT id FROM accounts WHERE username = '%s'", user);
	/* Disabled: its open session is refused at once. */
	r = it_get("/api/users", token);
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_patch(it_fmt("/api/admin/accounts/%s", id), it_admin_token(),
		     "{\"status\":\"disabled\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "disabled");
	r = it_get("/api/users", token);
	CU_ASSERT_EQUAL(r.status, 401);
	/* A new password, active again: the new password logs in. */
	r = it_patch(it_fmt("/api/admin/accounts/%s", id), it_admin_token(),
		     "{\"status\":\"active\",\"password\":\"a-new-password-42\"}");
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_post("/api/auth/login", NULL,
		    it_fmt("{\"username\":\"%s\",\"password\":\"a-new-password-42\"}", user));
	CU_ASSERT_EQUAL(r.status, 200);
	r = it_patch(it_fmt("/api/admin/accounts/%s", id), it_admin_token(),
		     "{\"password\":\"short\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "weak_password"));
	r = it_patch("/api/admin/accounts/999999999", it_admin_token(), "{\"status\":\"active\"}");
	CU_ASSERT_EQUAL(r.status, 404);
	/* No admin can lock itself out. */
	r = it_patch(it_fmt("/api/admin/accounts/%s",
			    it_sql("SELECT id FROM accounts WHERE username = 'admin'")),
		     it_admin_token(), "{\"status\":\"disabled\"}");
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "own_account"));
	/* Operators have no access to any of it. */
	r = it_get("/api/admin/accounts", f.op_token);
	CU_ASSERT_EQUAL(r.status, 403);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"a client renamed, disabled (key refused, number unrouted) and enabled again",
	 client_renamed_disabled_and_enabled_again},
	{"a client's webhook removed, its mode kept", webhook_removed},
	{"a route read, deleted, and its modem/port unrouted", route_read_and_deleted},
	{"accounts listed without hashes, disabled at once, password reset",
	 accounts_listed_disabled_and_reset},
};

void it_suite_admin(void)
{
	CU_pSuite s = CU_add_suite("admin", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
