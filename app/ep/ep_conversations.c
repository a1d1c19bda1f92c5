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
 *   Replies the way the conversation came in: ep_sms_reply.
 */
#include "ep/ep_conversations.h"

#include <string.h>

#include "db/db.h"
#include "db/db_conversations.h"
#include "db/db_incoming.h"
#include "ep/ep_common.h"
#include "svc/sms.h"
#include "svc/views.h"

static const struct field inbox_fields[] = {
	{"limit", FT_INT, F_QUERY, 1, 1000, NULL, "invalid_request",
	 "limit must be an integer from 1 to 1000"},
};

static enum status inbox(struct req *r)
{
	struct conversation *cs;
	size_t i, n;
	enum db_rc rc;
	struct jw *w = &r->w;

	rc = db_inbox_conversations(r->db, r->a, r->actor.client_id,
				    r->in[0].present ? r->in[0].i : LIST_LIMIT_DEFAULT, &cs, &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	view_list_open(w, n, "conversations");
	for (i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "phoneNumber", cs[i].phone);
		jw_key(w, "lastMessage");
		jw_obj(w);
		jw_kstr(w, "direction", cs[i].direction);
		jw_kstrn(w, "message", cs[i].last_body, cs[i].last_len);
		view_time(w, "timestamp", cs[i].last_at);
		jw_kstr(w, "provider", cs[i].provider);
		jw_obj_end(w);
		jw_kint(w, "unread", cs[i].unread);
		jw_kint(w, "messages", cs[i].messages);
		view_time(w, "lastActivity", cs[i].last_at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_web_inbox = ENDPOINT(inbox, inbox_fields);

static enum status thread(struct req *r)
{
	const char *phone = r->params[0];
	struct thread_msg *ms;
	size_t i, n;
	enum db_rc rc;
	struct jw *w = &r->w;
	char id[32];

	if (!sms_e164(phone, strlen(phone)))
		return req_fail(r, ST_BAD_REQUEST, "invalid_phone_number",
				"Phone number must be in E.164 format (+1234567890)");
	rc = db_inbox_thread(r->db, r->a, r->actor.client_id, phone,
			     r->in[0].present ? r->in[0].i : LIST_LIMIT_DEFAULT, &ms, &n);
	if (rc == DB_OK)
		rc = db_incoming_mark_read(r->db, r->a, r->actor.client_id, phone);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jw_obj(w);
	jw_kstr(w, "status", "success");
	jw_kstr(w, "phoneNumber", phone);
	jw_kint(w, "count", (long long)n);
	jw_key(w, "messages");
	jw_arr(w);
	for (i = 0; i < n; i++) {
		bool in = strcmp(ms[i].direction, "in") == 0;
		view_msg_id(id, sizeof(id), in ? "msg_" : "out_", ms[i].id);
		jw_obj(w);
		jw_kstr(w, "id", id);
		jw_kstr(w, "direction", ms[i].direction);
		jw_kstrn(w, "message", ms[i].body, ms[i].len);
		view_time(w, "timestamp", ms[i].at);
		jw_kstr(w, "status", ms[i].status);
		jw_kstr(w, "provider", ms[i].provider);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_web_thread = ENDPOINT(thread, inbox_fields);

static enum status send_reply(struct req *r, const char *to, const char *body, size_t len)
{
	struct send_req rq = {0};
	struct send_out out;
	enum db_rc rc;
	enum status st;
	char id[32], reply[32];
	bool twilio;
	struct jw *w = &r->w;

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
	ep_sender(r, &rq);
	st = ep_send(r, &rq, &out, id, sizeof(id), "Failed to send SMS");
	if (st != ST_OK)
		return st;
	view_msg_id(reply, sizeof(reply), "msg_", rq.in_reply_to);
	jw_obj(w);
	jw_kstr(w, "status", "sent");
	jw_kstr(w, "messageId", id);
	jw_kstr(w, "to", to);
	jw_kstr(w, "provider", rq.provider);
	jw_kstr(w, "providerMessageId", out.provider_id);
	jw_kstr(w, "from", twilio ? rq.from : NULL);
	view_kint_or_null(w, "usemodem", rq.usemodem);
	view_kint_or_null(w, "port", rq.port);
	jw_kstr(w, "inReplyTo", reply);
	jw_kint(w, "segments", out.parts.segments);
	jw_kstr(w, "encoding", sms_encoding_name(out.parts.encoding));
	jw_kstr(w, "timestamp", out.sent_at);
	jw_obj_end(w);
	return ST_OK;
}

enum { R_TO, R_MESSAGE };

static const struct field reply_fields[] = {
	[R_TO] = {"to", FT_STR, F_REQ, 0, 0, sms_e164, "invalid_phone_number",
		  "to must be in E.164 format (+1234567890)"},
	[R_MESSAGE] = {"message", FT_STR, F_REQ, 1, 1600, NULL, "invalid_message",
		       "message must be 1 to 1600 characters"},
};

static enum status reply(struct req *r)
{
	return send_reply(r, r->in[R_TO].s, r->in[R_MESSAGE].s, r->in[R_MESSAGE].len);
}

const struct endpoint ep_sms_reply = ENDPOINT(reply, reply_fields);
