/*
 * Client API v2 (seed "Two-Way SMS"), for client systems with an API key.
 *
 * GET /api/v2/sms/inbox?limit&after&from
 *   The key's client's inbound messages.  Without `after`: the newest
 *   first.  With after=<msg id> (msg_0: from the start): the messages
 *   after it, oldest first, with no gaps even while messages arrive (a
 *   message joins this feed about a second after it arrived).  `next` is
 *   the cursor to poll with next (in a newest-first page: the newest
 *   message that has settled; null if none has).
 *   200 {status:"success", count, messages:[{id, timestamp, from, to,
 *   message, provider, usemodem, port, isRegistered}], next}.  Each message
 *   is exactly what a push delivers as data.
 *
 * POST /api/v2/sms/sendsingle {to, message, usemodem, port}
 *   Through Extreme v2 on that modem and port, which must be one of the
 *   client's routes (403 route_not_owned otherwise).  200 {status:"sent",
 *   messageId, to, providerMessageId, segments, encoding}; 503
 *   upstream_error with Extreme's message (recorded failed).  Honours
 *   Idempotency-Key.
 *
 *   With Prefer: respond-async, or when the dispatcher has not sent it
 *   within [upstream] sync_wait_s: 202 with the message object.
 *
 * POST /api/v2/sms/send {to, message, from?}  (Idempotency-Key honoured)
 *   Queue an SMS to any E.164 number: by `from` (one of the client's route
 *   numbers, else 403 route_not_owned), else the way `to` last wrote in
 *   (the conversation's provider and number, or modem and port), else the
 *   client's first route (422 no_route when it has none).  202 with the
 *   message object (svc/views.h views_message), status queued.
 *
 * GET /api/v2/sms/messages/{id}   the message object (404 for another
 *   client's or none).
 * GET /api/v2/sms/outbox?status&limit&after   the client's outbound
 *   messages with the inbox's cursor rules (out_<n> cursors, `next`).
 *
 * POST /api/v2/sms/reply is the reply helper shared with the web inbox
 * (ep_conversations.c).
 */
#include "ep/ep_v2_sms.h"

#include <string.h>

#include "db/db.h"
#include "db/db_incoming.h"
#include "db/db_client_routes.h"
#include "ep/ep_common.h"
#include "db/db_outgoing.h"
#include "ep/ep_fields.h"
#include "svc/sms.h"
#include "svc/views.h"

enum { I_LIMIT, I_AFTER, I_FROM };

static const struct field inbox_fields[] = {
	[I_LIMIT] = FIELD_LIMIT(1000),
	[I_AFTER] = FIELD_MSG_CURSOR("after"),
	[I_FROM] = FIELD_PHONE("from", F_QUERY),
};

static enum status inbox(struct req *r)
{
	const struct fval *in = r->in;
	long long after = fields_int_or(&in[I_AFTER], -1), next_id;
	struct incoming *ms;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_incoming_inbox(
		r->db, r->a, r->actor.client_id, after, in[I_FROM].present ? in[I_FROM].s : NULL,
		fields_int_or(&in[I_LIMIT], EP_FIELDS_LIMIT_DEFAULT), &ms, &n, &next_id);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "messages");
	for (i = 0; i < n; i++)
		views_inbound(w, &ms[i]);
	jsonw_arr_end(w);
	/* Where a cursor poll continues: safe by construction (see
	 * db_incoming_inbox); null when nothing has settled yet. */
	views_feed_next(w, "msg_", next_id);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_v2_sms_inbox = ENDPOINT(inbox, inbox_fields);

enum { S_TO, S_MESSAGE, S_MODEM, S_PORT };

static const struct field send_fields[] = {
	[S_TO] = FIELD_PHONE("to", F_REQ),
	[S_MESSAGE] = FIELD_TEXT("message"),
	[S_MODEM] = FIELD_MODEM(F_REQ, NULL),
	[S_PORT] = FIELD_PORT(F_REQ, NULL),
};

static enum status sendsingle(struct req *r)
{
	const struct fval *in = r->in;
	struct send_req rq = {0};
	struct outgoing out;
	struct client_route route;
	enum db_rc rc;
	enum status st;
	char id[32];
	struct jsonw *w = &r->w;

