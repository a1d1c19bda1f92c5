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
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/views.h"

#define DELIVERIES_DEFAULT 20

#define FIELD_DELIVERY_ID(nm)                                                                      \
	{                                                                                          \
		.name = nm, .type = FT_ID, .flags = F_PATH | F_REQ, .prefix = "dlv_", .min = 1,    \
		.status = ST_NOT_FOUND, .code = "delivery_not_found",                              \
		.message = "No such delivery"                                                      \
	}

static enum status list(struct req *r, long long client_id, long long limit)
{
	struct delivery *ds;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_outbox_deliveries(r->db, r->a, client_id, limit, &ds, &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "deliveries");
	for (i = 0; i < n; i++)
		views_delivery(w, &ds[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

static enum status redeliver(struct req *r, long long client_id, long long id)
{
	struct jsonw *w = &r->w;
	enum db_rc rc;
	char name[32];

	rc = db_outbox_redeliver(r->db, r->a, client_id, id);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "delivery_not_found", "No such delivery");
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "delivery_pending",
				"That delivery is still pending");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_msg_id(name, sizeof(name), "dlv_", id);
	jsonw_obj(w);
	jsonw_kstr(w, "id", name);
	jsonw_kstr(w, "status", "pending");
	jsonw_obj_end(w);
	return ST_OK;
}

static const struct field v2_list_fields[] = {FIELD_LIMIT(OUTBOX_BATCH)};

static enum status v2_list(struct req *r)
{
	return list(r, r->actor.client_id, fields_int_or(&r->in[0], DELIVERIES_DEFAULT));
}

static const struct field v2_redeliver_fields[] = {FIELD_DELIVERY_ID("id")};

static enum status v2_redeliver(struct req *r)
{
	return redeliver(r, r->actor.client_id, r->in[0].i);
}

enum { AL_LIMIT, AL_CLIENT };

static const struct field admin_list_fields[] = {
	[AL_LIMIT] = FIELD_LIMIT(OUTBOX_BATCH),
	[AL_CLIENT] = FIELD_CLIENT_ID,
};

static enum status admin_list(struct req *r)
{
	struct client c;
	enum status st = ep_common_client(r, r->in[AL_CLIENT].i, &c);

	if (st != ST_OK)
		return st;
	return list(r, c.id, fields_int_or(&r->in[AL_LIMIT], DELIVERIES_DEFAULT));
}

enum { AR_CLIENT, AR_DELIVERY };

static const struct field admin_redeliver_fields[] = {
	[AR_CLIENT] = FIELD_CLIENT_ID,
	[AR_DELIVERY] = FIELD_DELIVERY_ID("dlv"),
};

static enum status admin_redeliver(struct req *r)
{
	struct client c;
	enum status st = ep_common_client(r, r->in[AR_CLIENT].i, &c);

	if (st != ST_OK)
		return st;
	return redeliver(r, c.id, r->in[AR_DELIVERY].i);
}

const struct endpoint ep_deliveries_v2_list = ENDPOINT(v2_list, v2_list_fields);
const struct endpoint ep_deliveries_v2_redeliver = ENDPOINT(v2_redeliver, v2_redeliver_fields);
const struct endpoint ep_deliveries_admin_list = ENDPOINT(admin_list, admin_list_fields);
const struct endpoint ep_deliveries_admin_redeliver =
	ENDPOINT(admin_redeliver, admin_redeliver_fields);
