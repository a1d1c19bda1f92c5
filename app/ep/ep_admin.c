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
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/views.h"

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
	{.name = "name",
	 .type = FT_STR,
	 .flags = F_REQ,
	 .min = 1,
	 .max = 200,
	 .valid = name_ok,
	 .code = "invalid_name",
	 .message = "name must be 1 to 200 characters, without control characters or outer spaces"},
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

/* Endpoints whose only input is the client {id}. */
static const struct field client_fields[] = {FIELD_CLIENT_ID};

static enum status clients_get(struct req *r)
{
	struct client c;
	struct client_route *routes;
	struct api_key *keys;
	struct outbox_summary health;
	size_t i, nroutes, nkeys;
	enum status st = ep_common_client(r, r->in[0].i, &c);
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
	views_delivery_health_members(w, &health, c.webhook_disabled);
	jsonw_obj_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_clients_get = ENDPOINT(clients_get, client_fields);

/* A route's rate: whole messages per second, 0 unthrottled, null the
 * default ([upstream] default_mps). */
#define FIELD_MPS                                                                                  \
	{                                                                                          \
		.name = "mps", .type = FT_INT, .flags = F_NULL, .max = 100000,                     \
		.code = "invalid_mps",                                                             \
		.message =                                                                         \
			"mps must be a whole number of messages per second, 0 to 100000, or null"  \
	}

enum { R_PROVIDER, R_NUMBER, R_MODEM, R_PORT, R_MPS, R_CLIENT };

static const struct field route_fields[] = {
	[R_PROVIDER] = {.name = "provider",
			.type = FT_ENUM,
			.flags = F_REQ,
			.choices = ep_fields_provider,
			.code = "invalid_provider",
			.message = "provider must be \"twilio\" or \"extreme\""},
	[R_NUMBER] = FIELD_PHONE("number", F_NULL),
	[R_MODEM] = FIELD_MODEM(F_NULL, "invalid_usemodem"),
	[R_PORT] = FIELD_PORT(F_NULL, "invalid_port"),
	[R_MPS] = FIELD_MPS,
	[R_CLIENT] = FIELD_CLIENT_ID,
};

static enum status routes_create(struct req *r)
{
	const struct fval *in = r->in;
	bool twilio = in[R_PROVIDER].i == EP_PROVIDER_TWILIO;
	struct client_route route;
	struct client c;
	const char *number = in[R_NUMBER].present ? in[R_NUMBER].s : NULL;
	long long modem = -1, port = -1, id;
	enum status st = ep_common_client(r, in[R_CLIENT].i, &c);
	enum db_rc rc;

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
	rc = db_client_routes_insert(r->db, r->a, c.id, ep_fields_provider[in[R_PROVIDER].i],
				     number, modem, port, fields_int_or(&in[R_MPS], -1), &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "route_exists",
				"That number or usemodem/port is already routed");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if ((rc = db_client_routes_get(r->db, r->a, c.id, id, &route)) != DB_OK)
		return req_db_fail(r, rc);
	views_route(&r->w, &route);
	return ST_CREATED;
}

const struct endpoint ep_admin_routes_create = ENDPOINT(routes_create, route_fields);

enum { RU_MPS, RU_CLIENT, RU_ROUTE };

static const struct field route_update_fields[] = {
	[RU_MPS] = FIELD_MPS,
	[RU_CLIENT] = FIELD_CLIENT_ID,
	[RU_ROUTE] = {.name = "routeId",
		      .type = FT_ID,
		      .flags = F_PATH | F_REQ,
		      .prefix = "",
		      .min = 1,
		      .status = ST_NOT_FOUND,
		      .code = "route_not_found",
		      .message = "No such route"},
};

/* PATCH /api/admin/clients/{id}/routes/{routeId} {mps}: the route's rate
 * (null: back to the default). */
static enum status routes_update(struct req *r)
{
	const struct fval *in = r->in;
	struct client_route route;
	enum db_rc rc;

	/* null is a value here (back to the default); only absence is not. */
	if (!in[RU_MPS].present && json_get(r->json, "mps") == NULL)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"Missing required field: mps");
	rc = db_client_routes_set_mps(r->db, r->a, in[RU_CLIENT].i, in[RU_ROUTE].i,
				      fields_int_or(&in[RU_MPS], -1));
	if (rc == DB_OK)
		rc = db_client_routes_get(r->db, r->a, in[RU_CLIENT].i, in[RU_ROUTE].i, &route);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "route_not_found", "No such route");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_route(&r->w, &route);
	return ST_OK;
}

const struct endpoint ep_admin_routes_update = ENDPOINT(routes_update, route_update_fields);

enum { K_LABEL, K_CLIENT };

static const struct field key_fields[] = {
	[K_LABEL] = {.name = "label",
		     .type = FT_STR,
		     .flags = F_NULL,
		     .min = 1,
		     .max = 200,
		     .valid = name_ok,
		     .code = "invalid_label",
		     .message = "label must be 1 to 200 characters, without control characters"},
	[K_CLIENT] = FIELD_CLIENT_ID,
};

