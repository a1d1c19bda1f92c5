/*
 * Integration fixtures.  See fixture.h.
 */
#include "fixture.h"

#include <curl/curl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto.h"

const char *fx_phone(void)
{
	unsigned char r[4];

	crypto_random(r, sizeof(r));
	return it_fmt("+1555%07u",
		      ((uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3]) %
			      10000000u);
}

struct fixture fx_new(const char *name)
{
	struct fixture f = {0};
	struct resp r;

	f.client = it_new_client(name);
	f.number = fx_phone();
	r = it_post(it_fmt("/api/admin/clients/%lld/routes", f.client), it_admin_token(),
		    it_fmt("{\"provider\":\"twilio\",\"number\":\"%s\"}", f.number));
	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	f.op_token = it_new_operator(f.client, &f.op_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.op_token);
	return f;
}

void fx_user(const struct fixture *f, const char *phone, const char *name, const char *status)
{
	struct resp r = it_post("/api/users", f->op_token,
				it_fmt("{\"phoneNumber\":\"%s\",\"name\":\"%s\",\"status\":\"%s\"}",
				       phone, name, status));

	CU_ASSERT_EQUAL_FATAL(r.status, 201);
}

const char *fx_esc(const char *s)
{
	char *e = curl_easy_escape(NULL, s, (int)strlen(s));
	const char *out = it_fmt("%s", e);

	curl_free(e);
	return out;
}

const char *fx_inbound_form(const char *sid, const char *from, const char *to, const char *body)
{
	return it_fmt("ToCountry=US&MessageSid=%s&AccountSid=%s&From=%s&To=%s&Body=%s&NumMedia=0"
		      "&SmsStatus=received&ApiVersion=2010-04-01",
		      sid, it_env("IBIKI_TWILIO_ACCOUNT_SID"), fx_esc(from), fx_esc(to),
		      fx_esc(body));
}

const char *fx_inbound(const char *from, const char *to, const char *body)
{
	const char *sid = it_unique("SM0123456789abcdef");
	struct resp r =
		it_twilio_post("/twilio/incoming", fx_inbound_form(sid, from, to, body), NULL);

	CU_ASSERT_EQUAL(r.status, 200);
	return sid;
}

void fx_extreme_route(const struct fixture *f, int usemodem, int port, const char *number)
{
	struct resp r =
		it_post(it_fmt("/api/admin/clients/%lld/routes", f->client), it_admin_token(),
			number ? it_fmt("{\"provider\":\"extreme\",\"usemodem\":%d,\"port\":%d,"
					"\"number\":\"%s\"}",
					usemodem, port, number)
			       : it_fmt("{\"provider\":\"extreme\",\"usemodem\":%d,\"port\":%d}",
					usemodem, port));

	CU_ASSERT_EQUAL_FATAL(r.status, 201);
}

void fx_modem_port(int *usemodem, int *port)
{
	unsigned char r[4];

	crypto_random(r, sizeof(r));
	*usemodem = (r[0] << 8 | r[1]) % 9999 + 1;
	*port = (r[2] << 8 | r[3]) % 9999 + 1;
}

struct resp fx_extreme_inbound(const char *id, const char *from, const char *to,
			       const char *message, int usemodem, int port, const char *token)
{
	const char *h[] = {it_fmt("X-Extreme-Token: %s",
				  token ? token : it_env("IBIKI_EXTREME_INBOUND_TOKEN")),
			   NULL};
	const char *body =
		it_fmt("{\"id\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"message\":\"%s\","
		       "\"usemodem\":%d,\"port\":%d,\"timestamp\":\"2026-11-21T10:00:00Z\"}",
		       id, from, to, message, usemodem, port);

	return it_req("POST", "/extreme/incoming", token && *token == '\0' ? NULL : h,
		      "application/json", body, strlen(body));
}

/* --- the webhook receiver ------------------------------------------------ */

const char *fx_receiver(void)
{
	return it_env("IBIKI_TEST_RECEIVER");
}

void fx_receiver_path(const char *path, const char *secret, const char *responses)
{
	struct resp r = it_url("POST", it_fmt("%s/_mock/config", fx_receiver()), "application/json",
			       it_fmt("{\"path\":\"%s\",\"secret\":%s,\"responses\":%s}", path,
				      secret ? it_fmt("\"%s\"", secret) : "null",
				      responses ? responses : "[{\"status\":200}]"));

	CU_ASSERT_EQUAL_FATAL(r.status, 200);
}

const struct json *fx_deliveries(const char *path, size_t *n)
{
	return it_mock_requests(fx_receiver(), it_fmt("?path=%s", path), n);
}

struct hookfx fx_hook_client(const char *name, const char *mode, const char *responses)
{
	struct hookfx h;
	struct resp r;

	h.f = fx_new(name);
	h.path = it_unique("/hooks/");
	h.key = it_new_key(h.f.client);
	fx_receiver_path(h.path, FX_HOOK_SECRET, responses);
	r = it_post(it_fmt("/api/admin/clients/%lld/webhook", h.f.client), it_admin_token(),
		    it_fmt("{\"url\":\"%s%s\",\"secret\":\"%s\"}", fx_receiver(), h.path,
			   FX_HOOK_SECRET));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	r = it_post(it_fmt("/api/admin/clients/%lld/delivery-mode", h.f.client), it_admin_token(),
		    it_fmt("{\"mode\":\"%s\"}", mode));
	CU_ASSERT_EQUAL_FATAL(r.status, 200);
	return h;
}

/* --- processes ------------------------------------------------------------- */

void fx_dispatch_loop(bool on)
{
	const char *verb = on ? "start >/dev/null" : "stop";

	CU_ASSERT_PTR_NOT_NULL_FATAL(
		it_sh(NULL, "\"$IBIKI_TEST_ROOT/tools/stack\" dispatcher %s && echo ok", verb));
}

pid_t fx_dispatcher(const char *env, const char *args)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *cmd = it_fmt("exec env %s \"$IBIKI_TEST_BUILD/ibiki-dispatch\" -c "
				   "\"$IBIKI_TEST_CONF\" %s"
				   " >>\"$IBIKI_STACK_DIR/log/dispatch.out\" 2>&1",
				   env ? env : "", args);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

pid_t fx_fcgi_master(void)
{
	char *s = it_sh(NULL, "cat \"$IBIKI_STACK_DIR/run/ibiki-fcgi.pid\"");

	return s ? (pid_t)atoi(s) : 0;
}

int fx_fcgi_workers(pid_t master, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL && n < max) {
		char path[300], buf[512], *p;
		FILE *f;
		int ppid;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (p == NULL || (p = strrchr(buf, ')')) == NULL)
			continue;
		if (sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == master)
			out[n++] = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}
