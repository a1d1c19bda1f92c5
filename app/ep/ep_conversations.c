/*
 * Web inbox (operators; admins with X-Ibiki-Client).
 *
 * GET /api/web/inbox?limit&before&q
 *   200 {status:"success", count, conversations:[{phoneNumber, name,
 *   registered, userStatus, lastMessage:{direction, message, timestamp,
 *   provider}, unread, messages, lastActivity, optedOut}], next, unread:
 *   {conversations, messages, capped}}, most recent activity first; next is
 *   the `before` of the older page (opaque), null at the oldest; unread
 *   counts all the client's conversations, up to 1,000 of them (capped:
 *   more, and the counts are of the first 1,001).  q searches instead: a number prefix
 *   ("+1202" or "1202") in number order, else a registered user's name
 *   prefix in name order; at most `limit` matches, next null.
 * GET /api/web/inbox/{phoneNumber}?limit&before
 *   200 {status:"success", phoneNumber, name, registered, userStatus,
 *   optedOut, optOut, canReply, replyBlocked, count, messages:[{id,
 *   direction, message, timestamp, status, provider, keyword, media}],
 *   next} oldest first: the newest
 *   `limit` messages (before the message `before`, msg_<n> or out_<n>);
 *   next is the `before` of the older page, null at the oldest.  The first
 *   page marks the conversation's inbound messages read.  Reads the
 *   conversations summary and one page of each direction: its cost does
 *   not grow with the client's history.  replyBlocked is null or {code,
 *   message} when a reply cannot succeed: recipient_opted_out, or
 *   no_inbound (the number never wrote in; a reply goes back the way a
 *   message came).
 * POST /api/web/inbox/reply {to, message}, and POST /api/v2/sms/reply
 *   Replies the way the conversation came in: ep_conversations_reply.
 */
#include "ep/ep_conversations.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/db_conversations.h"
#include "db/db_incoming.h"
#include "db/db_optouts.h"
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/sms.h"
#include "svc/views.h"

/* A conversation-list cursor: the page's last activity time as 17 digits
 * (YYYYMMDDhhmmssmmm), "_", and its number's bytes in hex (a Twilio From
 * is stored as sent: not always E.164). */
#define CONV_CURSOR_TIME  17
#define CONV_CURSOR_PHONE 32 /* conversations.phone: VARCHAR(32) */

