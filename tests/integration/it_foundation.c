/*
 * Integration: the foundation over HTTPS through nginx -- health, login,
 * the admin API, credentials and tenants, the router's errors, strict
 * JSON, webhook URL rules.
 */
#include <stdlib.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "itest.h"

static const char *json_hdr[] = {"Content-Type: application/json", NULL};

static void health_is_200_healthy(void)
{
	struct resp r = it_get("/health", NULL);

	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "healthy");
	CU_ASSERT_STRING_EQUAL(it_str(&r, "database"), "connected");
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "timestamp"));
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "twilio"));
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "extreme"));
	CU_ASSERT_PTR_NOT_NULL(it_header(&r, "x-request-id"));
	CU_ASSERT_PTR_NOT_NULL(it_header(&r, "strict-transport-security"));
}

static void login_good_password(void)
{
	struct resp r = it_post("/api/auth/login", NULL,
				it_fmt("{\"username\":\"admin\",\"password\":\"%s\"}",
				       it_env("IBIKI_ADMIN_PASSWORD")));
	const char *cookie;

	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "token"));
	CU_ASSERT_PTR_NOT_NULL(it_str(&r, "expiresAt"));
	CU_ASSERT_STRING_EQUAL(it_str(&r, "role"), "admin");
	cookie = it_header(&r, "set-cookie");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cookie);
	CU_ASSERT_PTR_NOT_NULL(strstr(cookie, "HttpOnly"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cookie, "Secure"));
	CU_ASSERT_PTR_NOT_NULL(strstr(cookie, "SameSite=Strict"));
	/* The token works. */
	r = it_get("/api/admin/clients", it_str(&r, "token"));
	CU_ASSERT_EQUAL(r.status, 200);
}

static void login_bad_password_is_401(void)
{
	struct resp r = it_post("/api/auth/login", NULL,
				"{\"username\":\"admin\",\"password\":\"not-the-password\"}");

	CU_ASSERT_EQUAL(r.status, 401);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_credentials"));
	CU_ASSERT_PTR_NULL(it_header(&r, "set-cookie"));
}

static void login_unknown_user_is_401_alike(void)
{
	struct resp r =
		it_post("/api/auth/login", NULL,
			"{\"username\":\"nobody-here\",\"password\":\"whatever-password\"}");

	CU_ASSERT_EQUAL(r.status, 401);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_credentials"));
}

static void session_cookie_authenticates(void)
{
	const char *h[] = {it_fmt("Cookie: ibiki_session=%s", it_admin_token()), NULL};
	struct resp r = it_req("GET", "/api/admin/clients", h, NULL, NULL, 0);

	CU_ASSERT_EQUAL(r.status, 200);
}

/* The cookie alone, from another site: refused before anything reads the
 * body, whatever its content type; from the dashboard's own origin (or
 * Sec-Fetch-Site: same-origin) it works, and Bearer calls are unaffected. */
static void cookie_only_cross_site_writes_are_refused(void)
{
	long long client = it_new_client("Csrf ");
	const char *cookie = it_fmt("Cookie: ibiki_session=%s", it_admin_token());
	const char *path = it_fmt("/api/admin/clients/%lld/api-keys", client);
	const char *evil[] = {cookie, "Origin: https://evil.example", NULL};
	const char *none[] = {cookie, NULL};
	const char *own[] = {cookie, it_fmt("Origin: %s", it_env("IBIKI_TEST_URL")), NULL};
	const char *fetch[] = {cookie, "Sec-Fetch-Site: same-origin", NULL};
	const char *cleared;
	const char *paths[] = {path, "/api/admin/clients/1/deliveries/dlv_1/redeliver",
			       "/api/auth/logout"};
	struct resp r;
	size_t i;

	for (i = 0; i < 3; i++) {
		r = it_req("POST", paths[i], evil, "application/x-www-form-urlencoded", "", 0);
		CU_ASSERT_EQUAL(r.status, 403);
		CU_ASSERT_TRUE(it_is_error(&r, "csrf_rejected"));
		r = it_req("POST", paths[i], none, "text/plain", "x", 1);
		CU_ASSERT_EQUAL(r.status, 403);
	}
	CU_ASSERT_STRING_EQUAL(
		it_sql("SELECT COUNT(*) FROM api_keys WHERE client_id = %lld", client), "0");
	r = it_req("POST", path, own, "application/json", "{}", 2);
	CU_ASSERT_EQUAL(r.status, 201);
	r = it_req("POST", path, fetch, "application/json", "{}", 2);
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(it_post(path, it_admin_token(), "{}").status, 201);
	/* The dashboard's logout: its own origin, the cookie cleared. */
	r = it_req("POST", "/api/auth/logout", own, NULL, NULL, 0);
	CU_ASSERT_EQUAL(r.status, 200);
	cleared = it_header(&r, "Set-Cookie");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cleared);
	CU_ASSERT_PTR_NOT_NULL(strstr(cleared, "Max-Age=0"));
}

