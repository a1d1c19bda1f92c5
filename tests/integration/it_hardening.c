/*
 * Integration: the smaller defects of the outside audit, each as the
 * audit found it -- an Extreme message of 60,000 characters, a Twilio
 * form that repeats a field, the operator of a disabled client logging
 * in, `tools/stack up` applying a changed configuration to what runs, and
 * a hung MariaDB (SIGSTOP) holding provider webhooks and turning answered
 * deliveries into timeouts.
 * (The malformed raw requests and the slow-body limit are
 * tests/hostile/raw_requests.py; cross-site writes and the sockets' mode
 * are in it_foundation.c.)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "fixture.h"
#include "itest.h"

static void long_extreme_message_is_cut_not_refused(void)
{
	struct fixture f = fx_new("Long ");
	const char *id = it_unique("exlong-");
	char *body = malloc(60001);
	int modem, port;
	struct resp r;

	fx_modem_port(&modem, &port);
	fx_extreme_route(&f, modem, port, NULL);
	memset(body, 'a', 60000);
	body[60000] = '\0';
	memcpy(body + 1590, "\xc3\xa9\xc3\xa9", 4); /* two-byte characters around the cut */
	r = fx_extreme_inbound(id, fx_phone(), f.number, body, modem, port, NULL);
	free(body);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_TRUE(it_wait_sql("1600", 0, /* stored before the 200 */
				   "SELECT CHAR_LENGTH(body) FROM incoming_messages"
				   " WHERE provider = 'extreme' AND provider_message_id = '%s'",
				   id));
}

static void repeated_twilio_field_is_refused(void)
{
	struct fixture f = fx_new("Repeat ");
	const char *sid = it_unique("SMrep"), *form;
	struct resp r;

	form = it_fmt("%s&Body=second", fx_inbound_form(sid, fx_phone(), f.number, "first"));
	r = it_twilio_post("/twilio/incoming", form, NULL);
	CU_ASSERT_EQUAL(r.status, 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "Body given more than once"));
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT COUNT(*) FROM incoming_messages"
				      " WHERE provider_message_id = '%s'",
				      sid),
			       "0");
}

static void operator_of_disabled_client_cannot_log_in(void)
{
	long long client = it_new_client("Gone ");
	const char *user, *pw = "operator-password-123";
	struct resp r;

	r = it_post("/api/admin/accounts", it_admin_token(),
		    it_fmt("{\"username\":\"%s\",\"password\":\"%s\",\"role\":\"operator\","
			   "\"clientId\":%lld}",
			   user = it_unique("gone-op-"), pw, client));
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	CU_ASSERT_EQUAL(it_post("/api/auth/login", NULL,
				it_fmt("{\"username\":\"%s\",\"password\":\"%s\"}", user, pw))
				.status,
			200);
	it_sql("UPDATE client_profiles SET status = 'disabled' WHERE id = %lld", client);
	r = it_post("/api/auth/login", NULL,
		    it_fmt("{\"username\":\"%s\",\"password\":\"%s\"}", user, pw));
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_TRUE(it_is_error(&r, "client_disabled"));
	/* A wrong password says nothing about the client. */
	r = it_post("/api/auth/login", NULL,
		    it_fmt("{\"username\":\"%s\",\"password\":\"wrong-password-123\"}", user));
	CU_ASSERT_EQUAL(r.status, 401);
}

static bool healthy(void *arg)
{
	(void)arg;
	return it_get("/health", NULL).status == 200;
}

/* `tools/stack up` after a change of the environment restarts the pools
 * with the new configuration (here: synchronous sends stop waiting, so a
 * send answers 202 at once), and again back. */
static void stack_up_applies_a_changed_config(void)
{
	struct fixture f = fx_new("Reconf ");
	const char *to = fx_phone(), *body;
	struct resp r;

	fx_user(&f, to, "Re", "active");
	body = it_fmt("{\"phoneNumber\":\"%s\",\"messageContent\":\"c\",\"operatorId\":\"%s\"}", to,
		      f.op_name);
	CU_ASSERT_EQUAL(it_post("/api/send-message", f.op_token, body).status, 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(it_sh(NULL,
					   "IBIKI_UPSTREAM_SYNC_WAIT_S=0"
					   " \"$IBIKI_TEST_ROOT/tools/stack\" up >/dev/null 2>&1"
					   " && echo up"));
	CU_ASSERT_TRUE(it_wait(healthy, NULL, 10000));
	r = it_post("/api/send-message", f.op_token, body);
	CU_ASSERT_EQUAL(r.status, 202);
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		it_sh(NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" up >/dev/null 2>&1 && echo up"));
	CU_ASSERT_TRUE(it_wait(healthy, NULL, 10000));
	CU_ASSERT_EQUAL(it_post("/api/send-message", f.op_token, body).status, 200);
}

