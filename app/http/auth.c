/*
 * Authentication.  See auth.h.
 *
 * Bearer tokens are told apart by shape: API keys start with "ibk_", JWTs
 * do not.  A valid credential of the wrong kind is 403 (the caller is
 * known, the door is not theirs); anything unverifiable is 401.  Accounts
 * are looked up on every request, so disabling an account or changing its
 * role takes effect at once, tokens notwithstanding.
 */
#include "http/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/crypto.h"
#include "db/db_api_keys.h"
#include "db/db_clients.h"
#include "lib/enc.h"
#include "lib/jsonw.h"
#include "lib/jwt.h"
#include "http/fields.h"
#include "http/router.h"
#include "upstream/twilio_sign.h"
#include "lib/timeutil.h"

enum cred_kind { TOKEN_NONE, TOKEN_KEY, TOKEN_JWT };

/* The bearer token (header first, then session cookie). */
static enum cred_kind find_token(const struct req *r, const char **tok, size_t *len)
{
	const char *p = r->authorization;

	*tok = NULL;
	*len = 0;
	if (p != NULL && strncasecmp(p, "Bearer ", 7) == 0) {
		p += 7;
		while (*p == ' ')
			p++;
		*tok = p;
		*len = strcspn(p, " \t");
	} else if (r->cookie != NULL) {
		const char *c = r->cookie;
		size_t nl = strlen(AUTH_SESSION_COOKIE);
		while (c && *c) {
			while (*c == ' ' || *c == ';')
				c++;
			if (strncmp(c, AUTH_SESSION_COOKIE, nl) == 0 && c[nl] == '=') {
				*tok = c + nl + 1;
				*len = strcspn(*tok, ";");
				break;
			}
			c = strchr(c, ';');
		}
	}
	if (*tok == NULL || *len == 0)
		return TOKEN_NONE;
	return strncmp(*tok, AUTH_APIKEY_PREFIX, strlen(AUTH_APIKEY_PREFIX)) == 0 ? TOKEN_KEY
										  : TOKEN_JWT;
}

static enum status unauthorized(struct req *r, const char *msg)
{
	req_header(r, "WWW-Authenticate: Bearer realm=\"ibiki\"");
	return req_fail(r, ST_UNAUTHORIZED, "unauthorized", msg);
}

static enum status auth_key(struct req *r, const char *tok, size_t len)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct api_key k;
	enum db_rc rc;

	if (len != AUTH_APIKEY_LEN)
		return unauthorized(r, "Invalid API key");
	crypto_sha256(tok, len, hash);
	rc = db_api_keys_lookup(r->db, r->a, hash, &k);
	if (rc == DB_NOTFOUND)
		return unauthorized(r, "Invalid API key");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	r->actor.kind = ACTOR_KEY;
	r->actor.key_id = k.id;
	r->actor.client_id = k.client_id;
	r->actor.name = k.prefix;
	return ST_OK;
}

static enum status auth_jwt(struct req *r, const char *tok, size_t len)
{
	const struct config *c = r->cfg;
	const struct json *claims, *uid, *exp;
	struct account acc;
	enum jwt_result jr;
	enum db_rc rc;
	long long id;

	jr = jwt_verify(r->a, c->auth.jwt_secret, c->auth.jwt_secret_len, tok, len,
			timeutil_now_s(), &claims);
	if (jr != JWT_OK)
		return unauthorized(r, jr == JWT_EXPIRED ? "Session expired: log in again"
							 : "Invalid token");
	uid = json_get(claims, "uid");
	if (uid == NULL || json_int(uid, &id) < 0)
		return unauthorized(r, "Invalid token");
	rc = db_accounts_get_by_id(r->db, r->a, id, &acc);
	if (rc == DB_NOTFOUND)
		return unauthorized(r, "Invalid token");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (strcmp(acc.status, "active") != 0)
		return unauthorized(r, "Account disabled");
	exp = json_get(claims, "exp");
	if (exp == NULL || json_int(exp, &r->actor.expires) < 0)
		return unauthorized(r, "Invalid token");
	r->actor.account_id = acc.id;
	r->actor.name = acc.username;
	r->actor.display_name = acc.display_name ? acc.display_name : acc.username;
	if (strcmp(acc.role, "admin") == 0) {
		r->actor.kind = ACTOR_ADMIN;
	} else {
		/* Like its API keys, a disabled client's operators are refused
		 * as unauthenticated. */
		if (acc.client_status == NULL || strcmp(acc.client_status, "active") != 0)
			return unauthorized(r, "Client disabled");
		r->actor.kind = ACTOR_OPERATOR;
		r->actor.client_id = acc.client_id;
	}
	return ST_OK;
}