/* The workers' sockets are nginx's alone: mode 0660, nginx's group; a
 * local user outside it cannot reach the workers past nginx. */
static void worker_sockets_are_for_nginx_only(void)
{
	const char *names[] = {"ingest", "api"};
	struct stat st;
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *path = it_fmt("%s/run/%s.sock", it_env("IBIKI_STACK_DIR"), names[i]);

		CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & 0777, 0660);
		if (getuid() != 0 || getgrnam("www-data") == NULL || getpwnam("nobody") == NULL)
			continue;
		CU_ASSERT_EQUAL(st.st_gid, getgrnam("www-data")->gr_gid);
		CU_ASSERT_STRING_EQUAL(
			it_sh(NULL,
			      "runuser -u nobody -- python3 -c 'import socket, sys;"
			      " s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' '%s'"
			      " 2>/dev/null && echo reachable || echo refused",
			      path),
			"refused");
	}
}

static void admin_creates_client_route_and_key(void)
{
	const char *tok = it_admin_token();
	const char *name = it_unique("Acme ");
	struct resp r = it_post("/api/admin/clients", tok, it_fmt("{\"name\":\"%s\"}", name));
	long long id;
	const char *key, *num = fx_phone();

	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "name"), name);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "deliveryMode"), "poll");
	id = it_int(&r, "id");

	r = it_post(it_fmt("/api/admin/clients/%lld/routes", id), tok,
		    it_fmt("{\"provider\":\"twilio\",\"number\":\"%s\"}", num));
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "number"), num);

	r = it_post(it_fmt("/api/admin/clients/%lld/api-keys", id), tok, "{\"label\":\"erp\"}");
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	key = it_str(&r, "key");
	CU_ASSERT_PTR_NOT_NULL_FATAL(key);
	CU_ASSERT_EQUAL(strncmp(key, "ibk_", 4), 0);
	CU_ASSERT_EQUAL(strlen(key), 47);

	/* The client's view lists the route and the key's prefix, never the key. */
	r = it_get(it_fmt("/api/admin/clients/%lld", id), tok);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NULL(strstr(r.body, key));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, it_fmt("\"%.12s\"", key)));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, num));

	/* The key works on the client API. */
	r = it_get(it_fmt("/api/v2/clients/%lld", id), key);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "name"), name);
}

static void duplicate_client_and_route_are_409(void)
{
	const char *tok = it_admin_token();
	const char *name = it_unique("Dup ");
	const char *num = it_fmt("+1666%s", fx_phone() + 5);
	struct resp r = it_post("/api/admin/clients", tok, it_fmt("{\"name\":\"%s\"}", name));
	long long a = it_int(&r, "id"), b = it_new_client("Other ");

	r = it_post("/api/admin/clients", tok, it_fmt("{\"name\":\"%s\"}", name));
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "client_exists"));
	r = it_post(it_fmt("/api/admin/clients/%lld/routes", a), tok,
		    it_fmt("{\"provider\":\"twilio\",\"number\":\"%s\"}", num));
	CU_ASSERT_EQUAL(r.status, 201);
	r = it_post(it_fmt("/api/admin/clients/%lld/routes", b), tok,
		    it_fmt("{\"provider\":\"twilio\",\"number\":\"%s\"}", num));
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "route_exists"));
}

