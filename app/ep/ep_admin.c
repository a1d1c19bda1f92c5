/*
 * Admin API.  Every route here requires an admin JWT (403 for operators
 * and API keys); {id} is a client id, 404 client_not_found when absent.
 *
 *   GET    /api/admin/clients                       200 {status, count, clients}
 *   POST   /api/admin/clients {name}                201 client; 409 client_exists
 *   GET    /api/admin/clients/{id}                  200 client + routes, apiKeys,
 *                                                   deliveryHealth
 *   POST   /api/admin/clients/{id}/routes           201 route; 409 route_exists
 *          {provider:"twilio", number} | {provider:"extreme", usemodem, port, number?}
 *   POST   /api/admin/clients/{id}/api-keys {label?} 201 {id, key, prefix, ...}
 *   DELETE /api/admin/clients/{id}/api-keys/{keyId} 200; 404 key_not_found
 *   POST   /api/admin/accounts {username, password, role, clientId?, displayName?}
 *                                                   201; 409 username_taken
 *   POST   /api/admin/clients/{id}/delivery-mode {mode}     200
 *   POST   /api/admin/clients/{id}/webhook {url?, secret?, rotateSecret?} 200
 */
#include "ep/ep_admin.h"

#include <ctype.h>
#include <string.h>

#include "http/auth.h"
#include "lib/crypto.h"
#include "db/db_accounts.h"
#include "db/db_api_keys.h"
#include "db/db_clients.h"
#include "db/db_outbox.h"
#include "db/db_client_routes.h"
#include "svc/sms.h"
#include "svc/views.h"
#include "svc/webhooks.h"

#define MODEM_MAX 9999
#define PORT_MAX  9999

/* The {id} of the path as a client that exists, or an error status. */
static enum status load_client(struct req *r, struct client *c)
{
	long long id = req_param_id(r, 0);
	enum db_rc rc;

	memset(c, 0, sizeof(*c));
	if (id < 0)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	rc = db_clients_get(r->db, r->a, id, c);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return ST_OK;
}

static enum status clients_list(struct req *r)
{
	struct client *cs;
	size_t i, n;
	enum db_rc rc = db_clients_list(r->db, r->a, &cs, &n);
	struct jsonw *w = &r->w;

	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "clients");
	for (i = 0; i < n; i++) {
		jsonw_obj(w);
		views_client_members(w, &cs[i]);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_clients_list = ENDPOINT_NOFIELDS(clients_list);

static bool name_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return !isspace((unsigned char)s[0]) && !isspace((unsigned char)s[len - 1]);
}

static const struct field create_fields[] = {
	{"name", FT_STR, F_REQ, 1, 200, name_ok, "invalid_name",
	 "name must be 1 to 200 characters, without control characters or outer spaces"},
};

static enum status clients_create(struct req *r)
{
	const struct fval *name = &r->in[0];
	struct client c;
	long long id;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_clients_insert(r->db, r->a, name->s, name->len, &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "client_exists", "A client with that name exists");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	rc = db_clients_get(r->db, r->a, id, &c);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	views_client_members(w, &c);
	jsonw_obj_end(w);
	return ST_CREATED;
}

const struct endpoint ep_admin_clients_create = ENDPOINT(clients_create, create_fields);

