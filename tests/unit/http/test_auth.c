/*
 * http/auth.c: who is calling, decided before (or without) the database:
 * the kinds of credential and where they are read from, Twilio's
 * signature and account, Extreme's token, and the credentials it issues.
 */
#include <string.h>

#include "db/db_accounts.h"
#include "ep/routes.h"
#include "fake.h"
#include "http/auth.h"
#include "http/router.h"
#include "lib/crypto.h"
#include "lib/jwt.h"
#include "lib/kv.h"
#include "suites.h"
#include "test.h"
#include "upstream/twilio_sign.h"

static const struct endpoint dummy = {NULL, NULL, 0};

static struct req *with_cred(enum cred c)
{
	static struct route rt;
	struct req *r = fake_req(M_POST, "/x", NULL, NULL);

	rt = (struct route){M_POST, "/x", &dummy, c, BODY_NONE, 0, 0};
	r->route = &rt;
	return r;
}

static void public_route_needs_nothing(void)
{
	struct req *r = with_cred(CRED_NONE);

	CU_ASSERT_EQUAL(auth_request(r), ST_OK);
	CU_ASSERT_EQUAL(r->actor.kind, ACTOR_NONE);
}

static void missing_bearer_is_401_with_challenge(void)
{
	struct req *r = with_cred(CRED_ADMIN);

	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	ASSERT_STR(r->err.code, "unauthorized");
	CU_ASSERT_TRUE(fake_has_header(r, "WWW-Authenticate: Bearer"));
}

static void malformed_key_is_401_without_a_lookup(void)
{
	/* A key of the wrong length never reaches the database (which is down
	 * here, so a lookup would be 503). */
	struct req *r = with_cred(CRED_KEY);

	r->authorization = "Bearer ibk_short";
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	ASSERT_STR(r->err.message, "Invalid API key");
}

static void bad_and_expired_tokens_are_401(void)
{
	struct req *r = with_cred(CRED_OPERATOR);
	char tok[AUTH_TOKEN_MAX];
	static const char claims[] = "{\"uid\":1,\"exp\":1000}";

	r->authorization = "Bearer not.a.token";
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	ASSERT_STR(r->err.message, "Invalid token");
	CU_ASSERT_EQUAL(jwt_sign(FAKE_JWT_SECRET, strlen(FAKE_JWT_SECRET), claims, strlen(claims),
				 tok, sizeof(tok)),
			0);
	r = with_cred(CRED_OPERATOR);
	r->authorization = arena_printf(&fake_arena, "Bearer %s", tok);
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	ASSERT_STR(r->err.message, "Session expired: log in again");
}

static void cookie_carries_the_token_when_no_header(void)
{
	struct req *r = with_cred(CRED_ADMIN);

	/* A forged token in the cookie is read (and refused as a token). */
	r->cookie = "theme=dark; " AUTH_SESSION_COOKIE "=forged.token.here; other=1";
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	ASSERT_STR(r->err.message, "Invalid token");
	r = with_cred(CRED_ADMIN);
	r->cookie = "theme=dark";
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->err.message, "Missing credentials"));
}