/* X-Ibiki-Client: the client an admin acts for on operator routes. */
static const struct field client_header = {.name = "X-Ibiki-Client",
					   .type = FT_ID,
					   .flags = F_HEADER,
					   .prefix = "",
					   .min = 1,
					   .code = "client_required",
					   .message = "X-Ibiki-Client must be a client id"};

/* An admin on an operator route names the client it acts for. */
static enum status admin_acting(struct req *r)
{
	struct fval id;
	struct client c;
	enum db_rc rc;
	enum status st = fields_check(r, &client_header, &id);

	if (st != ST_OK)
		return st;
	if (!id.present)
		return req_fail(
			r, ST_BAD_REQUEST, "client_required",
			"Admins must name the client they act for in the X-Ibiki-Client header");
	rc = db_clients_get(r->db, r->a, id.i, &c);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (strcmp(c.status, "active") != 0)
		return req_fail(r, ST_FORBIDDEN, "client_disabled", "This client is disabled");
	r->actor.client_id = id.i;
	return ST_OK;
}

static enum status check_extreme(struct req *r)
{
	const char *want = r->cfg->extreme.inbound_token;
	const char *got = r->extreme_token;

	if (want == NULL || *want == '\0')
		return req_fail(r, ST_UNAVAILABLE, "not_configured",
				"Extreme inbound is not configured");
	if (got == NULL || *got == '\0')
		return req_fail(r, ST_UNAUTHORIZED, "unauthorized", "Missing X-Extreme-Token");
	/* Compared as SHA-256 digests: fixed length, constant time, whatever
	 * the lengths of the two tokens. */
	unsigned char hg[CRYPTO_SHA256_LEN], hw[CRYPTO_SHA256_LEN];
	crypto_sha256(got, strlen(got), hg);
	crypto_sha256(want, strlen(want), hw);
	if (!crypto_eq((const char *)hg, sizeof(hg), (const char *)hw, sizeof(hw)))
		return req_fail(r, ST_UNAUTHORIZED, "unauthorized", "Invalid X-Extreme-Token");
	r->actor.kind = ACTOR_EXTREME;
	r->actor.name = "extreme";
	return ST_OK;
}

static enum status check_twilio(struct req *r)
{
	const struct config *c = r->cfg;
	const struct kv *acct;
	const char *url;

	if (c->twilio.auth_token == NULL || *c->twilio.auth_token == '\0')
		return req_fail(r, ST_UNAVAILABLE, "not_configured", "Twilio is not configured");
	if (c->twilio.validate_signature) {
		if (r->twilio_signature == NULL || *r->twilio_signature == '\0')
			return req_fail(r, ST_BAD_REQUEST, "missing_signature",
					"Missing X-Twilio-Signature header");
		url = arena_printf(r->a, "%s%s", c->server.public_base_url, r->raw_uri);
		if (!twilio_sign_valid(c->twilio.auth_token, url, &r->form, r->twilio_signature,
				       r->a))
			return req_fail(r, ST_FORBIDDEN, "invalid_signature",
					"X-Twilio-Signature does not match the request");
	}
	acct = kv_get(&r->form, "AccountSid", NULL);
	if (acct == NULL || c->twilio.account_sid == NULL ||
	    !crypto_eq(acct->value, acct->vlen, c->twilio.account_sid,
		       strlen(c->twilio.account_sid)))
		return req_fail(r, ST_FORBIDDEN, "invalid_account", "AccountSid does not match");
	r->actor.kind = ACTOR_TWILIO;
	r->actor.name = "twilio";
	return ST_OK;
}

/* Whether the Cookie header holds the session cookie. */
static bool has_session_cookie(const struct req *r)
{
	const char *tok;
	size_t len;

	if (r->cookie == NULL)
		return false;
	struct req bare = {.cookie = r->cookie};
	return find_token(&bare, &tok, &len) != TOKEN_NONE;
}

/* Origin (scheme://host[:port]) equal to that of base (which may go on
 * with a path). */
static bool same_origin(const char *origin, const char *base)
{
	const char *host = strstr(base, "://");
	size_t n;

	if (origin == NULL || host == NULL)
		return false;
	n = (size_t)(host + 3 - base) + strcspn(host + 3, "/?#");
	return strlen(origin) == n && strncasecmp(origin, base, n) == 0;
}

enum status auth_csrf(struct req *r)
{
	if (r->method != M_POST && r->method != M_PUT && r->method != M_PATCH &&
	    r->method != M_DELETE)
		return ST_OK;
	if (r->authorization != NULL || !has_session_cookie(r))
		return ST_OK;
	if (same_origin(r->origin, r->cfg->server.public_base_url) ||
	    (r->sec_fetch_site != NULL && strcmp(r->sec_fetch_site, "same-origin") == 0))
		return ST_OK;
	return req_fail(
		r, ST_FORBIDDEN, "csrf_rejected",
		"Cross-site request refused: a request made with the session cookie must come "
		"from the dashboard's own origin");
}