static enum status keys_create(struct req *r)
{
	char key[AUTH_APIKEY_LEN + 1], prefix[AUTH_APIKEY_SHOWN_PREFIX + 1];
	unsigned char hash[32];
	const struct fval *label = &r->in[K_LABEL];
	struct client c;
	long long id;
	enum status st = ep_common_client(r, r->in[K_CLIENT].i, &c);
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

enum { KR_CLIENT, KR_KEY };

static const struct field revoke_fields[] = {
	[KR_CLIENT] = FIELD_CLIENT_ID,
	[KR_KEY] = {.name = "keyId",
		    .type = FT_ID,
		    .flags = F_PATH | F_REQ,
		    .prefix = "",
		    .min = 1,
		    .status = ST_NOT_FOUND,
		    .code = "key_not_found",
		    .message = "No such active key"},
};

static enum status keys_revoke(struct req *r)
{
	long long key_id = r->in[KR_KEY].i;
	struct client c;
	enum status st = ep_common_client(r, r->in[KR_CLIENT].i, &c);
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
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

const struct endpoint ep_admin_keys_revoke = ENDPOINT(keys_revoke, revoke_fields);

enum { A_USERNAME, A_PASSWORD, A_ROLE, A_CLIENT, A_DISPLAY };

static bool username_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
			return false;
	return true;
}

enum role { ROLE_ADMIN, ROLE_OPERATOR, ROLE__MAX };
static const char *const roles[] = {[ROLE_ADMIN] = "admin", [ROLE_OPERATOR] = "operator", NULL};

static const struct field account_fields[] = {
	[A_USERNAME] = {.name = "username",
			.type = FT_STR,
			.flags = F_REQ,
			.min = 3,
			.max = 64,
			.valid = username_ok,
			.code = "invalid_username",
			.message = "username must be 3 to 64 letters, digits or . _ @ -"},
	[A_PASSWORD] = {.name = "password",
			.type = FT_STR,
			.flags = F_REQ,
			.min = 12,
			.max = 1024,
			.code = "weak_password",
			.message = "password must be 12 to 1024 characters"},
	[A_ROLE] = {.name = "role",
		    .type = FT_ENUM,
		    .flags = F_REQ,
		    .choices = roles,
		    .code = "invalid_role",
		    .message = "role must be \"admin\" or \"operator\""},
	[A_CLIENT] = {.name = "clientId",
		      .type = FT_INT,
		      .flags = F_NULL,
		      .min = 1,
		      .max = 1LL << 53,
		      .message = "clientId must be a client id"},
	[A_DISPLAY] = {.name = "displayName",
		       .type = FT_STR,
		       .flags = F_NULL,
		       .min = 1,
		       .max = 200,
		       .valid = name_ok,
		       .code = "invalid_name",
		       .message = "displayName must be 1 to 200 characters"},
};

static enum status accounts_create(struct req *r)
{
	const struct fval *in = r->in;
	bool admin = in[A_ROLE].i == ROLE_ADMIN;
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
	rc = db_accounts_insert(r->db, r->a, in[A_USERNAME].s, hash, roles[in[A_ROLE].i], client_id,
				in[A_DISPLAY].present ? in[A_DISPLAY].s : NULL, &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "username_taken", "That username is taken");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "id", id);
	jsonw_kstr(w, "username", in[A_USERNAME].s);
	jsonw_kstr(w, "role", roles[in[A_ROLE].i]);
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

static const char *const modes[] = {"poll", "push", "both", NULL};

enum { M_MODE, M_CLIENT };

static const struct field mode_fields[] = {
	[M_MODE] = {.name = "mode",
		    .type = FT_ENUM,
		    .flags = F_REQ,
		    .choices = modes,
		    .code = "invalid_mode",
		    .message = "mode must be \"poll\", \"push\" or \"both\""},
	[M_CLIENT] = FIELD_CLIENT_ID,
};

static enum status delivery_mode(struct req *r)
{
	struct client c;
	enum status st = ep_common_client(r, r->in[M_CLIENT].i, &c);
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
	rc = db_clients_set_mode(r->db, r->a, c.id, modes[r->in[M_MODE].i]);
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

enum { W_URL, W_SECRET, W_ROTATE, W_EVENTS, W_CLIENT };

static const struct field webhook_fields[] = {
	[W_URL] = {.name = "url", .type = FT_STR},
	[W_SECRET] = {.name = "secret", .type = FT_STR, .flags = F_NULL},
	[W_ROTATE] = {.name = "rotateSecret", .type = FT_BOOL},
	[W_EVENTS] = FIELD_EVENTS,
	[W_CLIENT] = FIELD_CLIENT_ID,
};

static enum status webhook(struct req *r)
{
	bool rotate = r->in[W_ROTATE].present && r->in[W_ROTATE].b;

	if (!r->in[W_URL].present && !rotate)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"Missing required field: url (or rotateSecret: true)");
	return ep_common_webhook_set(r, r->in[W_CLIENT].i, &r->in[W_URL], &r->in[W_SECRET],
				     &r->in[W_EVENTS], rotate);
}

const struct endpoint ep_admin_webhook = ENDPOINT(webhook, webhook_fields);
