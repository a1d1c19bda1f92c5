/*
 * Web inbox (operators; admins with X-Ibiki-Client).
 *
 * GET /api/web/inbox?limit
 *   200 {status:"success", count, conversations:[{phoneNumber,
 *   lastMessage:{direction, message, timestamp, provider}, unread,
 *   messages, lastActivity, optedOut}]}, most recent activity first.
 * GET /api/web/inbox/{phoneNumber}?limit&before
 *   200 {status:"success", phoneNumber, optedOut, optOut, count,
 *   messages:[{id, direction, message, timestamp, status, provider,
 *   keyword, media}], next} oldest first: the newest
 *   `limit` messages (before the message `before`, msg_<n> or out_<n>);
 *   next is the `before` of the older page, null at the oldest.  The first
 *   page marks the conversation's inbound messages read.  Reads the
 *   conversations summary and one page of each direction: its cost does
 *   not grow with the client's history.
 * POST /api/web/inbox/reply {to, message}, and POST /api/v2/sms/reply
 *   Replies the way the conversation came in: ep_conversations_reply.
 */
#include "ep/ep_conversations.h"

#include <string.h>

#include "db/db.h"
#include "db/db_conversations.h"
#include "db/db_incoming.h"
#include "db/db_optouts.h"
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
		jsonw_kbool(w, "optedOut", cs[i].opted_out);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_conversations_list = ENDPOINT(inbox, list_fields);

enum { T_LIMIT, T_PHONE, T_BEFORE };

/* A thread cursor: a message id of the thread, msg_<n> or out_<n>. */
static bool thread_cursor_parse(const char *s, size_t len, struct thread_cursor *c)
{
	long long v = 0;
	size_t i;

	if (len < 5 || len > 4 + 19 || (strncmp(s, "msg_", 4) != 0 && strncmp(s, "out_", 4) != 0))
		return false;
	for (i = 4; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (0x7fffffffffffffffLL - 9) / 10)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (c != NULL) {
		c->id = v;
		c->out = s[0] == 'o';
	}
	return true;
}

static bool thread_cursor_ok(const char *s, size_t len)
{
	return thread_cursor_parse(s, len, NULL);
}

static const struct field thread_fields[] = {
	[T_LIMIT] = FIELD_LIMIT(1000),
	[T_PHONE] = FIELD_PHONE_NUMBER(F_PATH | F_REQ),
	[T_BEFORE] = {.name = "before",
		      .type = FT_STR,
		      .flags = F_QUERY,
		      .valid = thread_cursor_ok,
		      .message = "before must be a message id of this thread (msg_<n> or out_<n>)"},
};

/* A thread message's id: msg_<n> inbound, out_<n> outbound. */
static void thread_id(char *buf, size_t len, const struct thread_msg *m)
{
	views_msg_id(buf, len, strcmp(m->direction, "in") == 0 ? "msg_" : "out_", m->id);
}

static enum status thread(struct req *r)
{
	const char *phone = r->in[T_PHONE].s;
	long long limit = fields_int_or(&r->in[T_LIMIT], EP_FIELDS_LIMIT_DEFAULT);
	struct thread_cursor before, *bp = NULL;
	struct optout state, *sp = &state;
	struct thread_msg *ms;
	size_t i, n;
	bool more = false;
	enum db_rc rc;
	struct jsonw *w = &r->w;
	char id[32];

	if (r->in[T_BEFORE].present) {
		thread_cursor_parse(r->in[T_BEFORE].s, r->in[T_BEFORE].len, &before);
		bp = &before;
	}
	rc = db_conversations_thread(r->db, r->a, r->actor.client_id, phone, bp, limit, &ms, &n,
				     &more);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_BAD_REQUEST, "invalid_cursor",
				"before is not a message of this conversation");
	if (rc == DB_OK && bp == NULL)
		rc = db_incoming_mark_read(r->db, r->a, r->actor.client_id, phone);
	if (rc == DB_OK &&
	    (rc = db_optouts_get(r->db, r->a, r->actor.client_id, phone, sp)) == DB_NOTFOUND) {
		sp = NULL;
		rc = DB_OK;
	}
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "success");
	jsonw_kstr(w, "phoneNumber", phone);
	views_optout_members(w, sp);
	jsonw_kint(w, "count", (long long)n);
	jsonw_key(w, "messages");
	jsonw_arr(w);
	/* Newest first from the database, oldest first in the answer. */
	for (i = n; i-- > 0;) {
		thread_id(id, sizeof(id), &ms[i]);
		jsonw_obj(w);
		jsonw_kstr(w, "id", id);
		jsonw_kstr(w, "direction", ms[i].direction);
		jsonw_kstrn(w, "message", ms[i].body, ms[i].len);
		views_time(w, "timestamp", ms[i].at);
		jsonw_kstr(w, "status", ms[i].status);
		jsonw_kstr(w, "provider", ms[i].provider);
		views_keyword_media(w, ms[i].keyword, ms[i].media);
		jsonw_obj_end(w);
	}
	jsonw_arr_end(w);
	/* The older page: before the oldest message shown, when there is one. */
	if (more && n > 0) {
		thread_id(id, sizeof(id), &ms[n - 1]);
		jsonw_kstr(w, "next", id);
	} else {
		jsonw_knull(w, "next");
	}
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
