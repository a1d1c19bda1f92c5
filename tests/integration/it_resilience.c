/*
 * Integration: things that break -- a worker killed with SIGKILL, MariaDB
 * stopped under load, hostile input, rate limits.  Registered last: these
 * tests kill processes and use up the login rate limit.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "fixture.h"
#include "itest.h"
#include <sys/wait.h>

#define MAX_KIDS 64

struct replaced {
	pid_t master;
	pid_t victims[MAX_KIDS];
	int nvictims;
	int want;
};

/* The pool has its full count again, and none of the victims is in it. */
static bool is_replaced(void *arg)
{
	struct replaced *r = arg;
	pid_t kids[MAX_KIDS];
	int i, j, n = fx_fcgi_workers(r->master, kids, MAX_KIDS);

	for (i = 0; i < n; i++)
		for (j = 0; j < r->nvictims; j++)
			if (kids[i] == r->victims[j])
				return false;
	return n == r->want;
}

static void killed_worker_is_replaced_within_a_second(void)
{
	pid_t kids[MAX_KIDS];
	struct replaced rp = {.master = fx_fcgi_master()};
	int i, ok = 0;

	CU_ASSERT_TRUE_FATAL(rp.master > 0);
	rp.want = fx_fcgi_workers(rp.master, kids, MAX_KIDS);
	CU_ASSERT_TRUE_FATAL(rp.want >= 2);
	rp.victims[rp.nvictims++] = kids[0];
	CU_ASSERT_EQUAL_FATAL(kill(kids[0], SIGKILL), 0);
	CU_ASSERT_TRUE(it_wait(is_replaced, &rp, 1000));
	for (i = 0; i < 50; i++)
		ok += it_get("/health", NULL).status == 200;
	CU_ASSERT_EQUAL(ok, 50);
}

static void all_workers_killed_come_back(void)
{
	pid_t kids[MAX_KIDS];
	pid_t master = fx_fcgi_master();
	int i, n, ok = 0;
	struct replaced rp = {.master = master};

	CU_ASSERT_TRUE_FATAL(master > 0);
	n = fx_fcgi_workers(master, kids, MAX_KIDS);
	/* No workers to kill would make the rest prove nothing. */
	CU_ASSERT_TRUE_FATAL(n >= 2);
	rp.want = n;
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(kill(kids[i], SIGKILL), 0);
		rp.victims[rp.nvictims++] = kids[i];
	}
	CU_ASSERT_TRUE(it_wait(is_replaced, &rp, 2000));
	for (i = 0; i < 20; i++)
		ok += it_get("/health", NULL).status == 200;
	CU_ASSERT_EQUAL(ok, 20);
}

/* Random bytes, and mutations of valid bodies, against every kind of
 * endpoint: never a 5xx, never a dead worker. */
static void hostile_input_never_5xx_nor_kills_a_worker(void)
{
	static const char *paths[] = {"/api/auth/login", "/api/admin/clients",
				      "/api/admin/accounts", "/api/admin/clients/1/webhook",
				      "/api/admin/clients/1/routes"};
	static const char *seeds[] = {
		"{\"username\":\"admin\",\"password\":\"x\"}",
		"{\"name\":\"Fuzz\"}",
		"{\"url\":\"https://hooks.example.com/x\",\"secret\":\"0123456789abcdef\"}",
		"{\"provider\":\"extreme\",\"usemodem\":1,\"port\":2}",
		"{\"a\":[1,2,{\"b\":\"\\u00e9\"}],\"c\":null}",
	};
	pid_t before[MAX_KIDS], after[MAX_KIDS];
	pid_t master = fx_fcgi_master();
	int nb = fx_fcgi_workers(master, before, MAX_KIDS), na, i, fivexx = 0, zero = 0;
	const char *h[] = {it_fmt("Authorization: Bearer %s", it_admin_token()), NULL};
	char body[600];

	for (i = 0; i < 400; i++) {
		unsigned char rnd[8];
		size_t len, k;
		const char *seed = seeds[(size_t)i % 5];
		struct resp r;

		crypto_random(rnd, sizeof(rnd));
		len = strlen(seed);
		memcpy(body, seed, len);
		if (i % 4 == 0) { /* pure noise */
			len = rnd[0] % 200 + 1;
			crypto_random(body, len);
		} else { /* flip, insert or cut bytes of a valid body */
			for (k = 0; k < (size_t)(rnd[1] % 4 + 1); k++) {
				unsigned char pos_r[2];
				crypto_random(pos_r, 2);
				size_t pos = ((size_t)pos_r[0] << 8 | pos_r[1]) % len;
				switch (rnd[2 + k] % 3) {
				case 0:
					body[pos] = (char)rnd[6 + k % 2];
					break;
				case 1:
					if (len < 590) {
						memmove(body + pos + 1, body + pos, len - pos);
						body[pos] = (char)rnd[7];
						len++;
					}
					break;
				default:
					len = pos + 1;
					break;
				}
			}
		}
		r = it_req("POST", paths[(size_t)i % 5], h,
			   i % 7 == 0 ? "application/x-www-form-urlencoded" : "application/json",
			   body, len);
		if (r.status >= 500)
			fivexx++;
		if (r.status == 0)
			zero++;
		if (r.status >= 400 && r.status < 500 && r.status != 413)
			CU_ASSERT_TRUE(r.json != NULL && it_str(&r, "error") != NULL);
	}
	CU_ASSERT_EQUAL(fivexx, 0);
	CU_ASSERT_EQUAL(zero, 0);
	na = fx_fcgi_workers(master, after, MAX_KIDS);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_EQUAL(memcmp(before, after, sizeof(pid_t) * (size_t)(na < nb ? na : nb)), 0);
}

