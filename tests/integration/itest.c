/*
 * Integration-test runner and helpers.  See itest.h.
 */
#include "itest.h"

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/enc.h"
#include "lib/jsonw.h"
#include "lib/kv.h"
#include "upstream/twilio_sign.h"

struct arena it_arena;
static CURL *curl;
static char *base_url, *ca_file;

const char *it_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "itest: %s is not set (run through tools/stack test)\n", name);
		exit(2);
	}
	return v;
}

char *it_fmt(const char *fmt, ...)
{
	va_list ap;
	char tmp[512], *out;
	int n;

	/* Any length (a test may build a 60,000-character body): a second
	 * pass when it does not fit the stack buffer. */
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(&it_arena, "");
	if ((size_t)n < sizeof(tmp))
		return arena_strdup(&it_arena, tmp);
	out = arena_alloc(&it_arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return out;
}

char *it_unique(const char *prefix)
{
	unsigned char r[6];
	char hex[13];

	crypto_random(r, sizeof(r));
	enc_hex(r, sizeof(r), hex);
	return it_fmt("%s%s", prefix, hex);
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;

	return buf_add(b, p, size * n) == 0 ? size * n : 0;
}

/* With IBIKI_TEST_RECORD set, each answer of the gateway is appended to
 * that file as one JSON line {method, path, status, contentType, body}:
 * tests/contract checks them all against docs/openapi.yaml. */
static void record(const char *method, const char *path, const struct resp *r)
{
	const char *file = getenv("IBIKI_TEST_RECORD"), *ct;
	size_t n = r->len;
	struct buf b;
	struct jsonw w;
	FILE *f;

	if (file == NULL || *file == '\0' || *base_url == '\0' || r->status == 0)
		return;
	ct = it_header(r, "Content-Type");
	buf_init(&b, 128 << 20);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "method", method);
	jsonw_kstrn(&w, "path", path, strcspn(path, "?"));
	jsonw_kint(&w, "status", r->status);
	jsonw_kstr(&w, "contentType", ct ? ct : "");
	jsonw_key(&w, "body");
	while (n > 0 && (r->body[n - 1] == '\n' || r->body[n - 1] == '\r' || r->body[n - 1] == ' '))
		n--;
	if (r->json != NULL && memchr(r->body, '\n', n) == NULL)
		jsonw_raw(&w, r->body, n); /* one line: the JSONL stays one record a line */
	else if (r->json != NULL)
		jsonw_str(&w, "(a JSON body on several lines)");
	else
		jsonw_null(&w);
	jsonw_obj_end(&w);
	if (!jsonw_failed(&w) && (f = fopen(file, "a")) != NULL) {
		fprintf(f, "%.*s\n", (int)b.len, b.p);
		fclose(f);
	}
	buf_free(&b);
}

struct resp it_req(const char *method, const char *path, const char *const *hdrs, const char *ctype,
		   const char *body, size_t blen)
{
	struct resp r = {0};
	struct curl_slist *list = NULL;
	struct buf b, h;
	struct json *j;
	const char *err;

	buf_init(&b, 64 << 20);
	buf_init(&h, 1 << 20);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, it_fmt("%s%s", base_url, path));
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	for (; hdrs && *hdrs; hdrs++)
		list = curl_slist_append(list, *hdrs);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)blen);
		list = curl_slist_append(list, it_fmt("Content-Type: %s", ctype ? ctype : ""));
	}
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(list);
	r.body = arena_strndup(&it_arena, b.p ? b.p : "", b.len);
	r.len = b.len;
	r.headers = arena_strndup(&it_arena, h.p ? h.p : "", h.len);
	if (r.len > 0 && json_parse(&it_arena, r.body, r.len, &j, &err) == 0)
		r.json = j;
	buf_free(&b);
	buf_free(&h);
	record(method, path, &r);
	return r;
}

static const char *const *auth_hdrs(const char *bearer)
{
	const char **h = arena_alloc(&it_arena, 2 * sizeof(char *));

	if (bearer != NULL)
		h[0] = it_fmt("Authorization: Bearer %s", bearer);
	return h;
}

struct resp it_get(const char *path, const char *bearer)
{
	return it_req("GET", path, auth_hdrs(bearer), NULL, NULL, 0);
}

struct resp it_post(const char *path, const char *bearer, const char *json)
{
	return it_req("POST", path, auth_hdrs(bearer), "application/json", json ? json : "",
		      json ? strlen(json) : 0);
}

struct resp it_patch(const char *path, const char *bearer, const char *json)
{
	return it_req("PATCH", path, auth_hdrs(bearer), "application/json", json, strlen(json));
}

struct resp it_delete(const char *path, const char *bearer)
{
	return it_req("DELETE", path, auth_hdrs(bearer), NULL, NULL, 0);
}