static void route_validation(void)
{
	const char *tok = it_admin_token();
	long long id = it_new_client("Routes ");
	const char *path = it_fmt("/api/admin/clients/%lld/routes", id);
	struct resp r;
	int modem, port;

	r = it_post(path, tok, "{\"provider\":\"twilio\",\"number\":\"12345\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_phone_number"));
	r = it_post(path, tok, "{\"provider\":\"sms\",\"number\":\"+12025550100\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	r = it_post(path, tok, "{\"provider\":\"extreme\",\"usemodem\":1}");
	CU_ASSERT_EQUAL(r.status, 400);
	fx_modem_port(&modem, &port);
	r = it_post(path, tok,
		    it_fmt("{\"provider\":\"extreme\",\"usemodem\":%d,\"port\":%d}", modem, port));
	CU_ASSERT_EQUAL(r.status, 201);
	r = it_post("/api/admin/clients/999999999/routes", tok,
		    "{\"provider\":\"twilio\",\"number\":\"+12025550100\"}");
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "client_not_found"));
}

static void client_key_cannot_use_admin_endpoints(void)
{
	long long id = it_new_client("KeyOnly ");
	const char *key = it_new_key(id);
	struct resp r = it_get("/api/admin/clients", key);

	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "forbidden"));
	r = it_get(it_fmt("/api/admin/clients/%lld", id), key);
	CU_ASSERT_EQUAL(r.status, 403);
	r = it_post("/api/admin/clients", key, "{\"name\":\"sneaky\"}");
	CU_ASSERT_EQUAL(r.status, 403);
}

static void client_key_cannot_see_another_client(void)
{
	long long a = it_new_client("TenantA "), b = it_new_client("TenantB ");
	const char *key = it_new_key(a);
	struct resp r = it_get(it_fmt("/api/v2/clients/%lld", b), key);

	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "client_not_found"));
	r = it_get(it_fmt("/api/v2/clients/%lld", a), key);
	CU_ASSERT_EQUAL(r.status, 200);
}

static void operator_cannot_use_admin_endpoints(void)
{
	long long id = it_new_client("Ops ");
	const char *tok = it_new_operator(id, NULL);
	struct resp r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	r = it_get("/api/admin/clients", tok);
	CU_ASSERT_EQUAL(r.status, 403);
	r = it_post(
		"/api/admin/accounts", tok,
		"{\"username\":\"escalate\",\"password\":\"long-enough-pass\",\"role\":\"admin\"}");
	CU_ASSERT_EQUAL(r.status, 403);
}

static void operator_login_works(void)
{
	long long id = it_new_client("OpLogin ");
	const char *user;
	struct resp r;

	it_new_operator(id, &user);
	r = it_post("/api/auth/login", NULL,
		    it_fmt("{\"username\":\"%s\",\"password\":\"operator-password-1\"}", user));
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "role"), "operator");
	CU_ASSERT_EQUAL(it_int(&r, "clientId"), id);
}

static void revoked_key_is_401(void)
{
	long long id = it_new_client("Revoke ");
	struct resp r =
		it_post(it_fmt("/api/admin/clients/%lld/api-keys", id), it_admin_token(), "{}");
	const char *key = it_str(&r, "key");
	long long kid = it_int(&r, "id");

	CU_ASSERT_EQUAL(it_get(it_fmt("/api/v2/clients/%lld", id), key).status, 200);
	r = it_delete(it_fmt("/api/admin/clients/%lld/api-keys/%lld", id, kid), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "revoked");
	r = it_get(it_fmt("/api/v2/clients/%lld", id), key);
	CU_ASSERT_EQUAL(r.status, 401);
	/* Revoking again, or another client's key, is 404. */
	r = it_delete(it_fmt("/api/admin/clients/%lld/api-keys/%lld", id, kid), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 404);
}

