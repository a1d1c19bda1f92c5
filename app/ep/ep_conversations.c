/*
 * Web inbox (operators; admins with X-Ibiki-Client).
 *
 * GET /api/web/inbox?limit
 *   200 {status:"success", count, conversations:[{phoneNumber,
 *   lastMessage:{direction, message, timestamp, provider}, unread,
 *   messages, lastActivity}]}, most recent activity first.
 * GET /api/web/inbox/{phoneNumber}?limit
 *   200 {status:"success", phoneNumber, count, messages:[{id, direction,
 *   message, timestamp, status, provider}]} oldest first; marks the
 *   conversation's inbound messages read.
 * POST /api/web/inbox/reply {to, message}, and POST /api/v2/sms/reply
 *   Replies the way the conversation came in: ep_conversations_reply.
 */
#include "ep/ep_conversations.h"

#include <string.h>

#include "db/db.h"
#include "db/db_conversations.h"
#include "db/db_incoming.h"
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/sms.h"
#include "svc/views.h"

static const struct field list_fields[] = {FIELD_LIMIT(1000)};

static enum status inbox(struct req *r)
{
	struct conversation *cs;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_conversations_list(r->db, r->a, r->actor.client_id,
				   fields_int_or(&r->in[0], EP_FIELDS_LIMIT_DEFAULT), &cs, &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "conversations");
	for (i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "phoneNumber", cs[i].phone);
		jsonw_key(w, "lastMessage");
		jsonw_obj(w);
		jsonw_kstr(w, "direction", cs[i].direction);
		jsonw_kstrn(w, "message", cs[i].last_body, cs[i].last_len);
		views_time(w, "timestamp", cs[i].last_at);
		jsonw_kstr(w, "provider", cs[i].provider);
		jsonw_obj_end(w);
		jsonw_kint(w, "unread", cs[i].unread);
		jsonw_kint(w, "messages", cs[i].messages);
		views_time(w, "lastActivity", cs[i].last_at);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_conversations_list = ENDPOINT(inbox, list_fields);

enum { T_LIMIT, T_PHONE };

static const struct field thread_fields[] = {
	[T_LIMIT] = FIELD_LIMIT(1000),
	[T_PHONE] = FIELD_PHONE_NUMBER(F_PATH | F_REQ),
};

static enum status thread(struct req *r)
{
	const char *phone = r->in[T_PHONE].s;
	struct thread_msg *ms;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;
	char id[32];

	rc = db_conversations_thread(r->db, r->a, r->actor.client_id, phone,
				     fields_int_or(&r->in[T_LIMIT], EP_FIELDS_LIMIT_DEFAULT), &ms,
				     &n);
	if (rc == DB_OK)
		rc = db_incoming_mark_read(r->db, r->a, r->actor.client_id, phone);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "success");
	jsonw_kstr(w, "phoneNumber", phone);
	jsonw_kint(w, "count", (long long)n);
	jsonw_key(w, "messages");
	jsonw_arr(w);
	for (i = 0; i < n; i++) {
		bool in = strcmp(ms[i].direction, "in") == 0;
		views_msg_id(id, sizeof(id), in ? "msg_" : "out_", ms[i].id);
		jsonw_obj(w);
		jsonw_kstr(w, "id", id);
		jsonw_kstr(w, "direction", ms[i].direction);
		jsonw_kstrn(w, "message", ms[i].body, ms[i].len);
		views_time(w, "timestamp", ms[i].at);
		jsonw_kstr(w, "status", ms[i].status);
		jsonw_kstr(w, "provider", ms[i].provider);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_conversations_thread = ENDPOINT(thread, thread_fields);

static enum status send_reply(struct req *r, const char *to, const char *body, size_t len)
{
	struct send_req rq = {0};
	struct outgoing out;
	enum db_rc rc;
	enum status st;
	char id[32], reply[32];
	bool twilio;
	struct jsonw *w = &r->w;

	rc = outbound_reply_route(r->db, r->a, r->actor.client_id, to, &rq);
	if (rc == DB_NOTFOUND)
		return req_failf(r, ST_NOT_FOUND, "no_conversation",
				 "No inbound message from %s for this client", to);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	twilio = strcmp(rq.provider, "twilio") == 0;
	rq.client_id = r->actor.client_id;
	rq.to = to;
	rq.body = body;
	rq.body_len = len;
	ep_common_sender(r, &rq);
	st = ep_common_send(r, &rq, &out, id, sizeof(id), "Failed to send SMS");
	if (st != ST_OK)
		return st;
	views_msg_id(reply, sizeof(reply), "msg_", rq.in_reply_to);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "sent");
	jsonw_kstr(w, "messageId", id);
	jsonw_kstr(w, "to", to);
	jsonw_kstr(w, "provider", rq.provider);
	jsonw_kstr(w, "providerMessageId", out.provider_message_id);
	jsonw_kstr(w, "from", twilio ? rq.from : NULL);
	views_kint_or_null(w, "usemodem", rq.usemodem);
	views_kint_or_null(w, "port", rq.port);
	jsonw_kstr(w, "inReplyTo", reply);
	jsonw_kint(w, "segments", out.segments);
	jsonw_kstr(w, "encoding", out.encoding);
	views_time(w, "timestamp", out.sent_at);
	jsonw_obj_end(w);
	return ST_OK;
}

enum { R_TO, R_MESSAGE };

static const struct field reply_fields[] = {
	[R_TO] = FIELD_PHONE("to", F_REQ),
	[R_MESSAGE] = FIELD_TEXT("message"),
};

static enum status reply(struct req *r)
{
	return send_reply(r, r->in[R_TO].s, r->in[R_MESSAGE].s, r->in[R_MESSAGE].len);
}

const struct endpoint ep_conversations_reply = ENDPOINT(reply, reply_fields);