static bool healthy(void *arg)
{
	(void)arg;
	return it_get("/health", NULL).status == 200;
}

static void database_down_is_503_and_recovers(void)
{
	long long id = it_new_client("DbDown ");
	const char *key = it_new_key(id);
	struct resp r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(
		it_sh(NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" db stop && echo stopped"));
	r = it_get("/health", NULL);
	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_STRING_EQUAL(it_str(&r, "status"), "unhealthy");
	CU_ASSERT_STRING_EQUAL(it_str(&r, "database"), "disconnected");
	r = it_get(it_fmt("/api/v2/clients/%lld", id), key);
	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_TRUE(it_is_error(&r, "database_unavailable"));
	r = it_get("/api/admin/clients", it_admin_token());
	CU_ASSERT_EQUAL(r.status, 503);
	CU_ASSERT_TRUE(it_is_error(&r, "database_unavailable"));

	CU_ASSERT_PTR_NOT_NULL_FATAL(it_sh(
		NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" db start >/dev/null && echo started"));
	/* Workers reconnect by themselves. */
	CU_ASSERT_TRUE(it_wait(healthy, NULL, 10000));
	CU_ASSERT_EQUAL(it_get(it_fmt("/api/v2/clients/%lld", id), key).status, 200);
	CU_ASSERT_EQUAL(it_get("/api/admin/clients", it_admin_token()).status, 200);
}

static bool spooled(void *arg)
{
	char *n = it_sh(NULL, "ls \"$IBIKI_STACK_DIR/spool\" | grep -c '\\.json$'");

	return n != NULL && atoi(n) > *(int *)arg;
}