static void other_clients_key_cannot_be_revoked_through_this_client(void)
{
	long long a = it_new_client("RevA "), b = it_new_client("RevB ");
	struct resp r =
		it_post(it_fmt("/api/admin/clients/%lld/api-keys", b), it_admin_token(), "{}");
	long long kid = it_int(&r, "id");
	const char *key = it_str(&r, "key");

	r = it_delete(it_fmt("/api/admin/clients/%lld/api-keys/%lld", a, kid), it_admin_token());
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_EQUAL(it_get(it_fmt("/api/v2/clients/%lld", b), key).status, 200);
}

static void missing_and_invalid_credentials_are_401(void)
{
	struct resp r = it_get("/api/admin/clients", NULL);

	CU_ASSERT_EQUAL(r.status, 401);
	CU_ASSERT_TRUE(it_is_error(&r, "unauthorized"));
	r = it_get("/api/admin/clients", "not-a-token");
	CU_ASSERT_EQUAL(r.status, 401);
	r = it_get("/api/v2/clients/1", "ibk_0000000000000000000000000000000000000000000");
	CU_ASSERT_EQUAL(r.status, 401);
}

static void unknown_path_is_404_json(void)
{
	struct resp r = it_get("/api/no-such-endpoint", NULL);

	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_TRUE(it_is_error(&r, "not_found"));
}

static void wrong_method_is_405_json(void)
{
	struct resp r = it_req("DELETE", "/health", NULL, NULL, NULL, 0);

	CU_ASSERT_EQUAL(r.status, 405);
	CU_ASSERT_TRUE(it_is_error(&r, "method_not_allowed"));
	CU_ASSERT_PTR_NOT_NULL(it_header(&r, "allow"));
}

static void body_over_route_limit_is_413_json(void)
{
	char *big = malloc(20000);
	struct resp r;

	memset(big, ' ', 19999);
	big[0] = '{';
	big[19998] = '}';
	big[19999] = '\0';
	r = it_req("POST", "/api/auth/login", json_hdr, "application/json", big, 19999);
	CU_ASSERT_EQUAL(r.status, 413);
	CU_ASSERT_TRUE(it_is_error(&r, "payload_too_large"));
	free(big);
}

static void body_over_nginx_limit_is_413_json(void)
{
	size_t n = 300 * 1024;
	char *big = malloc(n + 1);
	struct resp r;

	memset(big, 'x', n);
	big[n] = '\0';
	r = it_req("POST", "/api/admin/clients", json_hdr, "application/json", big, n);
	CU_ASSERT_EQUAL(r.status, 413);
	CU_ASSERT_TRUE(it_is_error(&r, "payload_too_large"));
	free(big);
}

static void malformed_json_is_400_json(void)
{
	static const char *bodies[] = {
		"{\"name\":",
		"{\"name\":\"a\",\"name\":\"b\"}",
		"{\"name\":\"a\" /* c */}",
		"{\"name\":\"\\ud800\"}",
		"[]",
		"{\"name\":\"\xc0\xaf\"}",
		"nul\0l",
	};
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		size_t len = i == 6 ? 5 : strlen(bodies[i]);
		const char *h[] = {it_fmt("Authorization: Bearer %s", it_admin_token()), NULL};
		struct resp r =
			it_req("POST", "/api/admin/clients", h, "application/json", bodies[i], len);
		CU_ASSERT_EQUAL(r.status, 400);
		CU_ASSERT_TRUE(it_is_error(&r, "invalid_json"));
	}
}

static void delivery_mode_changes(void)
{
	long long id = it_new_client("Mode ");
	const char *tok = it_admin_token();
	struct resp r = it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", id), tok,
				"{\"mode\":\"both\"}");

	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "deliveryMode"), "both");
	r = it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", id), tok, "{\"mode\":\"fax\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "invalid_mode"));
}