static enum status clients_get(struct req *r)
{
	struct client c;
	struct client_route *routes;
	struct api_key *keys;
	struct outbox_summary health;
	size_t i, nroutes, nkeys;
	enum status st = load_client(r, &c);
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
	if ((rc = db_client_routes_list(r->db, r->a, c.id, &routes, &nroutes)) != DB_OK ||
	    (rc = db_api_keys_list(r->db, r->a, c.id, &keys, &nkeys)) != DB_OK ||
	    (rc = db_outbox_summary(r->db, r->a, c.id, &health)) != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	views_client_members(w, &c);
	jsonw_key(w, "routes");
	jsonw_arr(w);
	for (i = 0; i < nroutes; i++)
		views_route(w, &routes[i]);
	jsonw_arr_end(w);
	jsonw_key(w, "apiKeys");
	jsonw_arr(w);
	for (i = 0; i < nkeys; i++)
		views_api_key(w, &keys[i]);
	jsonw_arr_end(w);
	jsonw_key(w, "deliveryHealth");
	jsonw_obj(w);
	views_delivery_health_members(w, &health);
	jsonw_obj_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_clients_get = ENDPOINT_NOFIELDS(clients_get);

enum { R_PROVIDER, R_NUMBER, R_MODEM, R_PORT };

static bool provider_ok(const char *s, size_t len)
{
	return (len == 6 && memcmp(s, "twilio", 6) == 0) ||
	       (len == 7 && memcmp(s, "extreme", 7) == 0);
}

static const struct field route_fields[] = {
	[R_PROVIDER] = {"provider", FT_STR, F_REQ, 0, 0, provider_ok, "invalid_provider",
			"provider must be \"twilio\" or \"extreme\""},
	[R_NUMBER] = {"number", FT_STR, F_NULL, 0, 0, sms_e164, "invalid_phone_number",
		      "number must be in E.164 format (+1234567890)"},
	[R_MODEM] = {"usemodem", FT_INT, F_NULL, 0, MODEM_MAX, NULL, "invalid_usemodem",
		     "usemodem must be an integer from 0 to 9999"},
	[R_PORT] = {"port", FT_INT, F_NULL, 0, PORT_MAX, NULL, "invalid_port",
		    "port must be an integer from 0 to 9999"},
};

static enum status routes_create(struct req *r)
{
	const struct fval *in = r->in;
	bool twilio = in[R_PROVIDER].len == 6;
	struct client_route route;
	struct client c;
	const char *number = in[R_NUMBER].present ? in[R_NUMBER].s : NULL;
	long long modem = -1, port = -1, id;
	enum status st = load_client(r, &c);
	enum db_rc rc;
	struct client_route *all;
	size_t i, n;

	if (st != ST_OK)
		return st;
	if (twilio) {
		if (number == NULL)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"A twilio route needs number");
		if (in[R_MODEM].present || in[R_PORT].present)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"A twilio route has no usemodem or port");
	} else {
		if (!in[R_MODEM].present || !in[R_PORT].present)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"An extreme route needs usemodem and port");
		modem = in[R_MODEM].i;
		port = in[R_PORT].i;
	}
	rc = db_client_routes_insert(r->db, r->a, c.id, twilio ? "twilio" : "extreme", number,
				     modem, port, &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "route_exists",
				"That number or usemodem/port is already routed");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if ((rc = db_client_routes_list(r->db, r->a, c.id, &all, &n)) != DB_OK)
		return req_db_fail(r, rc);
	for (i = 0; i < n; i++) {
		if (all[i].id == id) {
			route = all[i];
			views_route(&r->w, &route);
			return ST_CREATED;
		}
	}
	return req_fail(r, ST_INTERNAL, "internal_error", "Route vanished");
}

const struct endpoint ep_admin_routes_create = ENDPOINT(routes_create, route_fields);

static const struct field key_fields[] = {
	{"label", FT_STR, F_NULL, 1, 200, name_ok, "invalid_label",
	 "label must be 1 to 200 characters, without control characters"},
};

static enum status keys_create(struct req *r)
{
	char key[AUTH_APIKEY_LEN + 1], prefix[AUTH_APIKEY_SHOWN_PREFIX + 1];
	unsigned char hash[32];
	const struct fval *label = &r->in[0];
	struct client c;
	long long id;
	enum status st = load_client(r, &c);
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
	auth_new_api_key(key, prefix, hash);
	rc = db_api_keys_insert(r->db, r->a, c.id, hash, prefix, label->present ? label->s : NULL,
				label->len, &id);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "id", id);
	jsonw_kint(w, "clientId", c.id);
	jsonw_kstr(w, "key", key);
	jsonw_kstr(w, "prefix", prefix);
	jsonw_kstrn(w, "label", label->present ? label->s : NULL, label->len);
	jsonw_kstr(w, "note", "Store this key now: it is shown only once.");
	jsonw_obj_end(w);
	return ST_CREATED;
}

const struct endpoint ep_admin_keys_create = ENDPOINT(keys_create, key_fields);

static enum status keys_revoke(struct req *r)
{
	long long key_id = req_param_id(r, 1);
	struct client c;
	enum status st = load_client(r, &c);
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
	if (key_id < 0)
		return req_fail(r, ST_NOT_FOUND, "key_not_found", "No such active key");
	rc = db_api_keys_revoke(r->db, r->a, c.id, key_id);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "key_not_found", "No such active key");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "id", key_id);
	jsonw_kint(w, "clientId", c.id);
	jsonw_kstr(w, "status", "revoked");
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_keys_revoke = ENDPOINT_NOFIELDS(keys_revoke);

enum { A_USERNAME, A_PASSWORD, A_ROLE, A_CLIENT, A_DISPLAY };

static bool username_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
			return false;
	return true;
}

static bool role_ok(const char *s, size_t len)
{
	return (len == 5 && memcmp(s, "admin", 5) == 0) ||
	       (len == 8 && memcmp(s, "operator", 8) == 0);
}

