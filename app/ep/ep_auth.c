/*
 * Login and logout.
 *
 * POST /api/auth/login {username, password}: 200 {token, expiresAt, role,
 * clientId} and the same token as an HttpOnly, Secure, SameSite=Strict
 * session cookie; 401 invalid_credentials for an unknown user, a wrong
 * password or a disabled account, all alike and in the same time (the
 * password hash is computed even for unknown users); 403 client_disabled
 * for the right password of an operator whose client is disabled (told
 * only to whoever knows the password).  nginx rate-limits this location.
 *
 * POST /api/auth/logout: 200, and the cookie cleared.
 *
 * GET /api/auth/me: who the session (cookie, or a login token as Bearer)
 * is: 200 {username, displayName, role, clientId, clientName, expiresAt}.
 * The dashboard asks it on load, so that every tab of a browser shares the
 * one cookie session; 401 when there is none (expired, logged out, the
 * account or its client disabled).
 */
#include "ep/ep_auth.h"

#include <stdio.h>
#include <string.h>

#include "http/auth.h"
#include "lib/crypto.h"
#include "db/db_accounts.h"
#include "db/db_clients.h"
#include "lib/timeutil.h"

enum { L_USERNAME, L_PASSWORD };

static const struct field login_fields[] = {
	[L_USERNAME] = {.name = "username", .type = FT_STR, .flags = F_REQ, .min = 1, .max = 64},
	[L_PASSWORD] = {.name = "password", .type = FT_STR, .flags = F_REQ, .min = 1, .max = 1024},
};

static enum status login(struct req *r)
{
	const struct fval *user = &r->in[L_USERNAME], *pass = &r->in[L_PASSWORD];
	struct account acc;
	char token[AUTH_TOKEN_MAX], iso[32];
	int64_t exp;
	enum db_rc rc;
	bool ok;
	struct jsonw *w = &r->w;

	rc = db_accounts_get_by_username(r->db, r->a, user->s, &acc);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return req_db_fail(r, rc);
	ok = crypto_password_verify(pass->s, pass->len, rc == DB_OK ? acc.password_hash : NULL);
	if (!ok || rc != DB_OK || strcmp(acc.status, "active") != 0)
		return req_fail(r, ST_UNAUTHORIZED, "invalid_credentials",
				"Invalid username or password");
	/* An operator of a disabled client could do nothing with a session. */
	if (acc.client_id > 0) {
		struct client c;

		rc = db_clients_get(r->db, r->a, acc.client_id, &c);
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return req_db_fail(r, rc);
		if (rc == DB_NOTFOUND || strcmp(c.status, "active") != 0)
			return req_fail(r, ST_FORBIDDEN, "client_disabled",
					"This account's client is disabled");
	}
	if (auth_issue_token(r->cfg, &acc, timeutil_now_s(), token, sizeof(token), &exp) < 0)
		return req_fail(r, ST_INTERNAL, "internal_error", "Cannot issue token");
	r->actor.kind = strcmp(acc.role, "admin") == 0 ? ACTOR_ADMIN : ACTOR_OPERATOR;
	r->actor.name = acc.username;
	req_header(r, arena_printf(r->a,
				   "Set-Cookie: " AUTH_SESSION_COOKIE
				   "=%s; Path=/; Max-Age=%ld; HttpOnly;"
				   " Secure; SameSite=Strict",
				   token, r->cfg->auth.token_ttl_s));
	timeutil_iso_ms(exp * 1000, iso, sizeof(iso));
	jsonw_obj(w);
	jsonw_kstr(w, "token", token);
	jsonw_kstr(w, "expiresAt", iso);
	jsonw_kstr(w, "role", acc.role);
	jsonw_kstr(w, "username", acc.username);
	jsonw_key(w, "clientId");
	if (acc.client_id > 0)
		jsonw_int(w, acc.client_id);
	else
		jsonw_null(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_auth_login = ENDPOINT(login, login_fields);

static enum status logout(struct req *r)
{
	struct jsonw *w = &r->w;

	req_header(r, "Set-Cookie: " AUTH_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure;"
		      " SameSite=Strict");
	jsonw_obj(w);
	jsonw_kstr(w, "status", "logged_out");
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_auth_logout = ENDPOINT_NOFIELDS(logout);

static enum status me(struct req *r)
{
	const struct actor *ac = &r->actor;
	struct client c = {0};
	char iso[32];
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (ac->client_id > 0) {
		rc = db_clients_get(r->db, r->a, ac->client_id, &c);
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return req_db_fail(r, rc);
	}
	timeutil_iso_ms(ac->expires * 1000, iso, sizeof(iso));
	jsonw_obj(w);
	jsonw_kstr(w, "username", ac->name);
	jsonw_kstr(w, "displayName", ac->display_name);
	jsonw_kstr(w, "role", ac->kind == ACTOR_ADMIN ? "admin" : "operator");
	jsonw_key(w, "clientId");
	if (ac->client_id > 0)
		jsonw_int(w, ac->client_id);
	else
		jsonw_null(w);
	jsonw_kstr(w, "clientName", c.name);
	jsonw_kstr(w, "expiresAt", iso);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_auth_me = ENDPOINT_NOFIELDS(me);