/* --- a hung database ---------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* SIGSTOP or SIGCONT to the stack's MariaDB: it keeps its connections and
 * answers nothing, as a hung server does. */
static bool mariadb_signal(const char *sig)
{
	return it_sh(NULL, "kill -%s \"$(cat \"$IBIKI_STACK_DIR/run/mysqld.pid\")\" && echo sent",
		     sig) != NULL;
}

/* Twilio gives up on a webhook after 15 s: with MariaDB hung, the inbound
 * is spooled and answered 200 well before, and imported once it is back. */
static void hung_database_webhook_is_spooled_in_time(void)
{
	struct fixture f = fx_new("Hung ");
	const char *sid = it_unique("SMhung");
	double t0, took;
	struct resp r;

	CU_ASSERT_TRUE_FATAL(mariadb_signal("STOP"));
	t0 = now_ms();
	r = it_twilio_post("/twilio/incoming",
			   fx_inbound_form(sid, fx_phone(), f.number, "while hung"), NULL);
	took = now_ms() - t0;
	CU_ASSERT_TRUE_FATAL(mariadb_signal("CONT"));
	fprintf(stderr, "[webhook answered %d in %.0f ms with MariaDB hung] ", (int)r.status, took);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_TRUE(took < 15000.0);
	CU_ASSERT_TRUE(
		it_wait_sql("1", 30000,
			    "SELECT COUNT(*) FROM incoming_messages WHERE provider_message_id"
			    " = '%s'",
			    sid));
}

static bool dispatcher_saw_the_hang(void *arg)
{
	return it_sh(NULL,
		     "grep -h '\"pid\":%d,' \"$IBIKI_STACK_DIR\"/log/* | grep -q 'no answer in'"
		     " && echo seen",
		     *(int *)arg) != NULL;
}

static bool receiver_has_it(void *arg)
{
	size_t n = 0;

	return fx_deliveries(arg, &n) != NULL && n > 0;
}

/* A receiver answers 200 while the dispatcher waits on a hung MariaDB for
 * longer than the delivery's timeout: the answer is kept, written when the
 * database is back, and the event is not sent again. */
static void answered_delivery_survives_a_hung_database(void)
{
	struct hookfx h = fx_hook_client("HungHook ", "push", "[{\"status\":200,\"hang\":1}]");
	size_t n = 0;
	int pid;

	fx_dispatch_loop(false);
	pid = (int)fx_dispatcher("IBIKI_PUSH_TIMEOUT_S=2", "--for 60");
	fx_inbound(fx_phone(), h.f.number, "answered while hung");
	CU_ASSERT_TRUE(it_wait_sql("1", 10000,
				   "SELECT COUNT(*) FROM push_outbox WHERE client_id = %lld"
				   " AND lease_owner IS NOT NULL",
				   h.f.client));
	/* The receiver has it, and answers in 1 s. */
	CU_ASSERT_TRUE(it_wait(receiver_has_it, (void *)h.path, 10000));
	CU_ASSERT_TRUE_FATAL(mariadb_signal("STOP"));
	/* The dispatcher's next statement waits [database] timeout_s (5 s),
	 * past the delivery's 2 s. */
	CU_ASSERT_TRUE(it_wait(dispatcher_saw_the_hang, &pid, 20000));
	CU_ASSERT_TRUE_FATAL(mariadb_signal("CONT"));
	CU_ASSERT_TRUE(it_wait_sql("delivered", 20000,
				   "SELECT status FROM push_outbox WHERE client_id = %lld",
				   h.f.client));
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	fx_dispatch_loop(true);
	fx_deliveries(h.path, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(it_sql("SELECT GROUP_CONCAT(a.outcome) FROM push_attempts a"
				      " JOIN push_outbox o ON o.id = a.outbox_id"
				      " WHERE o.client_id = %lld",
				      h.f.client),
			       "delivered");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{"an Extreme message of 60,000 characters is stored cut to 1600",
	 long_extreme_message_is_cut_not_refused},
	{"a Twilio form that repeats a field is 400, nothing stored",
	 repeated_twilio_field_is_refused},
	{"the operator of a disabled client cannot log in",
	 operator_of_disabled_client_cannot_log_in},
	{"tools/stack up restarts what runs with a changed config",
	 stack_up_applies_a_changed_config},
	{"MariaDB hung: a provider webhook is spooled and answered in time",
	 hung_database_webhook_is_spooled_in_time},
	{"MariaDB hung: an answered delivery is kept, not sent again",
	 answered_delivery_survives_a_hung_database},
};

void it_suite_hardening(void)
{
	CU_pSuite s = CU_add_suite("hardening", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