const struct json *it_member(const struct json *obj, const char *key)
{
	return json_get(obj, key);
}

const char *it_str(const struct resp *r, const char *key)
{
	const struct json *v = json_get(r->json, key);

	return v != NULL && v->type == JSON_STRING ? v->s : NULL;
}

long long it_int(const struct resp *r, const char *key)
{
	long long i;

	return json_int(json_get(r->json, key), &i) == 0 ? i : -1;
}

bool it_is_error(const struct resp *r, const char *code)
{
	const char *e = it_str(r, "error"), *m = it_str(r, "message");

	return e != NULL && m != NULL && strcmp(e, code) == 0;
}

const char *it_header(const struct resp *r, const char *name)
{
	const char *p = r->headers;
	size_t nl = strlen(name);

	while (p && *p) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1, *e;
			while (*v == ' ')
				v++;
			e = strpbrk(v, "\r\n");
			return arena_strndup(&it_arena, v, e ? (size_t)(e - v) : strlen(v));
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

char *it_sh(const char *stdin_text, const char *fmt, ...)
{
	va_list ap;
	static char line[256 * 1024];
	char cmd[4096], tmpl[] = "/tmp/itest-in.XXXXXX";
	FILE *f;
	char *out = NULL;
	int fd = -1;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (stdin_text != NULL) {
		fd = mkstemp(tmpl);
		if (fd < 0 || write(fd, stdin_text, strlen(stdin_text)) < 0)
			return NULL;
		close(fd);
		strncat(cmd, it_fmt(" <%s", tmpl), sizeof(cmd) - strlen(cmd) - 1);
	}
	f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		out = arena_strdup(&it_arena, line);
	}
	while (fgets(line, sizeof(line), f) != NULL)
		;
	if (pclose(f) != 0 && out == NULL)
		out = NULL;
	if (stdin_text != NULL)
		unlink(tmpl);
	return out;
}

const char *it_admin_token(void)
{
	static char tok[1024];

	if (tok[0] == '\0') {
		char *t = it_sh(NULL, IT_CTL " token admin");
		if (t == NULL) {
			fprintf(stderr, "itest: cannot get an admin token\n");
			exit(2);
		}
		snprintf(tok, sizeof(tok), "%s", t);
	}
	return tok;
}

long long it_new_client(const char *name_prefix)
{
	struct resp r = it_post("/api/admin/clients", it_admin_token(),
				it_fmt("{\"name\":\"%s\"}", it_unique(name_prefix)));

	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	return it_int(&r, "id");
}

const char *it_new_key(long long client_id)
{
	struct resp r = it_post(it_fmt("/api/admin/clients/%lld/api-keys", client_id),
				it_admin_token(), "{}");

	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	return it_str(&r, "key");
}

const char *it_new_operator(long long client_id, const char **username)
{
	const char *name = it_unique("op_");
	struct resp r = it_post("/api/admin/accounts", it_admin_token(),
				it_fmt("{\"username\":\"%s\",\"password\":\"operator-password-1\","
				       "\"role\":\"operator\",\"clientId\":%lld}",
				       name, client_id));

	CU_ASSERT_EQUAL_FATAL(r.status, 201);
	if (username)
		*username = name;
	return it_sh(NULL, IT_CTL " token %s", name);
}