static void inbound_while_database_down_is_spooled(void)
{
	struct fixture f = fx_new("Spool ");
	char *before_s = it_sh(NULL, "ls \"$IBIKI_STACK_DIR/spool\" | grep -c '\\.json$'");
	int before = before_s ? atoi(before_s) : 0;
	const char *sid = it_unique("SMspool");
	struct resp r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(
		it_sh(NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" db stop && echo stopped"));
	r = it_twilio_post("/twilio/incoming",
			   fx_inbound_form(sid, fx_phone(), f.number, "while down"), NULL);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_STRING_EQUAL(r.body,
			       "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
	CU_ASSERT_TRUE(spooled(&before));
	CU_ASSERT_PTR_NOT_NULL(it_sh(NULL, "grep -l '%s' \"$IBIKI_STACK_DIR\"/spool/*.json", sid));
	CU_ASSERT_PTR_NOT_NULL_FATAL(it_sh(
		NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" db start >/dev/null && echo started"));
	CU_ASSERT_TRUE(it_wait(healthy, NULL, 10000));
}

static bool pool_gone(void *arg)
{
	return kill(*(pid_t *)arg, 0) != 0;
}

struct mock_count {
	const char *to;
	size_t before;
};

/* The mock Twilio has recorded a send to `to` since the count was taken. */
static bool twilio_saw_more(void *arg)
{
	struct mock_count *c = arg;
	size_t n;

	it_mock_requests(it_env("IBIKI_TEST_TWILIO"), it_fmt("?to=%s", fx_esc(c->to)), &n);
	return n > c->before;
}

static void sigterm_lets_in_flight_requests_finish(void)
{
	struct fixture f = fx_new("Graceful ");
	const char *hang = "+15005550009"; /* the mock Twilio hangs; our timeout is 2 s */
	struct mock_count seen = {hang, 0};
	pid_t master = fx_fcgi_master(), child;
	int fds[2], status = 0;
	long got = 0;

	it_mock_requests(it_env("IBIKI_TEST_TWILIO"), it_fmt("?to=%s", fx_esc(hang)), &seen.before);

	fx_user(&f, hang, "Slow", "active");
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	child = fork();
	if (child == 0) {
		it_after_fork();
		struct resp r =
			it_post("/api/send-message", f.op_token,
				it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"slow\","
				       "\"operatorId\":\"%s\"}",
				       hang, f.op_name));
		const char *st = it_str(&r, "status");
		long code = st != NULL && strcmp(st, "sent") == 0 ? r.status : -r.status;
		if (write(fds[1], &code, sizeof(code)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	/* The request is in a worker, waiting for the dispatcher's outcome
	 * (Twilio records it before it hangs). */
	CU_ASSERT_TRUE(it_wait(twilio_saw_more, &seen, 5000));
	CU_ASSERT_EQUAL(kill(master, SIGTERM), 0);
	CU_ASSERT_EQUAL(read(fds[0], &got, sizeof(got)), (ssize_t)sizeof(got));
	close(fds[0]);
	waitpid(child, &status, 0);
	/* The worker finished the request: its own answer (sent, once the
	 * dispatcher reconciled the timed-out send), not nginx's 502/503 for a
	 * dropped connection. */
	CU_ASSERT_EQUAL(got, 200);
	CU_ASSERT_TRUE(it_wait(pool_gone, &master, 5000));
	/* Bring the pool back for the tests that follow. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		it_sh(NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" up >/dev/null 2>&1 && echo up"));
	CU_ASSERT_TRUE(it_wait(healthy, NULL, 10000));
}

static void login_is_rate_limited(void)
{
	int i, limited = 0;
	struct resp r;

	for (i = 0; i < 30 && !limited; i++) {
		r = it_post("/api/auth/login", NULL,
			    "{\"username\":\"admin\",\"password\":\"guessing-a-password\"}");
		if (r.status == 429) {
			limited = 1;
			CU_ASSERT_TRUE(it_is_error(&r, "rate_limited"));
		}
	}
	CU_ASSERT_TRUE(limited);
}

static void api_key_is_rate_limited(void)
{
	long long id = it_new_client("Limited ");
	const char *key = it_new_key(id), *path = it_fmt("/api/v2/clients/%lld", id);
	int i, limited = 0, ok = 0;

	for (i = 0; i < 120 && !limited; i++) {
		struct resp r = it_get(path, key);
		if (r.status == 429) {
			limited = 1;
			CU_ASSERT_TRUE(it_is_error(&r, "rate_limited"));
		} else {
			ok += r.status == 200;
		}
	}
	CU_ASSERT_TRUE(limited);
	CU_ASSERT_TRUE(ok >= 40); /* the burst went through */
	/* Another key of the same client is not limited by this one. */
	CU_ASSERT_EQUAL(it_get(path, it_new_key(id)).status, 200);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"a SIGKILLed worker is replaced within a second; requests keep succeeding",
	 killed_worker_is_replaced_within_a_second},
	{"every worker SIGKILLed at once: the pool comes back", all_workers_killed_come_back},
	{"hostile input: never a 5xx, never a dead worker",
	 hostile_input_never_5xx_nor_kills_a_worker},
	{"MariaDB stopped: 503 JSON; restarted: workers recover alone",
	 database_down_is_503_and_recovers},
	{"MariaDB stopped: a Twilio webhook is answered 200 from the spool",
	 inbound_while_database_down_is_spooled},
	{"SIGTERM: the pool finishes the request in hand, then exits",
	 sigterm_lets_in_flight_requests_finish},
	{"an API key is rate-limited with 429 JSON, per key", api_key_is_rate_limited},
	{"login is rate-limited with 429 JSON", login_is_rate_limited},
};

void it_suite_resilience(void)
{
	CU_pSuite s = CU_add_suite("resilience", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
