/*
 * A client's own profile (API key).
 *
 * GET /api/v2/clients/{id}: 200 {id, name, status, deliveryMode, webhook,
 * createdAt, updatedAt, routes} when {id} is the key's own client; 404
 * client_not_found for any other id, existing or not, so that ids of other
 * tenants cannot be probed.
 */
#include "ep/ep_v2_client.h"

#include "db/db_clients.h"
#include "db/db_client_routes.h"
#include "ep/ep_fields.h"
#include "svc/views.h"

/* Any id is taken (404 for all but the key's own): the row must not tell
 * other tenants' ids from ids that do not exist. */
static const struct field get_fields[] = {
	{.name = "id",
	 .type = FT_ID,
	 .flags = F_PATH | F_REQ,
	 .prefix = "",
	 .min = 0,
	 .status = ST_NOT_FOUND,
	 .code = "client_not_found",
	 .message = "No such client"},
};

static enum status client_get(struct req *r)
{
	long long id = r->in[0].i;
	struct client c;
	struct client_route *routes;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (id != r->actor.client_id)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	rc = db_clients_get(r->db, r->a, id, &c);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK || (rc = db_client_routes_list(r->db, r->a, id, &routes, &n)) != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	views_client_members(w, &c);
	jsonw_key(w, "routes");
	jsonw_arr(w);
	for (i = 0; i < n; i++)
		views_route(w, &routes[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_v2_client_get = ENDPOINT(client_get, get_fields);