static const struct field account_fields[] = {
	[A_USERNAME] = {"username", FT_STR, F_REQ, 3, 64, username_ok, "invalid_username",
			"username must be 3 to 64 letters, digits or . _ @ -"},
	[A_PASSWORD] = {"password", FT_STR, F_REQ, 12, 1024, NULL, "weak_password",
			"password must be 12 to 1024 characters"},
	[A_ROLE] = {"role", FT_STR, F_REQ, 0, 0, role_ok, "invalid_role",
		    "role must be \"admin\" or \"operator\""},
	[A_CLIENT] = {"clientId", FT_INT, F_NULL, 1, 1LL << 53, NULL, "invalid_request",
		      "clientId must be a client id"},
	[A_DISPLAY] = {"displayName", FT_STR, F_NULL, 1, 200, name_ok, "invalid_name",
		       "displayName must be 1 to 200 characters"},
};

static enum status accounts_create(struct req *r)
{
	const struct fval *in = r->in;
	bool admin = in[A_ROLE].len == 5;
	char hash[CRYPTO_PASSWORD_HASH_MAX];
	long long client_id = in[A_CLIENT].present ? in[A_CLIENT].i : 0, id;
	struct client c;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (admin && client_id > 0)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"An admin account belongs to no client: drop clientId");
	if (!admin) {
		if (client_id == 0)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"An operator account needs clientId");
		rc = db_clients_get(r->db, r->a, client_id, &c);
		if (rc == DB_NOTFOUND)
			return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
		if (rc != DB_OK)
			return req_db_fail(r, rc);
	}
	if (crypto_password_hash(in[A_PASSWORD].s, in[A_PASSWORD].len, hash) < 0)
		return req_fail(r, ST_INTERNAL, "internal_error", "Cannot hash password");
	rc = db_accounts_insert(r->db, r->a, in[A_USERNAME].s, hash, admin ? "admin" : "operator",
				client_id, in[A_DISPLAY].present ? in[A_DISPLAY].s : NULL, &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "username_taken", "That username is taken");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "id", id);
	jsonw_kstr(w, "username", in[A_USERNAME].s);
	jsonw_kstr(w, "role", admin ? "admin" : "operator");
	jsonw_key(w, "clientId");
	if (client_id > 0)
		jsonw_int(w, client_id);
	else
		jsonw_null(w);
	jsonw_kstrn(w, "displayName", in[A_DISPLAY].present ? in[A_DISPLAY].s : NULL,
		    in[A_DISPLAY].len);
	jsonw_obj_end(w);
	return ST_CREATED;
}

const struct endpoint ep_admin_accounts_create = ENDPOINT(accounts_create, account_fields);

static bool mode_ok(const char *s, size_t len)
{
	return (len == 4 && (memcmp(s, "poll", 4) == 0 || memcmp(s, "push", 4) == 0 ||
			     memcmp(s, "both", 4) == 0));
}

static const struct field mode_fields[] = {
	{"mode", FT_STR, F_REQ, 0, 0, mode_ok, "invalid_mode",
	 "mode must be \"poll\", \"push\" or \"both\""},
};

static enum status delivery_mode(struct req *r)
{
	struct client c;
	enum status st = load_client(r, &c);
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
	rc = db_clients_set_mode(r->db, r->a, c.id, r->in[0].s);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if ((rc = db_clients_get(r->db, r->a, c.id, &c)) != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	views_client_members(w, &c);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_delivery_mode = ENDPOINT(delivery_mode, mode_fields);

enum { W_URL, W_SECRET, W_ROTATE };

static const struct field webhook_fields[] = {
	[W_URL] = {"url", FT_STR, 0, 0, 0, NULL, NULL, NULL},
	[W_SECRET] = {"secret", FT_STR, F_NULL, 0, 0, NULL, NULL, NULL},
	[W_ROTATE] = {"rotateSecret", FT_BOOL, 0, 0, 0, NULL, NULL, NULL},
};

static enum status webhook(struct req *r)
{
	long long id = req_param_id(r, 0);

	if (id < 0)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (!r->in[W_URL].present && !(r->in[W_ROTATE].present && r->in[W_ROTATE].b))
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"Missing required field: url (or rotateSecret: true)");
	return webhook_set(r, id, &r->in[W_URL], &r->in[W_SECRET],
			   r->in[W_ROTATE].present && r->in[W_ROTATE].b);
}

const struct endpoint ep_admin_webhook = ENDPOINT(webhook, webhook_fields);