static void issued_token_verifies_with_its_claims(void)
{
	struct account acc = {.id = 7, .username = "alice", .role = "operator", .client_id = 3};
	const struct json *claims;
	char tok[AUTH_TOKEN_MAX];
	int64_t exp;
	long long v;

	CU_ASSERT_EQUAL_FATAL(auth_issue_token(&fake_cfg, &acc, 1700000000, tok, sizeof(tok), &exp),
			      0);
	CU_ASSERT_EQUAL(exp, 1700000000 + fake_cfg.auth.token_ttl_s);
	CU_ASSERT_EQUAL_FATAL(jwt_verify(&fake_arena, FAKE_JWT_SECRET, strlen(FAKE_JWT_SECRET), tok,
					 strlen(tok), 1700000001, &claims),
			      JWT_OK);
	CU_ASSERT_EQUAL(json_int(json_get(claims, "uid"), &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	ASSERT_STR(json_text(claims, "role"), "operator");
	CU_ASSERT_EQUAL(json_int(json_get(claims, "cid"), &v), 0);
	CU_ASSERT_EQUAL(v, 3);
	CU_ASSERT_EQUAL(jwt_verify(&fake_arena, FAKE_JWT_SECRET, strlen(FAKE_JWT_SECRET), tok,
				   strlen(tok), exp + 1, &claims),
			JWT_EXPIRED);
	CU_ASSERT_EQUAL(auth_issue_token(&fake_cfg, &acc, 1700000000, tok, 20, &exp), -1);
}

static void new_key_has_prefix_and_matching_hash(void)
{
	char key[AUTH_APIKEY_LEN + 1], prefix[AUTH_APIKEY_SHOWN_PREFIX + 1],
		again[AUTH_APIKEY_LEN + 1];
	unsigned char hash[32], want[32];

	auth_new_api_key(key, prefix, hash);
	CU_ASSERT_EQUAL(strlen(key), AUTH_APIKEY_LEN);
	CU_ASSERT_EQUAL(strncmp(key, AUTH_APIKEY_PREFIX, strlen(AUTH_APIKEY_PREFIX)), 0);
	CU_ASSERT_EQUAL(strlen(prefix), AUTH_APIKEY_SHOWN_PREFIX);
	CU_ASSERT_EQUAL(strncmp(key, prefix, AUTH_APIKEY_SHOWN_PREFIX), 0);
	crypto_sha256(key, strlen(key), want);
	CU_ASSERT_EQUAL(memcmp(hash, want, 32), 0);
	auth_new_api_key(again, prefix, hash);
	CU_ASSERT_NOT_EQUAL(strcmp(key, again), 0);
}

static void extreme_token_is_checked(void)
{
	struct req *r = with_cred(CRED_EXTREME);

	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	r = with_cred(CRED_EXTREME);
	r->extreme_token = "unit-extreme-token-0124";
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
	r = with_cred(CRED_EXTREME);
	r->extreme_token = FAKE_EXTREME_TOKEN;
	CU_ASSERT_EQUAL(auth_request(r), ST_OK);
	CU_ASSERT_EQUAL(r->actor.kind, ACTOR_EXTREME);
	ASSERT_STR(auth_actor_label(r), "extreme");
}

/* A Twilio request for form, signed with token over the public URL. */
static struct req *twilio_req(const char *form, const char *token)
{
	struct req *r = with_cred(CRED_TWILIO);
	const char *err;
	char sig[TWILIO_SIGN_LEN + 1];

	r->raw_uri = "/twilio/incoming";
	CU_ASSERT_EQUAL_FATAL(kv_parse(&fake_arena, form, strlen(form), &r->form, &err), 0);
	twilio_sign_compute(token, FAKE_PUBLIC_BASE "/twilio/incoming", &r->form, &fake_arena, sig);
	r->twilio_signature = arena_strdup(&fake_arena, sig);
	return r;
}

static void twilio_signature_and_account_are_checked(void)
{
	static const char good[] = "MessageSid=SM1&AccountSid=" FAKE_TWILIO_SID "&Body=hi";
	static const char other[] = "MessageSid=SM1&AccountSid=AC999&Body=hi";
	struct req *r = twilio_req(good, FAKE_TWILIO_TOKEN);

	CU_ASSERT_EQUAL(auth_request(r), ST_OK);
	CU_ASSERT_EQUAL(r->actor.kind, ACTOR_TWILIO);
	r = twilio_req(good, "another-token");
	CU_ASSERT_EQUAL(auth_request(r), ST_FORBIDDEN);
	ASSERT_STR(r->err.code, "invalid_signature");
	r = twilio_req(good, FAKE_TWILIO_TOKEN);
	r->twilio_signature = NULL;
	CU_ASSERT_EQUAL(auth_request(r), ST_BAD_REQUEST);
	ASSERT_STR(r->err.code, "missing_signature");
	r = twilio_req(other, FAKE_TWILIO_TOKEN);
	CU_ASSERT_EQUAL(auth_request(r), ST_FORBIDDEN);
	ASSERT_STR(r->err.code, "invalid_account");
}

static void spooled_provider_requests_are_trusted(void)
{
	struct req *r = with_cred(CRED_TWILIO);

	r->from_spool = true;
	CU_ASSERT_EQUAL(auth_request(r), ST_OK);
	CU_ASSERT_EQUAL(r->actor.kind, ACTOR_TWILIO);
	r = with_cred(CRED_KEY);
	r->from_spool = true;
	CU_ASSERT_EQUAL(auth_request(r), ST_UNAUTHORIZED);
}

static void actor_labels_name_the_kind(void)
{
	struct req *r = with_cred(CRED_NONE);

	CU_ASSERT_PTR_NULL(auth_actor_label(r));
	r->actor.kind = ACTOR_ADMIN;
	r->actor.name = "root";
	ASSERT_STR(auth_actor_label(r), "admin:root");
	r->actor.kind = ACTOR_KEY;
	r->actor.name = "ibk_AbCdEfGh";
	ASSERT_STR(auth_actor_label(r), "key:ibk_AbCdEfGh");
}

static void cookie_only_writes_need_the_own_origin(void)
{
	struct req *r = with_cred(CRED_ADMIN);

	r->cookie = "ibiki_session=eyJ.x.y";
	r->origin = "https://evil.example";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_FORBIDDEN);
	ASSERT_STR(r->err.code, "csrf_rejected");
	r = with_cred(CRED_ADMIN);
	r->cookie = "ibiki_session=eyJ.x.y";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_FORBIDDEN); /* no Origin at all */
	r->origin = FAKE_PUBLIC_BASE "x";	     /* a longer host is another */
	CU_ASSERT_EQUAL(auth_csrf(with_cred(CRED_ADMIN)), ST_OK);
	r = with_cred(CRED_ADMIN);
	r->cookie = "a=1; ibiki_session=eyJ.x.y";
	r->origin = FAKE_PUBLIC_BASE "x";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_FORBIDDEN);
	r->origin = FAKE_PUBLIC_BASE;
	CU_ASSERT_EQUAL(auth_csrf(r), ST_OK);
	r->origin = NULL;
	r->sec_fetch_site = "same-origin";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_OK);
	r->sec_fetch_site = "cross-site";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_FORBIDDEN);
	/* A bearer header is not a browser's ambient credential. */
	r->authorization = "Bearer eyJ.x.y";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_OK);
	/* Reads are never refused; nor requests without the session cookie. */
	r = fake_req(M_GET, "/x", NULL, NULL);
	r->cookie = "ibiki_session=eyJ.x.y";
	r->origin = "https://evil.example";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_OK);
	r = with_cred(CRED_ADMIN);
	r->cookie = "other=1";
	r->origin = "https://evil.example";
	CU_ASSERT_EQUAL(auth_csrf(r), ST_OK);
}