bool it_wait(bool (*pred)(void *), void *arg, int ms)
{
	/* 10 polls a second: predicates that call the API stay under its
	 * per-key rate limit. */
	for (int t = 0; t <= ms; t += 100) {
		if (pred(arg))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

bool it_loopback_allowed(void)
{
	const char *v = getenv("IBIKI_PUSH_ALLOW_LOOPBACK");

	return v != NULL && strcmp(v, "true") == 0;
}

void it_after_fork(void)
{
	curl = curl_easy_init(); /* the parent's handle is left alone */
}

struct resp it_url(const char *method, const char *url, const char *ctype, const char *body)
{
	char *saved = base_url;
	struct resp r;

	char *saved_ca = ca_file;
	const char *mock_ca = getenv("IBIKI_TEST_RECEIVER_CA");

	base_url = "";
	if (mock_ca != NULL && strncmp(url, "https:", 6) == 0)
		ca_file = (char *)mock_ca; /* the receiver's own test CA */
	r = it_req(method, url, NULL, ctype, body, body ? strlen(body) : 0);
	base_url = saved;
	ca_file = saved_ca;
	return r;
}

const struct json *it_mock_requests(const char *base, const char *filter, size_t *n)
{
	struct resp r = it_url("GET", it_fmt("%s/_mock/requests%s", base, filter), NULL, NULL);

	*n = r.json != NULL && r.json->type == JSON_ARRAY ? r.json->n : 0;
	return r.json;
}

void it_mock_reset(const char *base)
{
	it_url("POST", it_fmt("%s/_mock/reset", base), "application/json", "{}");
}

const char *it_twilio_sig(const char *path, const char *form, const char *token)
{
	struct kvs k;
	const char *err;
	char *sig = arena_alloc(&it_arena, TWILIO_SIGN_LEN + 1);

	if (kv_parse(&it_arena, form, strlen(form), &k, &err) < 0)
		return "";
	twilio_sign_compute(token, it_fmt("%s%s", base_url, path), &k, &it_arena, sig);
	return sig;
}

struct resp it_twilio_post(const char *path, const char *form, const char *sig)
{
	const char *h[2] = {NULL, NULL};

	if (sig == NULL)
		sig = it_twilio_sig(path, form, it_env("IBIKI_TWILIO_AUTH_TOKEN"));
	if (*sig != '\0')
		h[0] = it_fmt("X-Twilio-Signature: %s", sig);
	return it_req("POST", path, h, "application/x-www-form-urlencoded", form, strlen(form));
}

char *it_sql(const char *fmt, ...)
{
	va_list ap;
	char q[4096];

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	return it_sh(q, "mariadb --no-defaults --socket=\"$IBIKI_STACK_DIR/run/mysqld.sock\""
			" -u \"$(id -un)\" -N -B ibiki");
}

bool it_wait_sql(const char *want, int ms, const char *fmt, ...)
{
	va_list ap;
	char q[4096];
	const char *got;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	for (int t = 0; t <= ms; t += 100) {
		got = it_sql("%s", q);
		if (got != NULL && strcmp(got, want) == 0)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

int it_parallel(int n, const char *method, const char *path, const char *const *hdrs,
		const char *ctype, const char *body, long want)
{
	CURLM *m = curl_multi_init();
	CURL *hs[64];
	struct curl_slist *list = NULL;
	int i, running = 0, got = 0;
	struct buf sink[64];

	if (n > 64)
		n = 64;
	for (; hdrs && *hdrs; hdrs++)
		list = curl_slist_append(list, *hdrs);
	if (ctype)
		list = curl_slist_append(list, it_fmt("Content-Type: %s", ctype));
	for (i = 0; i < n; i++) {
		buf_init(&sink[i], 1 << 20);
		hs[i] = curl_easy_init();
		curl_easy_setopt(hs[i], CURLOPT_URL, it_fmt("%s%s", base_url, path));
		curl_easy_setopt(hs[i], CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(hs[i], CURLOPT_CAINFO, ca_file);
		curl_easy_setopt(hs[i], CURLOPT_HTTPHEADER, list);
		curl_easy_setopt(hs[i], CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(hs[i], CURLOPT_WRITEDATA, &sink[i]);
		curl_easy_setopt(hs[i], CURLOPT_TIMEOUT, 60L);
		if (body) {
			curl_easy_setopt(hs[i], CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(hs[i], CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		}
		curl_multi_add_handle(m, hs[i]);
	}
	do {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	} while (running);
	for (i = 0; i < n; i++) {
		long code = 0;
		curl_easy_getinfo(hs[i], CURLINFO_RESPONSE_CODE, &code);
		got += code == want;
		curl_multi_remove_handle(m, hs[i]);
		curl_easy_cleanup(hs[i]);
		buf_free(&sink[i]);
	}
	curl_slist_free_all(list);
	curl_multi_cleanup(m);
	return got;
}

int main(void)
{
	unsigned failed;

	base_url = (char *)it_env("IBIKI_TEST_URL");
	ca_file = malloc(4096);
	snprintf(ca_file, 4096, "%s/tls/cert.pem", it_env("IBIKI_STACK_DIR"));
	arena_init(&it_arena, 1 << 20, 1 << 30);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
		/* IBIKI_TEST_ONLY="dispatch v2" runs only those suites (debugging). */
#define SUITE(name)                                                                                \
	if (getenv("IBIKI_TEST_ONLY") == NULL || strstr(getenv("IBIKI_TEST_ONLY"), #name))         \
		it_suite_##name();
	SUITE(foundation)
	SUITE(twilio)
	SUITE(operator)
	SUITE(v2)
	SUITE(dispatch)
	SUITE(outbound)
	SUITE(hardening)
	SUITE(summary)
	SUITE(retention)
	SUITE(optout)
	SUITE(admin)
	SUITE(inbox)
	/* Destructive ones last: they kill workers, stop MariaDB, exhaust
	 * rate limits. */
	SUITE(resilience)
#undef SUITE
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	arena_free(&it_arena);
	free(ca_file);
	return failed == 0 && CU_get_error() == CUE_SUCCESS ? 0 : 1;
}