enum status auth_request(struct req *r)
{
	enum cred need = r->route->cred;
	enum cred_kind kind;
	const char *tok;
	size_t len;
	enum status st;

	switch (need) {
	case CRED_NONE:
		return ST_OK;
	case CRED_TWILIO:
	case CRED_EXTREME:
		/* A spooled request had its signature or token checked before it
		 * was written; the spool directory is ours alone. */
		if (r->from_spool) {
			r->actor.kind = need == CRED_TWILIO ? ACTOR_TWILIO : ACTOR_EXTREME;
			r->actor.name = need == CRED_TWILIO ? "twilio" : "extreme";
			return ST_OK;
		}
		return need == CRED_TWILIO ? check_twilio(r) : check_extreme(r);
	case CRED_KEY:
	case CRED_OPERATOR:
	case CRED_ADMIN:
	case CRED_SESSION:
		break;
	case CRED__MAX:
		return req_fail(r, ST_INTERNAL, "internal_error", "Bad route");
	}
	kind = find_token(r, &tok, &len);
	if (kind == TOKEN_NONE)
		return unauthorized(r, "Missing credentials: send Authorization: Bearer <token>");
	st = kind == TOKEN_KEY ? auth_key(r, tok, len) : auth_jwt(r, tok, len);
	if (st != ST_OK)
		return st;
	switch (need) {
	case CRED_KEY:
		if (r->actor.kind != ACTOR_KEY)
			return req_fail(r, ST_FORBIDDEN, "forbidden",
					"This endpoint is for client systems: use an API key");
		return ST_OK;
	case CRED_OPERATOR:
		if (r->actor.kind == ACTOR_OPERATOR)
			return ST_OK;
		if (r->actor.kind == ACTOR_ADMIN)
			return admin_acting(r);
		return req_fail(r, ST_FORBIDDEN, "forbidden",
				"This endpoint is for operators: log in with /api/auth/login");
	case CRED_ADMIN:
		if (r->actor.kind != ACTOR_ADMIN)
			return req_fail(r, ST_FORBIDDEN, "forbidden", "Admin role required");
		return ST_OK;
	case CRED_SESSION:
		if (r->actor.kind == ACTOR_KEY)
			return req_fail(r, ST_FORBIDDEN, "forbidden",
					"This endpoint is for dashboard sessions: log in with "
					"/api/auth/login");
		return ST_OK;
	default:
		return ST_OK;
	}
}

int auth_issue_token(const struct config *cfg, const struct account *acc, int64_t now, char *out,
		     size_t n, int64_t *expires)
{
	char store[512];
	struct buf b = {.p = store, .len = 0, .size = sizeof(store), .max = sizeof(store) - 1};
	struct jsonw w;

	*expires = now + cfg->auth.token_ttl_s;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "sub", acc->username);
	jsonw_kint(&w, "uid", acc->id);
	jsonw_kstr(&w, "role", acc->role);
	if (acc->client_id > 0)
		jsonw_kint(&w, "cid", acc->client_id);
	jsonw_kint(&w, "iat", now);
	jsonw_kint(&w, "exp", *expires);
	jsonw_obj_end(&w);
	if (jsonw_failed(&w))
		return -1;
	return jwt_sign(cfg->auth.jwt_secret, cfg->auth.jwt_secret_len, b.p, b.len, out, n);
}

void auth_new_api_key(char *key, char *prefix, unsigned char hash[32])
{
	unsigned char raw[32];
	size_t pl = strlen(AUTH_APIKEY_PREFIX);

	crypto_random(raw, sizeof(raw));
	memcpy(key, AUTH_APIKEY_PREFIX, pl);
	enc_b64url(raw, sizeof(raw), key + pl);
	crypto_sha256(key, AUTH_APIKEY_LEN, hash);
	memcpy(prefix, key, AUTH_APIKEY_SHOWN_PREFIX);
	prefix[AUTH_APIKEY_SHOWN_PREFIX] = '\0';
}

const char *auth_actor_label(struct req *r)
{
	switch (r->actor.kind) {
	case ACTOR_ADMIN:
		return arena_printf(r->a, "admin:%s", r->actor.name);
	case ACTOR_OPERATOR:
		return arena_printf(r->a, "operator:%s", r->actor.name);
	case ACTOR_KEY:
		return arena_printf(r->a, "key:%s", r->actor.name);
	case ACTOR_TWILIO:
		return "twilio";
	case ACTOR_EXTREME:
		return "extreme";
	case ACTOR_NONE:
	case ACTOR__MAX:
		break;
	}
	return NULL;
}
