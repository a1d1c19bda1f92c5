/*
 * The operator API's messages (seed "SMS Messaging UX").  Operator JWT, or
 * an admin JWT naming the client in X-Ibiki-Client.
 *
 * POST /api/send-message {phoneNumber, messageContent, operatorId}
 *   Errors in this order: 400 invalid_request (a field missing or not a
 *   string), 400 invalid_phone_number (not E.164), 400 invalid_message (0
 *   or more than 1600 characters), 400 invalid_request (operatorId not 1
 *   to 64 characters), 403 operator_mismatch (operatorId is not the
 *   caller), 404 user_not_found, 403 user_inactive, 422 no_sender (no
 *   Twilio number for this client).  The message is recorded queued, sent
 *   through Twilio from the number this user last texted (else the
 *   client's Twilio route, else [twilio] from_number), then recorded sent:
 *   200 {status:"sent", messageId, phoneNumber, timestamp,
 *   twilio_MessageSid, segments, encoding}; or recorded failed: 503
 *   {error:"twilio_error", message, details, messageId}.  Honours
 *   Idempotency-Key.
 *
 * GET /api/messages/incoming?limit&sort&phoneNumber&isRegistered&before&after
 * GET /api/messages/outgoing?limit&sort&phoneNumber&status&operatorId&before&after
 *   200 {status:"success", count, messages:[...], next}, the caller's
 *   client only, newest first by default; before and after (message ids,
 *   msg_<n> or out_<n>) bound the page to older or newer messages; next is
 *   the id to pass as `before` (as `after` with sort=asc) for the following
 *   page, null on the last.  A bad parameter is 400.
 */
#include "ep/ep_messages.h"

#include <string.h>

#include "db/db.h"
#include "db/db_client_routes.h"
#include "db/db_incoming.h"
#include "db/db_outgoing.h"
#include "db/db_users.h"
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/sms.h"
#include "svc/views.h"

/* --- send-message ---------------------------------------------------------- */

enum { S_PHONE, S_CONTENT, S_OPERATOR };

static const struct field send_fields[] = {
	[S_PHONE] = FIELD_PHONE_NUMBER(F_REQ),
	[S_CONTENT] = FIELD_TEXT("messageContent"),
	[S_OPERATOR] = {.name = "operatorId",
			.type = FT_STR,
			.flags = F_REQ,
			.min = 1,
			.max = 64,
			.message = "operatorId must be 1 to 64 characters"},
};

/* The number to send from: the one this user last texted, else the
 * client's first Twilio route, else the configured default. */
static const char *sender_for(struct req *r, const char *phone)
{
	struct incoming last;
	struct client_route *routes;
	size_t i, n;

	if (db_incoming_last_from(r->db, r->a, r->actor.client_id, phone, &last) == DB_OK &&
	    strcmp(last.provider, "twilio") == 0)
		return last.to;
	if (db_client_routes_list(r->db, r->a, r->actor.client_id, &routes, &n) == DB_OK)
		for (i = 0; i < n; i++)
			if (strcmp(routes[i].provider, "twilio") == 0 && routes[i].number != NULL)
				return routes[i].number;
	if (r->cfg->twilio.from_number != NULL && *r->cfg->twilio.from_number != '\0')
		return r->cfg->twilio.from_number;
	return NULL;
}

static enum status send_message(struct req *r)
{
	const struct fval *in = r->in;
	const char *phone = in[S_PHONE].s;
	struct send_req rq = {0};
	struct outgoing out;
	struct user u;
	enum db_rc rc;
	enum status st;
	char id[32];
	struct jsonw *w = &r->w;