static const struct test_case tests[] = {
	{"a cookie-only write needs the dashboard's origin",
	 cookie_only_writes_need_the_own_origin},
	{"a public route needs no credential", public_route_needs_nothing},
	{"no bearer is 401 with WWW-Authenticate", missing_bearer_is_401_with_challenge},
	{"a malformed API key is 401 without a lookup", malformed_key_is_401_without_a_lookup},
	{"a malformed or expired token is 401", bad_and_expired_tokens_are_401},
	{"the session cookie carries the token when there is no header",
	 cookie_carries_the_token_when_no_header},
	{"an issued token verifies with its claims and expires",
	 issued_token_verifies_with_its_claims},
	{"a new API key has its prefix and its SHA-256", new_key_has_prefix_and_matching_hash},
	{"Extreme's token is required and compared", extreme_token_is_checked},
	{"Twilio's signature and AccountSid are checked", twilio_signature_and_account_are_checked},
	{"spooled provider requests are trusted, nothing else",
	 spooled_provider_requests_are_trusted},
	{"actor labels name the kind of caller", actor_labels_name_the_kind},
	{NULL, NULL},
};

void suite_auth(void)
{
	CU_pSuite s = CU_add_suite("auth", fake_setup, fake_teardown);
	const struct test_case *t;

	for (t = tests; s != NULL && t->name != NULL; t++)
		CU_add_test(s, t->name, t->fn);
}