static int two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool conv_cursor_ok(const char *s, size_t len)
{
	size_t i, hex = len - CONV_CURSOR_TIME - 1;

	if (len < CONV_CURSOR_TIME + 3 || hex > 2 * CONV_CURSOR_PHONE || hex % 2 != 0 ||
	    s[CONV_CURSOR_TIME] != '_')
		return false;
	for (i = 0; i < CONV_CURSOR_TIME; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	for (i = CONV_CURSOR_TIME + 1; i < len; i++)
		if (hexval(s[i]) < 0)
			return false;
	/* A time there can be: month, day, hour, minute and second in range. */
	return two(s + 4) >= 1 && two(s + 4) <= 12 && two(s + 6) >= 1 && two(s + 6) <= 31 &&
	       two(s + 8) <= 23 && two(s + 10) <= 59 && two(s + 12) <= 59;
}

/* The cursor of conversation c, on a. */
static const char *conv_cursor_write(struct arena *a, const struct conversation *c)
{
	static const char digits[] = "0123456789abcdef";
	size_t pl = strnlen(c->phone, CONV_CURSOR_PHONE), j = 0, i;
	char *out = arena_alloc(a, CONV_CURSOR_TIME + 2 + 2 * pl);
	const char *p;

	for (p = c->last_at; *p != '\0' && j < CONV_CURSOR_TIME; p++)
		if (*p >= '0' && *p <= '9')
			out[j++] = *p;
	while (j < CONV_CURSOR_TIME) /* a time without milliseconds */
		out[j++] = '0';
	out[j++] = '_';
	for (i = 0; i < pl; i++) {
		out[j++] = digits[(unsigned char)c->phone[i] >> 4];
		out[j++] = digits[(unsigned char)c->phone[i] & 15];
	}
	out[j] = '\0';
	return out;
}

/* A checked cursor back into a time and number. */
static void conv_cursor_read(struct arena *a, const char *s, size_t len, struct conv_cursor *c)
{
	size_t n = (len - CONV_CURSOR_TIME - 1) / 2, i;
	const char *h = s + CONV_CURSOR_TIME + 1;
	char *phone = arena_alloc(a, n + 1);

	c->at = arena_printf(a, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s.%.3s", s, s + 4, s + 6, s + 8,
			     s + 10, s + 12, s + 14);
	for (i = 0; i < n; i++)
		phone[i] = (char)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
	c->phone = phone;
}

/* q is a number prefix when it is digits, after an optional "+";
 * anything else is the start of a name. */
static bool search_is_number(const char *s, size_t len)
{
	size_t i = s[0] == '+';

	if (i == len)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

enum { L_LIMIT, L_BEFORE, L_Q };

static const struct field list_fields[] = {
	[L_LIMIT] = FIELD_LIMIT(1000),
	[L_BEFORE] = {.name = "before",
		      .type = FT_STR,
		      .flags = F_QUERY,
		      .valid = conv_cursor_ok,
		      .message = "before must be the next of a conversation list"},
	[L_Q] = {.name = "q",
		 .type = FT_STR,
		 .flags = F_QUERY,
		 .min = 1,
		 .max = 100,
		 .valid = ep_fields_name_ok,
		 .message = "q must be 1 to 100 characters of text: a number prefix (digits, an"
			    " optional leading +) or a name prefix"},
};

/* The registered user's members: name, registered, userStatus. */
static void peer_members(struct jsonw *w, const char *name, const char *status)
{
	jsonw_kstr(w, "name", name);
	jsonw_kbool(w, "registered", status != NULL);
	jsonw_kstr(w, "userStatus", status);
}

static enum status inbox(struct req *r)
{
	const struct fval *in = r->in;
	struct conv_query q = {.limit = fields_int_or(&in[L_LIMIT], EP_FIELDS_LIMIT_DEFAULT)};
	struct conv_cursor before;
	struct conversation *cs;
	long long unread_convs, unread_msgs;
	size_t i, n;
	bool more;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (in[L_Q].present) {
		const char *s = in[L_Q].s;

		if (search_is_number(s, in[L_Q].len))
			q.q_phone = s[0] == '+' ? s : arena_printf(r->a, "+%s", s);
		else
			q.q_name = s;
	} else if (in[L_BEFORE].present) {
		conv_cursor_read(r->a, in[L_BEFORE].s, in[L_BEFORE].len, &before);
		q.before = &before;
	}
	rc = db_conversations_list(r->db, r->a, r->actor.client_id, &q, &cs, &n, &more);
	if (rc == DB_OK)
		rc = db_conversations_unread(r->db, r->a, r->actor.client_id, &unread_convs,
					     &unread_msgs);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "conversations");
	for (i = 0; i < n; i++) {
		jsonw_obj(w);
		jsonw_kstr(w, "phoneNumber", cs[i].phone);
		peer_members(w, cs[i].user_name, cs[i].user_status);
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
	/* A search is one page: refine it rather than page it. */
	if (more && n > 0 && !in[L_Q].present) {
		jsonw_kstr(w, "next", conv_cursor_write(r->a, &cs[n - 1]));
	} else {
		jsonw_knull(w, "next");
	}
	jsonw_key(w, "unread");
	jsonw_obj(w);
	/* Past DB_UNREAD_MAX conversations: at least so many ("1000+"). */
	jsonw_kint(w, "conversations", unread_convs > DB_UNREAD_MAX ? DB_UNREAD_MAX : unread_convs);
	jsonw_kint(w, "messages", unread_msgs);
	jsonw_kbool(w, "capped", unread_convs > DB_UNREAD_MAX);
	jsonw_obj_end(w);
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

/* canReply and replyBlocked: why a reply from the dashboard cannot
 * succeed, in the words of the error the reply would get. */
static void reply_members(struct jsonw *w, bool opted_out, bool has_inbound)
{
	jsonw_kbool(w, "canReply", !opted_out && has_inbound);
	jsonw_key(w, "replyBlocked");
	if (opted_out) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", "recipient_opted_out");
		jsonw_kstr(w, "message",
			   "This number opted out: replies are refused until it texts "
			   "START");
		jsonw_obj_end(w);
	} else if (!has_inbound) {
		jsonw_obj(w);
		jsonw_kstr(w, "code", "no_inbound");
		jsonw_kstr(w, "message",
			   "This number has never written in, and a reply goes back the "
			   "way a message came: send to a registered user from Send message");
		jsonw_obj_end(w);
	} else {
		jsonw_null(w);
	}
}

static enum status thread(struct req *r)
{
	const char *phone = r->in[T_PHONE].s;
	long long limit = fields_int_or(&r->in[T_LIMIT], EP_FIELDS_LIMIT_DEFAULT);
	struct thread_cursor before, *bp = NULL;
	struct optout state, *sp = &state;
	struct conv_peer peer;
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
	if (rc == DB_OK)
		rc = db_conversations_peer(r->db, r->a, r->actor.client_id, phone, &peer);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "success");
	jsonw_kstr(w, "phoneNumber", phone);
	peer_members(w, peer.name, peer.status);
	views_optout_members(w, sp);
	reply_members(w, sp != NULL && sp->opted_out, peer.has_inbound);
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
