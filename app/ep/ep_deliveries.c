/*
 * Webhook deliveries.
 *
 * GET /api/v2/webhooks/deliveries?limit                      (API key)
 * GET /api/admin/clients/{id}/deliveries?limit               (admin)
 *   200 {status:"success", count, deliveries:[{id:"dlv_<n>", eventId,
 *   messageId, status, attempts, lastHttpStatus, lastError, createdAt,
 *   updatedAt, finishedAt, attemptLog:[{attempt, at, durationMs,
 *   httpStatus, outcome, error}]}]}, newest first; limit 1..64 (default 20).
 *
 * POST /api/v2/webhooks/deliveries/{id}/redeliver             (API key)
 * POST /api/admin/clients/{id}/deliveries/{dlv}/redeliver     (admin)
 *   A delivered or dead delivery goes out again, with the same
 *   webhook-id and a fresh round of attempts (numbered from 1 again in
 *   its attempt log): 200 {id, status:"pending"}; 404 delivery_not_found
 *   (also another client's); 409 delivery_pending.
 */
#include "ep/ep_deliveries.h"

#include "db/db.h"
#include "db/db_clients.h"
#include "db/db_outbox.h"
#include "svc/views.h"

static const struct field list_fields[] = {
	{"limit", FT_INT, F_QUERY, 1, OUTBOX_BATCH, NULL, "invalid_request",
	 "limit must be an integer from 1 to 64"},
};

static enum status list(struct req *r, long long client_id)
{
	struct delivery *ds;
	size_t i, k, n;
	enum db_rc rc;
	char id[32];
	struct jsonw *w = &r->w;

	rc = db_outbox_deliveries(r->db, r->a, client_id, r->in[0].present ? r->in[0].i : 20, &ds,
				  &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "deliveries");
	for (i = 0; i < n; i++) {
		jsonw_obj(w);
		views_msg_id(id, sizeof(id), "dlv_", ds[i].id);
		jsonw_kstr(w, "id", id);
		jsonw_kstr(w, "eventId", ds[i].event_id);
		views_msg_id(id, sizeof(id), "msg_", ds[i].incoming_id);
		jsonw_kstr(w, "messageId", ds[i].incoming_id > 0 ? id : NULL);
		jsonw_kstr(w, "status", ds[i].status);
		jsonw_kint(w, "attempts", ds[i].attempts);
		jsonw_key(w, "lastHttpStatus");
		if (ds[i].last_http_status > 0)
			jsonw_int(w, ds[i].last_http_status);
		else
			jsonw_null(w);
		jsonw_kstr(w, "lastError", ds[i].last_error);
		views_time(w, "createdAt", ds[i].created_at);
		views_time(w, "updatedAt", ds[i].updated_at);
		views_time(w, "finishedAt", ds[i].finished_at);
		jsonw_key(w, "attemptLog");
		jsonw_arr(w);
		for (k = 0; k < ds[i].nlog; k++) {
			const struct delivery_attempt *l = &ds[i].log[k];
			jsonw_obj(w);
			jsonw_kint(w, "attempt", l->attempt);
			views_time(w, "at", l->started_at);
			jsonw_kint(w, "durationMs", l->duration_ms);
			jsonw_key(w, "httpStatus");
			if (l->http_status > 0)
				jsonw_int(w, l->http_status);
			else
				jsonw_null(w);
			jsonw_kstr(w, "outcome", l->outcome);
			jsonw_kstr(w, "error", l->error);
			jsonw_obj_end(w);
		}
		jsonw_arr_end(w);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

static enum status redeliver(struct req *r, long long client_id, const char *param)
{
	long long id = views_parse_id(param, "dlv_");
	struct jsonw *w = &r->w;
	enum db_rc rc;

	if (id < 0)
		return req_fail(r, ST_NOT_FOUND, "delivery_not_found", "No such delivery");
	rc = db_outbox_redeliver(r->db, r->a, client_id, id);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "delivery_not_found", "No such delivery");
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "delivery_pending",
				"That delivery is still pending");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kstr(w, "id", param);
	jsonw_kstr(w, "status", "pending");
	jsonw_obj_end(w);
	return ST_OK;
}

static enum status v2_list(struct req *r)
{
	return list(r, r->actor.client_id);
}

static enum status v2_redeliver(struct req *r)
{
	return redeliver(r, r->actor.client_id, r->params[0]);
}

/* Admin routes: {id} must be an existing client. */
static long long admin_client(struct req *r, enum status *st)
{
	long long id = req_param_id(r, 0);
	struct client c;
	enum db_rc rc;

	*st = ST_OK;
	if (id < 0 || (rc = db_clients_get(r->db, r->a, id, &c)) == DB_NOTFOUND) {
		*st = req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
		return -1;
	}
	if (rc != DB_OK) {
		*st = req_db_fail(r, rc);
		return -1;
	}
	return id;
}

static enum status admin_list(struct req *r)
{
	enum status st;
	long long id = admin_client(r, &st);

	return id < 0 ? st : list(r, id);
}

static enum status admin_redeliver(struct req *r)
{
	enum status st;
	long long id = admin_client(r, &st);

	return id < 0 ? st : redeliver(r, id, r->params[1]);
}

const struct endpoint ep_deliveries_v2_list = ENDPOINT(v2_list, list_fields);
const struct endpoint ep_deliveries_v2_redeliver = ENDPOINT_NOFIELDS(v2_redeliver);
const struct endpoint ep_deliveries_admin_list = ENDPOINT(admin_list, list_fields);
const struct endpoint ep_deliveries_admin_redeliver = ENDPOINT_NOFIELDS(admin_redeliver);