	rc = db_client_routes_by_modem(r->db, r->a, in[S_MODEM].i, in[S_PORT].i, &route);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return req_db_fail(r, rc);
	if (rc == DB_NOTFOUND || route.client_id != r->actor.client_id)
		return req_fail(r, ST_FORBIDDEN, "route_not_owned",
				"That usemodem/port is not one of this client's routes");
	rq.client_id = r->actor.client_id;
	rq.provider = "extreme";
	rq.to = in[S_TO].s;
	rq.usemodem = in[S_MODEM].i;
	rq.port = in[S_PORT].i;
	rq.from = route.number;
	rq.body = in[S_MESSAGE].s;
	rq.body_len = in[S_MESSAGE].len;
	ep_common_sender(r, &rq);
	st = ep_common_send(r, &rq, &out, id, sizeof(id), NULL);
	if (st != ST_OK)
		return st;
	jsonw_obj(w);
	jsonw_kstr(w, "status", "sent");
	jsonw_kstr(w, "messageId", id);
	jsonw_kstr(w, "to", rq.to);
	jsonw_kstr(w, "providerMessageId", out.provider_message_id);
	jsonw_kint(w, "segments", out.segments);
	jsonw_kstr(w, "encoding", out.encoding);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_v2_sms_sendsingle = ENDPOINT(sendsingle, send_fields);

/* --- asynchronous sends and the outbox ------------------------------------ */

enum { Q_TO, Q_MESSAGE, Q_FROM };

static const struct field queue_fields[] = {
	[Q_TO] = FIELD_PHONE("to", F_REQ),
	[Q_MESSAGE] = FIELD_TEXT("message"),
	[Q_FROM] = FIELD_PHONE("from", 0),
};

/* rq's route: the client's route numbered `from`, else the conversation's,
 * else the client's first.  ST_OK, or the error. */
static enum status route_for(struct req *r, const char *from, struct send_req *rq)
{
	struct client_route *routes, *pick = NULL;
	size_t n, i;
	enum db_rc rc;

	if (from == NULL) {
		rc = outbound_reply_route(r->db, r->a, r->actor.client_id, rq->to, rq);
		if (rc == DB_OK)
			return ST_OK;
		if (rc != DB_NOTFOUND)
			return req_db_fail(r, rc);
		rq->in_reply_to = 0;
	}
	rc = db_client_routes_list(r->db, r->a, r->actor.client_id, &routes, &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	for (i = 0; i < n && pick == NULL; i++)
		if (from == NULL ||
		    (routes[i].number != NULL && strcmp(routes[i].number, from) == 0))
			pick = &routes[i];
	if (pick == NULL && from != NULL)
		return req_fail(r, ST_FORBIDDEN, "route_not_owned",
				"from is not one of this client's numbers");
	if (pick == NULL)
		return req_fail(r, ST_UNPROCESSABLE, "no_route",
				"This client has no route to send by");
	rq->provider = pick->provider;
	rq->from = pick->number;
	rq->usemodem = pick->usemodem;
	rq->port = pick->port;
	return ST_OK;
}

static enum status queue_send(struct req *r)
{
	const struct fval *in = r->in;
	struct send_req rq = {0};
	struct outgoing m;
	enum status st;
	enum db_rc rc;

	rq.client_id = r->actor.client_id;
	rq.to = in[Q_TO].s;
	rq.body = in[Q_MESSAGE].s;
	rq.body_len = in[Q_MESSAGE].len;
	rq.usemodem = rq.port = -1;
	st = route_for(r, in[Q_FROM].present ? in[Q_FROM].s : NULL, &rq);
	if (st != ST_OK)
		return st;
	ep_common_sender(r, &rq);
	rc = outbound_queue(r->db, r->a, &rq, 0, &m);
	if (rc != DB_OK)
		return ep_common_queue_fail(r, rc, rq.to);
	rc = db_outgoing_get(r->db, r->a, rq.client_id, m.id, &m);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return ep_common_message(r, &m, ST_ACCEPTED);
}

const struct endpoint ep_v2_sms_send = ENDPOINT(queue_send, queue_fields);

enum { M_ID };

static const struct field message_fields[] = {
	[M_ID] = {.name = "id",
		  .type = FT_ID,
		  .flags = F_PATH | F_REQ,
		  .prefix = "out_",
		  .min = 1,
		  .status = ST_NOT_FOUND,
		  .code = "message_not_found",
		  .message = "No such message"},
};

static enum status message_get(struct req *r)
{
	struct outgoing m;
	enum db_rc rc = db_outgoing_get(r->db, r->a, r->actor.client_id, r->in[M_ID].i, &m);

	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "message_not_found", "No such message");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return ep_common_message(r, &m, ST_OK);
}

const struct endpoint ep_v2_sms_message = ENDPOINT(message_get, message_fields);

enum { O_LIMIT, O_AFTER, O_STATUS };

static const struct field outbox_fields[] = {
	[O_LIMIT] = FIELD_LIMIT(1000),
	[O_AFTER] = FIELD_ID_CURSOR("after", "out_"),
	[O_STATUS] = {.name = "status",
		      .type = FT_ENUM,
		      .flags = F_QUERY,
		      .choices = ep_fields_out_status,
		      .message = "status must be queued, sent, delivered, undelivered or failed"},
};

static enum status outbox(struct req *r)
{
	const struct fval *in = r->in;
	long long next_id;
	struct outgoing *ms;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_outgoing_outbox(r->db, r->a, r->actor.client_id, fields_int_or(&in[O_AFTER], -1),
				in[O_STATUS].present ? ep_fields_out_status[in[O_STATUS].i] : NULL,
				fields_int_or(&in[O_LIMIT], EP_FIELDS_LIMIT_DEFAULT), &ms, &n,
				&next_id);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "messages");
	for (i = 0; i < n; i++)
		views_message(w, &ms[i], ms[i].history, ms[i].nhistory);
	jsonw_arr_end(w);
	views_feed_next(w, "out_", next_id);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_v2_sms_outbox = ENDPOINT(outbox, outbox_fields);