static void webhook_url_rules(void)
{
	long long id = it_new_client("Hook ");
	const char *tok = it_admin_token(), *path = it_fmt("/api/admin/clients/%lld/webhook", id);
	static const char *refused[] = {
		"http://hooks.example.com/x",	   "https://169.254.169.254/x",
		"https://[fd00:ec2::254]/x",	   "https://10.1.2.3/x",
		"https://u:p@hooks.example.com/x",
	};
	/* Refused unless the stack allows loopback (test stacks do). */
	static const char *loopback[] = {
		"https://127.0.0.1/x",
		"https://2130706433/x",
		"https://0177.0.0.1/x",
		"https://[::ffff:127.0.0.1]/x",
	};
	struct resp r;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		r = it_post(path, tok, it_fmt("{\"url\":\"%s\"}", refused[i]));
		CU_ASSERT_EQUAL(r.status, 400);
		CU_ASSERT_TRUE(it_is_error(&r, "invalid_webhook_url"));
	}
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		r = it_post(path, tok, it_fmt("{\"url\":\"%s\"}", loopback[i]));
		CU_ASSERT_EQUAL(r.status, it_loopback_allowed() ? 200 : 400);
	}
	r = it_post(path, tok,
		    "{\"url\":\"https://hooks.example.com/ibiki\",\"rotateSecret\":true}");
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_EQUAL(strncmp(it_str(&r, "secret") ? it_str(&r, "secret") : "", "whsec_", 6), 0);
	/* The secret is shown once: the client view never has it. */
	r = it_get(it_fmt("/api/admin/clients/%lld", id), tok);
	CU_ASSERT_PTR_NULL(strstr(r.body, "whsec_"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"badge\":\"configured\""));
}

static void accounts_validation(void)
{
	const char *tok = it_admin_token();
	struct resp r;

	r = it_post("/api/admin/accounts", tok,
		    "{\"username\":\"shorty\",\"password\":\"short\",\"role\":\"admin\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_TRUE(it_is_error(&r, "weak_password"));
	r = it_post("/api/admin/accounts", tok,
		    "{\"username\":\"opnoclient\",\"password\":\"long-enough-pass\",\"role\":"
		    "\"operator\"}");
	CU_ASSERT_EQUAL(r.status, 400);
	r = it_post(
		"/api/admin/accounts", tok,
		"{\"username\":\"admin\",\"password\":\"long-enough-pass\",\"role\":\"admin\"}");
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_TRUE(it_is_error(&r, "username_taken"));
}

static void metrics_answers_on_loopback(void)
{
	struct resp r = it_get("/metrics", NULL);

	/* The test runs on the same host: loopback is allowed. */
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "ibiki_database_up 1"));
}

/* The value of one series in a /metrics answer (0 when absent). */
static long long metric(const char *series)
{
	struct resp r = it_get("/metrics", NULL);
	const char *p = r.body ? strstr(r.body, it_fmt("\n%s ", series)) : NULL;

	return p != NULL ? atoll(p + strlen(series) + 2) : 0;
}

#define REQS(route, method, status)                                                                \
	"ibiki_http_requests_total{route=\"" route "\",method=\"" method "\",status=\"" status "\"}"

/* Counters move by exactly the requests made, whichever worker of either
 * pool answered them (16 at once: several workers each). */
static void metrics_count_every_request(void)
{
	const char *h[] = {it_fmt("Authorization: Bearer %s", it_admin_token()), NULL};
	long long health = metric(REQS("/health", "GET", "200"));
	long long clients = metric(REQS("/api/admin/clients", "GET", "200"));
	long long denied = metric(REQS("/api/admin/clients", "GET", "401"));
	long long unmatched = metric(REQS("unmatched", "", "404"));
	long long buckets = metric("ibiki_http_request_duration_seconds_count{route=\"/health\","
				   "method=\"GET\"}");

	CU_ASSERT_EQUAL(it_parallel(16, "GET", "/health", NULL, NULL, NULL, 200), 16);
	CU_ASSERT_EQUAL(it_parallel(16, "GET", "/health", NULL, NULL, NULL, 200), 16);
	CU_ASSERT_EQUAL(it_parallel(12, "GET", "/api/admin/clients", h, NULL, NULL, 200), 12);
	CU_ASSERT_EQUAL(it_parallel(5, "GET", "/api/admin/clients", NULL, NULL, NULL, 401), 5);
	CU_ASSERT_EQUAL(it_get("/api/no/such/thing", NULL).status, 404);
	CU_ASSERT_EQUAL(metric(REQS("/health", "GET", "200")) - health, 32);
	CU_ASSERT_EQUAL(metric(REQS("/api/admin/clients", "GET", "200")) - clients, 12);
	CU_ASSERT_EQUAL(metric(REQS("/api/admin/clients", "GET", "401")) - denied, 5);
	CU_ASSERT_EQUAL(metric(REQS("unmatched", "", "404")) - unmatched, 1);
	CU_ASSERT_EQUAL(metric("ibiki_http_request_duration_seconds_count{route=\"/health\","
			       "method=\"GET\"}") -
				buckets,
			32);
}