	if (strcmp(in[S_OPERATOR].s, r->actor.name) != 0)
		return req_fail(r, ST_FORBIDDEN, "operator_mismatch",
				"operatorId must be the logged-in operator");
	rc = db_users_get(r->db, r->a, r->actor.client_id, phone, &u);
	if (rc == DB_NOTFOUND)
		return req_failf(r, ST_NOT_FOUND, "user_not_found",
				 "Phone number %s is not registered", phone);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (strcmp(u.status, "active") != 0)
		return req_fail(r, ST_FORBIDDEN, "user_inactive", "User status is not active");
	rq.from = sender_for(r, phone);
	if (rq.from == NULL)
		return req_fail(r, ST_UNPROCESSABLE, "no_sender",
				"No Twilio number is routed to this client");
	if (r->cfg->twilio.account_sid == NULL || *r->cfg->twilio.account_sid == '\0')
		return req_fail(r, ST_UNAVAILABLE, "twilio_error", "Twilio is not configured");
	rq.client_id = r->actor.client_id;
	rq.provider = "twilio";
	rq.to = phone;
	rq.usemodem = rq.port = -1;
	rq.body = in[S_CONTENT].s;
	rq.body_len = in[S_CONTENT].len;
	ep_common_sender(r, &rq);
	st = ep_common_send(r, &rq, &out, id, sizeof(id), "Failed to send SMS");
	if (st != ST_OK)
		return st;
	jsonw_obj(w);
	jsonw_kstr(w, "status", "sent");
	jsonw_kstr(w, "messageId", id);
	jsonw_kstr(w, "phoneNumber", phone);
	views_time(w, "timestamp", out.sent_at);
	jsonw_kstr(w, "twilio_MessageSid", out.provider_message_id);
	jsonw_kint(w, "segments", out.segments);
	jsonw_kstr(w, "encoding", out.encoding);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_messages_send = ENDPOINT(send_message, send_fields);

/* --- message lists ---------------------------------------------------------- */

/* A keyset page from the list fields: sort, limit, before and after. */
static struct db_page page_of(const struct fval *sort, const struct fval *limit,
			      const struct fval *before, const struct fval *after)
{
	return (struct db_page){
		.asc = sort->i == EP_SORT_ASC,
		.before = before->present ? before->i : DB_PAGE_NO_BEFORE,
		.after = after->present ? after->i : DB_PAGE_NO_AFTER,
		.limit = fields_int_or(limit, EP_FIELDS_LIMIT_DEFAULT),
	};
}

/* The end of a list answer: next, the id the following page starts from. */
static void list_close(struct jsonw *w, bool more, const char *prefix, long long last_id)
{
	char id[32];

	jsonw_arr_end(w);
	if (more) {
		views_msg_id(id, sizeof(id), prefix, last_id);
		jsonw_kstr(w, "next", id);
	} else {
		jsonw_knull(w, "next");
	}
	jsonw_obj_end(w);
}

enum { LI_LIMIT, LI_SORT, LI_PHONE, LI_REG, LI_BEFORE, LI_AFTER };

static const struct field incoming_fields[] = {
	[LI_LIMIT] = FIELD_LIMIT(1000),
	[LI_SORT] = FIELD_SORT,
	[LI_PHONE] = FIELD_PHONE_NUMBER(F_QUERY),
	[LI_REG] = {.name = "isRegistered",
		    .type = FT_BOOL,
		    .flags = F_QUERY,
		    .message = "isRegistered must be true or false"},
	[LI_BEFORE] = FIELD_ID_CURSOR("before", "msg_"),
	[LI_AFTER] = FIELD_ID_CURSOR("after", "msg_"),
};

static enum status messages_incoming(struct req *r)
{
	const struct fval *in = r->in;
	struct db_page pg = page_of(&in[LI_SORT], &in[LI_LIMIT], &in[LI_BEFORE], &in[LI_AFTER]);
	struct incoming *ms;
	size_t i, n;
	bool more;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_incoming_list(r->db, r->a, r->actor.client_id, &pg,
			      in[LI_PHONE].present ? in[LI_PHONE].s : NULL,
			      in[LI_REG].present ? (int)in[LI_REG].b : -1, &ms, &n, &more);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "messages");
	for (i = 0; i < n; i++)
		views_inbound_operator(w, &ms[i]);
	list_close(w, more && n > 0, "msg_", n > 0 ? ms[n - 1].id : 0);
	return ST_OK;
}

const struct endpoint ep_messages_incoming = ENDPOINT(messages_incoming, incoming_fields);

enum { LO_LIMIT, LO_SORT, LO_PHONE, LO_STATUS, LO_OPERATOR, LO_BEFORE, LO_AFTER };

static const struct field outgoing_fields[] = {
	[LO_LIMIT] = FIELD_LIMIT(1000),
	[LO_SORT] = FIELD_SORT,
	[LO_PHONE] = FIELD_PHONE_NUMBER(F_QUERY),
	[LO_STATUS] = {.name = "status",
		       .type = FT_ENUM,
		       .flags = F_QUERY,
		       .choices = ep_fields_out_status,
		       .message = "status must be queued, sent, delivered, undelivered or failed"},
	[LO_OPERATOR] = {.name = "operatorId",
			 .type = FT_STR,
			 .flags = F_QUERY,
			 .min = 1,
			 .max = 64,
			 .message = "operatorId must be 1 to 64 characters"},
	[LO_BEFORE] = FIELD_ID_CURSOR("before", "out_"),
	[LO_AFTER] = FIELD_ID_CURSOR("after", "out_"),
};

static enum status messages_outgoing(struct req *r)
{
	const struct fval *in = r->in;
	struct db_page pg = page_of(&in[LO_SORT], &in[LO_LIMIT], &in[LO_BEFORE], &in[LO_AFTER]);
	struct outgoing *ms;
	size_t i, n;
	bool more;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_outgoing_list(r->db, r->a, r->actor.client_id, &pg,
			      in[LO_PHONE].present ? in[LO_PHONE].s : NULL,
			      in[LO_STATUS].present ? ep_fields_out_status[in[LO_STATUS].i] : NULL,
			      in[LO_OPERATOR].present ? in[LO_OPERATOR].s : NULL, &ms, &n, &more);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "messages");
	for (i = 0; i < n; i++)
		views_outgoing_operator(w, &ms[i]);
	list_close(w, more && n > 0, "out_", n > 0 ? ms[n - 1].id : 0);
	return ST_OK;
}

const struct endpoint ep_messages_outgoing = ENDPOINT(messages_outgoing, outgoing_fields);
