/*
 * Integration: the smaller defects of the outside audit, each as the
 * audit found it -- an Extreme message of 60,000 characters, a Twilio
 * form that repeats a field, the operator of a disabled client logging
 * in, and `tools/stack up` applying a changed configuration to what runs.
 * (The malformed raw requests and the slow-body limit are
 * tests/hostile/raw_requests.py; cross-site writes and the sockets' mode
 * are in it_foundation.c.)
 */
#include <stdlib.h>
#include <string.h>

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
};

void it_suite_hardening(void)
{
	CU_pSuite s = CU_add_suite("hardening", NULL, NULL);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(s, tests[i].name, tests[i].fn);
}
