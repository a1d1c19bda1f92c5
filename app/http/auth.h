/*
 * Who is calling: turns the credential a route requires into r->actor, or
 * an error status.  401 when the credential is missing or invalid, 403
 * when it is valid but of the wrong kind or role.  Also issues the
 * credentials: login tokens (JWT) and API keys.
 */
#ifndef IBIKI_HTTP_AUTH_H
#define IBIKI_HTTP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"
#include "db/db_accounts.h"
#include "http/req.h"

#define AUTH_APIKEY_PREFIX	 "ibk_"
#define AUTH_APIKEY_LEN		 47 /* "ibk_" + base64url of 32 random bytes */
#define AUTH_APIKEY_SHOWN_PREFIX 12 /* what people see of a key: "ibk_AbCdEfGh" */
#define AUTH_SESSION_COOKIE	 "ibiki_session"
#define AUTH_TOKEN_MAX		 1024

/* Authenticate r for r->route->cred; sets r->actor.  ST_OK or an error
 * status with r->err set. */
enum status auth_request(struct req *r);

/* Cross-site writes (DESIGN "Reliability"): a state-changing request
 * (POST, PUT, PATCH, DELETE) that carries the session cookie and no
 * Authorization header must come from the dashboard's own origin -- Origin
 * equal to public_base_url's, or Sec-Fetch-Site: same-origin -- else 403
 * csrf_rejected.  Runs before anything reads the body.  ST_OK otherwise. */
enum status auth_csrf(struct req *r);

/* A signed token for acc valid for cfg->auth.token_ttl_s from now.
 * Returns 0, or -1 if out is too small. */
int auth_issue_token(const struct config *cfg, const struct account *acc, int64_t now, char *out,
		     size_t n, int64_t *expires);

/* A new API key: key (AUTH_APIKEY_LEN+1), its shown prefix (AUTH_APIKEY_SHOWN_PREFIX+1)
 * and its SHA-256. */
void auth_new_api_key(char *key, char *prefix, unsigned char hash[32]);

/* Actor as logged: "admin:alice", "operator:bob", "key:ibk_AbCdEfGh". */
const char *auth_actor_label(struct req *r);

#endif
