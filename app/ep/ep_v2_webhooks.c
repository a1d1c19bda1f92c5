/*
 * A client system's own webhook (API key).
 *
 * POST /api/v2/webhooks/register {url, secret?}
 *   The URL rules of DESIGN "Webhook destinations" (400
 *   invalid_webhook_url with the reason); a secret of 16 to 128 printable
 *   characters (400 invalid_webhook_secret), or one generated and returned
 *   once.  200 {clientId, url, configured, secretSet, secret?,
 *   deliveryMode}.  Whether pushes are sent is the admin's delivery mode.
 *
 * GET /api/v2/webhooks/status
 *   200 {url, mode, configured, secretSet, pending, dead, delivered,
 *   endpointDisabled, lastDelivery:{at, httpStatus, ok, error}|null}.
 *   Never the secret.
 */
#include "ep/ep_v2_webhooks.h"

#include "db/db.h"
#include "db/db_clients.h"
#include "db/db_outbox.h"
#include "svc/views.h"
#include "ep/ep_common.h"
#include "ep/ep_fields.h"

enum { W_URL, W_SECRET, W_EVENTS };

static const struct field register_fields[] = {
	[W_URL] = {.name = "url", .type = FT_STR, .flags = F_REQ},
	[W_SECRET] = {.name = "secret", .type = FT_STR, .flags = F_NULL},
	[W_EVENTS] = FIELD_EVENTS,
};

static enum status register_hook(struct req *r)
{
	return ep_common_webhook_set(r, r->actor.client_id, &r->in[W_URL], &r->in[W_SECRET],
				     &r->in[W_EVENTS], false);
}

const struct endpoint ep_v2_webhooks_register = ENDPOINT(register_hook, register_fields);

static enum status status(struct req *r)
{
	struct client c;
	struct outbox_summary s;
	enum db_rc rc;
	bool configured;
	struct jsonw *w = &r->w;

	rc = db_clients_get(r->db, r->a, r->actor.client_id, &c);
	if (rc == DB_OK)
		rc = db_outbox_summary(r->db, r->a, c.id, &s);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	configured = c.webhook_url != NULL && *c.webhook_url != '\0';
	jsonw_obj(w);
	jsonw_kstr(w, "url", configured ? c.webhook_url : NULL);
	jsonw_kstr(w, "mode", c.mode);
	jsonw_kbool(w, "configured", configured);
	jsonw_kbool(w, "secretSet", c.webhook_secret != NULL && *c.webhook_secret != '\0');
	views_events(w, c.webhook_events);
	views_delivery_health_members(w, &s, c.webhook_disabled);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_v2_webhooks_status = ENDPOINT_NOFIELDS(status);
