/*
 * Helpers several endpoint families share: loading the client of an admin
 * path, the spool fallback of provider webhooks, who a send is from,
 * sending on behalf of the caller (with the seed's error answers), and
 * registering a client's webhook.
 */
#include "ep/ep_common.h"

#include <string.h>

#include "db/db_clients.h"
#include "db/db_outbox.h"
#include "db/db_outgoing.h"
#include "ep/ep_fields.h"
#include "lib/metrics.h"
#include "lib/log.h"
#include "lib/netcheck.h"
#include "svc/spool.h"
#include "svc/views.h"
#include "svc/webhooks.h"

enum status ep_common_client(struct req *r, long long id, struct client *c)
{
	enum db_rc rc = db_clients_get(r->db, r->a, id, c);

	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return ST_OK;
}

enum status ep_common_spool(struct req *r, const char *kind)
{
	/* A replayed file stays in the spool; the import tries it again later. */
	if (r->from_spool)
		return req_fail(r, ST_UNAVAILABLE, "database_unavailable", "Database unavailable");
	if (spool_write(r->cfg->server.spool_dir, kind, r->body ? r->body : "", r->body_len) < 0) {
		log_msg(LOG_ERROR, "spool", "cannot store or spool a %s webhook", kind);
		return req_fail(r, ST_UNAVAILABLE, "unavailable",
				"Cannot store the message now; retry later");
	}
	log_msg(LOG_WARN, "spool", "database unavailable: %s webhook spooled", kind);
	metrics_event(METRICS_INBOUND_SPOOLED);
	return ST_OK;
}

void ep_common_sender(const struct req *r, struct send_req *rq)
{
	if (r->actor.kind == ACTOR_KEY) {
		rq->sent_by = "key";
		rq->api_key_id = r->actor.key_id;
	} else {
		rq->sent_by = r->actor.kind == ACTOR_ADMIN ? "admin" : "operator";
		rq->operator_id = r->actor.name;
		rq->operator_name = r->actor.display_name;
	}
}

enum status ep_common_message(struct req *r, const struct outgoing *m, enum status st)
{
	views_message(&r->w, m, m->history, m->nhistory);
	return st;
}

enum status ep_common_send(struct req *r, const struct send_req *rq, struct outgoing *out, char *id,
			   size_t idlen, const char *message)
{
	long wait_ms = r->cfg->upstream.sync_wait_s * 1000L;
	enum db_rc rc = outbound_queue(r->db, r->a, rq, 0, out);

	if (rc != DB_OK)
		return ep_common_queue_fail(r, rc, rq->to);
	views_msg_id(id, idlen, "out_", out->id);
	/* Queued: the dispatcher sends it.  Wait for its outcome unless the
	 * caller prefers not to; past sync_wait_s the answer is 202 too. */
	rc = outbound_wait(r->db, r->a, rq->client_id, out->id, req_prefers_async(r) ? 0 : wait_ms,
			   out);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (strcmp(out->status, "queued") == 0)
		return ep_common_message(r, out, ST_ACCEPTED);
	if (strcmp(out->status, "failed") != 0)
		return ST_OK;
	r->err.details = out->error_message;
	req_err_member(r, "messageId", arena_strdup(r->a, id));
	if (message == NULL)
		message = out->error_message != NULL ? out->error_message
						     : "The provider did not accept the message";
	return req_fail(r, ST_UNAVAILABLE,
			strcmp(rq->provider, "twilio") == 0 ? "twilio_error" : "upstream_error",
			message);
}

enum status ep_common_queue_fail(struct req *r, enum db_rc rc, const char *to)
{
	if (rc == DB_REFUSED)
		return req_failf(r, ST_FORBIDDEN, "recipient_opted_out",
				 "%s has opted out (STOP); nothing was sent. They can text START "
				 "to receive messages again.",
				 to);
	return req_db_fail(r, rc);
}

/* The SET value of events' bits, or NULL (keep). */
static const char *events_text(struct req *r, const struct fval *events)
{
	const char *out = "";
	int e;

	if (events == NULL || !events->present)
		return NULL;
	for (e = 0; e < EP_EVENT__MAX; e++)
		if (events->i & (1LL << e))
			out = arena_printf(r->a, "%s%s%s", out, *out ? "," : "",
					   ep_fields_events[e]);
	return out;
}

enum status ep_common_webhook_set(struct req *r, long long client_id, const struct fval *url,
				  const struct fval *secret, const struct fval *events, bool rotate)
{
	const char *ev = events_text(r, events);
	char generated[WEBHOOKS_SECRET_GEN_LEN + 1];
	const char *new_secret = NULL, *reason, *new_url;
	struct netcheck_url u;
	size_t new_url_len;
	struct client c;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_clients_get(r->db, r->a, client_id, &c);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (url != NULL && url->present) {
		new_url = url->s;
		new_url_len = url->len;
	} else if (c.webhook_url != NULL) {
		new_url = c.webhook_url;
		new_url_len = strlen(c.webhook_url);
	} else {
		return req_fail(r, ST_BAD_REQUEST, "invalid_webhook_url",
				"Missing required field: url");
	}
	reason = netcheck_url(new_url, new_url_len, r->cfg->push.allow_loopback, &u);
	if (reason == NULL && !u.host_is_ip)
		reason = netcheck_resolve(u.host, r->cfg->push.allow_loopback, 2);
	if (reason != NULL)
		return req_failf(r, ST_BAD_REQUEST, "invalid_webhook_url",
				 "Webhook URL refused: %s", reason);
	if (secret != NULL && secret->present) {
		if (rotate)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"Give either secret or rotateSecret, not both");
		if (!webhooks_secret_ok(secret->s, secret->len))
			return req_fail(
				r, ST_BAD_REQUEST, "invalid_webhook_secret",
				"secret must be 16 to 128 printable characters without spaces");
		new_secret = arena_strndup(r->a, secret->s, secret->len);
	} else if (rotate || c.webhook_secret == NULL || *c.webhook_secret == '\0') {
		webhooks_new_secret(generated);
		new_secret = generated;
	}
	rc = db_clients_set_webhook(r->db, r->a, client_id, new_url, new_url_len, new_secret, ev);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	/* Registering again lifts a 410's hold: held deliveries go out now. */
	if (rc == DB_OK)
		rc = db_outbox_reactivate(r->db, client_id);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "clientId", client_id);
	jsonw_kstrn(w, "url", new_url, new_url_len);
	jsonw_kbool(w, "configured", true);
	jsonw_kbool(w, "secretSet", true);
	/* Shown once: only a secret we made. */
	if (new_secret == generated)
		jsonw_kstr(w, "secret", generated);
	jsonw_kstr(w, "deliveryMode", c.mode);
	views_events(w, ev != NULL ? ev : c.webhook_events);
	jsonw_obj_end(w);
	return ST_OK;
}
