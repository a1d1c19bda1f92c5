/*
 * The send path: record the message queued (with its segments and
 * encoding), hand it to the provider client, record the outcome.  Records
 * go through db/db_outgoing.c; a failure to record an outcome is logged,
 * never returned, because the provider has already acted.
 */
#include "svc/outbound.h"

#include <string.h>

#include "db/db_incoming.h"
#include "db/db_outgoing.h"
#include "lib/log.h"
#include "lib/timeutil.h"

void outbound_msg(const struct send_req *rq, struct upstream_msg *msg)
{
	msg->provider = upstream_provider_of(rq->provider);
	msg->to = rq->to;
	msg->from = rq->from;
	msg->usemodem = rq->usemodem;
	msg->port = rq->port;
	msg->body = rq->body;
	msg->body_len = rq->body_len;
}

void outbound_record(struct db *db, struct arena *a, const struct send_req *rq,
		     struct send_out *out)
{
	struct outgoing m = {0};

	memset(out, 0, sizeof(*out));
	sms_count(rq->body, rq->body_len, &out->parts);
	m.client_id = rq->client_id;
	m.provider = rq->provider;
	m.to = rq->to;
	m.from = rq->from;
	m.usemodem = rq->usemodem;
	m.port = rq->port;
	m.body = rq->body;
	m.body_len = rq->body_len;
	m.segments = out->parts.segments;
	m.encoding = sms_encoding_name(out->parts.encoding);
	m.sent_by = rq->sent_by;
	m.operator_id = rq->operator_id;
	m.operator_name = rq->operator_name;
	m.api_key_id = rq->api_key_id;
	m.in_reply_to = rq->in_reply_to;
	out->db_rc = db_outgoing_insert(db, a, &m, &out->id);
	out->recorded = out->db_rc == DB_OK;
}

void outbound_settle(struct db *db, struct arena *a, long long id,
		     const struct upstream_outcome *up, const char **sent_at)
{
	char iso[32];

	if (up->result == UPSTREAM_SENT) {
		if (db_outgoing_mark_sent(db, a, id, up->id) != DB_OK)
			log_msg(LOG_ERROR, "outbound",
				"out_%lld was sent (%s) but is not recorded so", id, up->id);
		timeutil_iso_now(iso, sizeof(iso));
		if (sent_at != NULL)
			*sent_at = arena_strdup(a, iso);
		return;
	}
	if (db_outgoing_mark_failed(db, a, id, up->code, up->message) != DB_OK)
		log_msg(LOG_ERROR, "outbound", "out_%lld failed but is not recorded so", id);
}

void outbound_send(const struct config *cfg, struct db *db, struct httpc *h, struct arena *a,
		   const struct send_req *rq, struct send_out *out)
{
	struct upstream_msg msg;

	outbound_record(db, a, rq, out);
	if (!out->recorded)
		return;
	outbound_msg(rq, &msg);
	upstream_send(cfg, h, a, &msg, &out->up);
	outbound_settle(db, a, out->id, &out->up, &out->sent_at);
}

enum db_rc outbound_reply_route(struct db *db, struct arena *a, long long client_id, const char *to,
				struct send_req *rq)
{
	struct incoming last;
	enum db_rc rc = db_incoming_last_from(db, a, client_id, to, &last);

	if (rc != DB_OK)
		return rc;
	rq->provider = last.provider;
	rq->in_reply_to = last.id;
	if (strcmp(last.provider, "twilio") == 0) {
		rq->from = last.to; /* the number that was texted */
		rq->usemodem = rq->port = -1;
	} else {
		rq->from = NULL;
		rq->usemodem = last.usemodem;
		rq->port = last.port;
	}
	return DB_OK;
}
