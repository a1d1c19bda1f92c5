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
 *   POST   /api/admin/clients/{id}/delivery-mode {mode}     200
 *   POST   /api/admin/clients/{id}/webhook {url?, secret?, rotateSecret?} 200
 *   PATCH  /api/admin/clients/{id} {name?, status?}  200 client; 409 client_exists
 *   DELETE /api/admin/clients/{id}/webhook           200 client, no webhook
 *   GET    /api/admin/clients/{id}/routes/{routeId}  200 route
 *   DELETE /api/admin/clients/{id}/routes/{routeId}  200; 404 route_not_found
 *
 * Operator and admin accounts: ep_accounts.c.
 */
#include "ep/ep_admin.h"

#include <string.h>

#include "http/auth.h"
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

/* A client's name, unique. */
#define FIELD_CLIENT_NAME(fl)                                                                      \
	{                                                                                          \
		.name = "name", .type = FT_STR, .flags = (fl), .min = 1, .max = 200,               \
		.valid = ep_fields_name_ok, .code = "invalid_name",                                \
		.message = "name must be 1 to 200 characters, without control characters or "      \
			   "outer spaces"                                                          \
	}

static const struct field create_fields[] = {FIELD_CLIENT_NAME(F_REQ)};

/* Client id as the answer, with status ok. */
static enum status client_answer(struct req *r, long long id, enum status ok)
{
	struct client c;
	enum db_rc rc = db_clients_get(r->db, r->a, id, &c);
	struct jsonw *w = &r->w;

	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	views_client_members(w, &c);
	jsonw_obj_end(w);
	return ok;
}

static enum status clients_create(struct req *r)
{
	const struct fval *name = &r->in[0];
	long long id;
	enum db_rc rc;

	rc = db_clients_insert(r->db, r->a, name->s, name->len, &id);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "client_exists", "A client with that name exists");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return client_answer(r, id, ST_CREATED);
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

static const char *const client_status[] = {"active", "disabled", NULL};

enum { CU_NAME, CU_STATUS, CU_CLIENT };

static const struct field client_update_fields[] = {
	[CU_NAME] = FIELD_CLIENT_NAME(0),
	[CU_STATUS] = {.name = "status",
		       .type = FT_ENUM,
		       .choices = client_status,
		       .code = "invalid_status",
		       .message = "status must be \"active\" or \"disabled\""},
	[CU_CLIENT] = FIELD_CLIENT_ID,
};

/* PATCH /api/admin/clients/{id} {name?, status?}: a disabled client's
 * routes route nothing, its keys and operators are refused (http/auth.c);
 * active again, everything works as before. */
static enum status clients_update(struct req *r)
{
	const struct fval *in = r->in;
	enum db_rc rc;

	if (!in[CU_NAME].present && !in[CU_STATUS].present)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request", "Give name or status");
	rc = db_clients_update(r->db, r->a, in[CU_CLIENT].i,
			       in[CU_NAME].present ? in[CU_NAME].s : NULL, in[CU_NAME].len,
			       in[CU_STATUS].present ? client_status[in[CU_STATUS].i] : NULL);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "client_exists", "A client with that name exists");
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return client_answer(r, in[CU_CLIENT].i, ST_OK);
}

const struct endpoint ep_admin_clients_update = ENDPOINT(clients_update, client_update_fields);

/* DELETE /api/admin/clients/{id}/webhook: no webhook any more (the mode
 * is kept; push deliveries end dead until one is registered). */
static enum status webhook_delete(struct req *r)
{
	enum db_rc rc = db_clients_clear_webhook(r->db, r->a, r->in[0].i);

	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return client_answer(r, r->in[0].i, ST_OK);
}

const struct endpoint ep_admin_webhook_delete = ENDPOINT(webhook_delete, client_fields);

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

/* A route of the client {id}. */
#define FIELD_ROUTE_ID                                                                             \
	{                                                                                          \
		.name = "routeId", .type = FT_ID, .flags = F_PATH | F_REQ, .prefix = "", .min = 1, \
		.status = ST_NOT_FOUND, .code = "route_not_found", .message = "No such route"      \
	}

enum { RU_MPS, RU_CLIENT, RU_ROUTE };

static const struct field route_update_fields[] = {
	[RU_MPS] = FIELD_MPS,
	[RU_CLIENT] = FIELD_CLIENT_ID,
	[RU_ROUTE] = FIELD_ROUTE_ID,
};

/* The route as the answer, after rc (a change's outcome, or DB_OK). */
static enum status route_answer(struct req *r, enum db_rc rc, long long client_id, long long id)
{
	struct client_route route;

	if (rc == DB_OK)
		rc = db_client_routes_get(r->db, r->a, client_id, id, &route);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "route_not_found", "No such route");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_route(&r->w, &route);
	return ST_OK;
}

/* PATCH /api/admin/clients/{id}/routes/{routeId} {mps}: the route's rate
 * (null: back to the default). */
static enum status routes_update(struct req *r)
{
	const struct fval *in = r->in;
	enum db_rc rc;

	/* null is a value here (back to the default); only absence is not. */
	if (!in[RU_MPS].present && json_get(r->json, "mps") == NULL)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request",
				"Missing required field: mps");
	rc = db_client_routes_set_mps(r->db, r->a, in[RU_CLIENT].i, in[RU_ROUTE].i,
				      fields_int_or(&in[RU_MPS], -1));
	return route_answer(r, rc, in[RU_CLIENT].i, in[RU_ROUTE].i);
}

const struct endpoint ep_admin_routes_update = ENDPOINT(routes_update, route_update_fields);

enum { RI_CLIENT, RI_ROUTE };

static const struct field route_id_fields[] = {
	[RI_CLIENT] = FIELD_CLIENT_ID,
	[RI_ROUTE] = FIELD_ROUTE_ID,
};

static enum status routes_get(struct req *r)
{
	return route_answer(r, DB_OK, r->in[RI_CLIENT].i, r->in[RI_ROUTE].i);
}

const struct endpoint ep_admin_routes_get = ENDPOINT(routes_get, route_id_fields);

/* DELETE /api/admin/clients/{id}/routes/{routeId}: messages to its number
 * or modem/port are stored unrouted from then on; sent ones keep theirs. */
static enum status routes_delete(struct req *r)
{
	enum db_rc rc = db_client_routes_delete(r->db, r->a, r->in[RI_CLIENT].i, r->in[RI_ROUTE].i);
	struct jsonw *w = &r->w;

	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "route_not_found", "No such route");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "id", r->in[RI_ROUTE].i);
	jsonw_kint(w, "clientId", r->in[RI_CLIENT].i);
	jsonw_kstr(w, "status", "deleted");
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_admin_routes_delete = ENDPOINT(routes_delete, route_id_fields);

enum { K_LABEL, K_CLIENT };

static const struct field key_fields[] = {
	[K_LABEL] = {.name = "label",
		     .type = FT_STR,
		     .flags = F_NULL,
		     .min = 1,
		     .max = 200,
		     .valid = ep_fields_name_ok,
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