struct grew {
	const char *series;
	long long from;
};

static bool metric_grew(void *arg)
{
	struct grew *g = arg;

	return metric(g->series) > g->from;
}

/* The dispatchers' counts reach /metrics through their counter file. */
static void metrics_count_the_dispatchers_deliveries(void)
{
	struct grew g = {"ibiki_webhook_deliveries_total{outcome=\"delivered\"}", 0};
	struct grew sms = {"ibiki_upstream_sends_total{provider=\"twilio\",outcome=\"accepted\"}",
			   0};
	struct hookfx h;
	const char *phone = fx_phone();

	g.from = metric(g.series);
	sms.from = metric(sms.series);
	h = fx_hook_client("Counted ", "push", NULL);
	fx_user(&h.f, phone, "Counted", "active");
	fx_inbound(phone, h.f.number, "count me");
	/* A delivery and an acknowledgement SMS, counted within a flush (5 s). */
	CU_ASSERT_TRUE(it_wait(metric_grew, &g, 20000));
	CU_ASSERT_TRUE(it_wait(metric_grew, &sms, 20000));
}

static void dashboard_is_served(void)
{
	struct resp r = it_get("/", NULL);

	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<!doctype html>"));
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"health is 200 healthy", health_is_200_healthy},
	{"login with the right password gives a token and a secure cookie", login_good_password},
	{"login with a wrong password is 401", login_bad_password_is_401},
	{"login of an unknown user is 401 alike", login_unknown_user_is_401_alike},
	{"the session cookie authenticates", session_cookie_authenticates},
	{"the workers' sockets are nginx's group only", worker_sockets_are_for_nginx_only},
	{"cookie-only cross-site writes are 403 csrf_rejected",
	 cookie_only_cross_site_writes_are_refused},
	{"admin creates a client, a route and an API key", admin_creates_client_route_and_key},
	{"a duplicate client name or routed number is 409", duplicate_client_and_route_are_409},
	{"routes are validated", route_validation},
	{"a client key cannot use admin endpoints (403)", client_key_cannot_use_admin_endpoints},
	{"a client key cannot see another client (404)", client_key_cannot_see_another_client},
	{"an operator cannot use admin endpoints (403)", operator_cannot_use_admin_endpoints},
	{"an operator logs in with its password", operator_login_works},
	{"a revoked key is 401", revoked_key_is_401},
	{"another client's key cannot be revoked through this client",
	 other_clients_key_cannot_be_revoked_through_this_client},
	{"missing or invalid credentials are 401", missing_and_invalid_credentials_are_401},
	{"an unknown path is 404 JSON", unknown_path_is_404_json},
	{"a wrong method is 405 JSON with Allow", wrong_method_is_405_json},
	{"a body over the route's limit is 413 JSON", body_over_route_limit_is_413_json},
	{"a body over nginx's limit is 413 JSON", body_over_nginx_limit_is_413_json},
	{"malformed or non-strict JSON is 400 JSON", malformed_json_is_400_json},
	{"admin changes a client's delivery mode", delivery_mode_changes},
	{"webhook URLs are checked; a generated secret is shown once", webhook_url_rules},
	{"accounts are validated", accounts_validation},
	{"metrics answer on loopback", metrics_answers_on_loopback},
	{"metrics count every request of both pools exactly", metrics_count_every_request},
	{"metrics count the dispatchers' deliveries and sends",
	 metrics_count_the_dispatchers_deliveries},
	{"the dashboard is served", dashboard_is_served},
};

void it_suite_foundation(void)
{
	CU_pSuite s = CU_add_suite("foundation", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
