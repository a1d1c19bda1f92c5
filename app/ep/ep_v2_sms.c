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
 * POST /api/v2/sms/reply is the reply helper shared with the web inbox
 * (ep_web.c).
 */
#include "ep/ep_v2_sms.h"

#include <string.h>

#include "db/db.h"
#include "db/db_incoming.h"
#include "db/db_client_routes.h"
#include "ep/ep_common.h"
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
	char next[32];

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
	jsonw_key(w, "next");
	if (next_id >= 0) {
		views_msg_id(next, sizeof(next), "msg_", next_id);
		jsonw_str(w, next);
	} else {
		jsonw_null(w);
	}
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
	struct send_out out;
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
	jsonw_kstr(w, "providerMessageId", out.up.id);
	jsonw_kint(w, "segments", out.parts.segments);
	jsonw_kstr(w, "encoding", sms_encoding_name(out.parts.encoding));
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_v2_sms_sendsingle = ENDPOINT(sendsingle, send_fields);
