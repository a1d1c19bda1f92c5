/*
 * Operator API.
 *
 * POST /api/send-message {phoneNumber, messageContent, operatorId}
 *   Errors in the seed's order: 400 invalid_request (a field missing or
 *   not a string, messageContent included), 400 invalid_phone_number (not
 *   E.164), 403
 *   operator_mismatch (operatorId is not the caller), 404 user_not_found,
 *   403 user_inactive, 400 invalid_message (0 or more than 1600
 *   characters), 422 no_sender (no Twilio number for this client).  The
 *   message is recorded queued, sent through Twilio from the number this
 *   user last texted (else the client's Twilio route, else [twilio]
 *   from_number), then recorded sent: 200 {status:"sent", messageId,
 *   phoneNumber, timestamp, twilio_MessageSid, segments, encoding}; or
 *   recorded failed: 503 {error:"twilio_error", message, details,
 *   messageId}.  Honours Idempotency-Key.
 *
 * GET /api/messages/incoming?limit&sort&phoneNumber&isRegistered
 * GET /api/messages/outgoing?limit&sort&phoneNumber&status&operatorId
 *   200 {status:"success", count, messages:[...]}, the caller's client
 *   only, newest first by default; a bad parameter is 400.
 *
 * GET /api/users?status=active|inactive|all (default active), sorted by
 *   name then phone: 200 {status:"success", count, users:[...]}.
 * POST /api/users {phoneNumber, name, status?}: 201 user; 409 user_exists.
 * PATCH /api/users/{phoneNumber} {name?, status?}: 200 user; 404.
 */
#include "ep/ep_operator.h"

#include <string.h>

#include "db/db.h"
#include "db/db_incoming.h"
#include "db/db_outgoing.h"
#include "db/db_client_routes.h"
#include "db/db_users.h"
#include "ep/ep_common.h"
#include "svc/sms.h"
#include "svc/views.h"

static bool user_status_ok(const char *s, size_t len)
{
	return (len == 6 && memcmp(s, "active", 6) == 0) ||
	       (len == 8 && memcmp(s, "inactive", 8) == 0);
}

#define E164_MSG "Phone number must be in E.164 format (+1234567890)"

/* --- send-message ---------------------------------------------------------- */

enum { S_PHONE, S_CONTENT, S_OPERATOR };

static const struct field send_fields[] = {
	[S_PHONE] = {"phoneNumber", FT_STR, F_REQ, 0, 0, sms_e164, "invalid_phone_number",
		     E164_MSG},
	[S_CONTENT] = {"messageContent", FT_STR, F_REQ, 0, 0, NULL, NULL, NULL},
	[S_OPERATOR] = {"operatorId", FT_STR, F_REQ, 1, 64, NULL, "invalid_request",
			"operatorId must be 1 to 64 characters"},
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
	struct send_out out;
	struct user u;
	enum db_rc rc;
	enum status st;
	char id[32];
	struct jsonw *w = &r->w;

	if (in[S_OPERATOR].len != strlen(r->actor.name) ||
	    memcmp(in[S_OPERATOR].s, r->actor.name, in[S_OPERATOR].len) != 0)
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
	if (!sms_text_ok(in[S_CONTENT].s, in[S_CONTENT].len))
		return req_fail(r, ST_BAD_REQUEST, "invalid_message",
				"messageContent must be 1 to 1600 characters");
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
	jsonw_kstr(w, "timestamp", out.sent_at);
	jsonw_kstr(w, "twilio_MessageSid", out.provider_id);
	jsonw_kint(w, "segments", out.parts.segments);
	jsonw_kstr(w, "encoding", sms_encoding_name(out.parts.encoding));
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_operator_send_message = ENDPOINT(send_message, send_fields);

/* --- message lists ---------------------------------------------------------- */

#define LIMIT_FIELD                                                                                \
	{                                                                                          \
		"limit", FT_INT, F_QUERY, 1, 1000, NULL, "invalid_request",                        \
			"limit must be an integer from 1 to 1000"                                  \
	}
#define SORT_FIELD                                                                                 \
	{                                                                                          \
		"sort", FT_STR, F_QUERY, 0, 0, ep_common_sort_ok, "invalid_request",               \
			"sort must be asc or desc"                                                 \
	}

enum { LI_LIMIT, LI_SORT, LI_PHONE, LI_REG };

static const struct field incoming_fields[] = {
	[LI_LIMIT] = LIMIT_FIELD,
	[LI_SORT] = SORT_FIELD,
	[LI_PHONE] = {"phoneNumber", FT_STR, F_QUERY, 0, 0, sms_e164, "invalid_phone_number",
		      E164_MSG},
	[LI_REG] = {"isRegistered", FT_BOOL, F_QUERY, 0, 0, NULL, "invalid_request",
		    "isRegistered must be true or false"},
};

static long long limit_of(const struct fval *v)
{
	return v->present ? v->i : LIST_LIMIT_DEFAULT;
}

static bool asc_of(const struct fval *v)
{
	return v->present && v->len == 3;
}

static enum status messages_incoming(struct req *r)
{
	const struct fval *in = r->in;
	struct incoming *ms;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_incoming_list(r->db, r->a, r->actor.client_id, asc_of(&in[LI_SORT]),
			      in[LI_PHONE].present ? in[LI_PHONE].s : NULL,
			      in[LI_REG].present ? (int)in[LI_REG].b : -1, limit_of(&in[LI_LIMIT]),
			      &ms, &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "messages");
	for (i = 0; i < n; i++)
		views_inbound_operator(w, &ms[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_operator_incoming = ENDPOINT(messages_incoming, incoming_fields);

static bool out_status_ok(const char *s, size_t len)
{
	static const char *const ok[] = {"queued", "sent", "delivered", "undelivered", "failed"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (len == strlen(ok[i]) && memcmp(s, ok[i], len) == 0)
			return true;
	return false;
}

enum { LO_LIMIT, LO_SORT, LO_PHONE, LO_STATUS, LO_OPERATOR };

static const struct field outgoing_fields[] = {
	[LO_LIMIT] = LIMIT_FIELD,
	[LO_SORT] = SORT_FIELD,
	[LO_PHONE] = {"phoneNumber", FT_STR, F_QUERY, 0, 0, sms_e164, "invalid_phone_number",
		      E164_MSG},
	[LO_STATUS] = {"status", FT_STR, F_QUERY, 0, 0, out_status_ok, "invalid_request",
		       "status must be queued, sent, delivered, undelivered or failed"},
	[LO_OPERATOR] = {"operatorId", FT_STR, F_QUERY, 1, 64, NULL, "invalid_request",
			 "operatorId must be 1 to 64 characters"},
};

static enum status messages_outgoing(struct req *r)
{
	const struct fval *in = r->in;
	struct outgoing *ms;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_outgoing_list(r->db, r->a, r->actor.client_id, asc_of(&in[LO_SORT]),
			      in[LO_PHONE].present ? in[LO_PHONE].s : NULL,
			      in[LO_STATUS].present ? in[LO_STATUS].s : NULL,
			      in[LO_OPERATOR].present ? in[LO_OPERATOR].s : NULL,
			      limit_of(&in[LO_LIMIT]), &ms, &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "messages");
	for (i = 0; i < n; i++)
		views_outgoing_operator(w, &ms[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_operator_outgoing = ENDPOINT(messages_outgoing, outgoing_fields);

/* --- users ----------------------------------------------------------------- */

static bool list_status_ok(const char *s, size_t len)
{
	return user_status_ok(s, len) || (len == 3 && memcmp(s, "all", 3) == 0);
}

static const struct field users_list_fields[] = {
	{"status", FT_STR, F_QUERY, 0, 0, list_status_ok, "invalid_request",
	 "status must be active, inactive or all"},
};

static enum status users_list(struct req *r)
{
	const struct fval *st = &r->in[0];
	const char *status = !st->present ? "active" : (st->len == 3 ? NULL : st->s);
	struct user *us;
	size_t i, n;
	enum db_rc rc = db_users_list(r->db, r->a, r->actor.client_id, status, &us, &n);
	struct jsonw *w = &r->w;

	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "users");
	for (i = 0; i < n; i++)
		views_user(w, &us[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_operator_users_list = ENDPOINT(users_list, users_list_fields);

enum { UC_PHONE, UC_NAME, UC_STATUS };

static const struct field users_create_fields[] = {
	[UC_PHONE] = {"phoneNumber", FT_STR, F_REQ, 0, 0, sms_e164, "invalid_phone_number",
		      E164_MSG},
	[UC_NAME] = {"name", FT_STR, F_REQ, 1, 200, fields_no_controls, "invalid_name",
		     "name must be 1 to 200 characters"},
	[UC_STATUS] = {"status", FT_STR, 0, 0, 0, user_status_ok, "invalid_status",
		       "status must be active or inactive"},
};

static enum status user_answer(struct req *r, const char *phone, enum status ok)
{
	struct user u;
	enum db_rc rc = db_users_get(r->db, r->a, r->actor.client_id, phone, &u);

	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_user(&r->w, &u);
	return ok;
}

static enum status users_create(struct req *r)
{
	const struct fval *in = r->in;
	enum db_rc rc = db_users_insert(r->db, r->a, r->actor.client_id, in[UC_PHONE].s,
					in[UC_NAME].s, in[UC_NAME].len,
					in[UC_STATUS].present ? in[UC_STATUS].s : "active");

	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "user_exists", "That phone number is registered");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return user_answer(r, in[UC_PHONE].s, ST_CREATED);
}

const struct endpoint ep_operator_users_create = ENDPOINT(users_create, users_create_fields);

enum { UU_NAME, UU_STATUS };

static const struct field users_update_fields[] = {
	[UU_NAME] = {"name", FT_STR, 0, 1, 200, fields_no_controls, "invalid_name",
		     "name must be 1 to 200 characters"},
	[UU_STATUS] = {"status", FT_STR, 0, 0, 0, user_status_ok, "invalid_status",
		       "status must be active or inactive"},
};

static enum status users_update(struct req *r)
{
	const char *phone = r->params[0];
	const struct fval *in = r->in;
	enum db_rc rc;

	if (!sms_e164(phone, strlen(phone)))
		return req_fail(r, ST_BAD_REQUEST, "invalid_phone_number", E164_MSG);
	if (!in[UU_NAME].present && !in[UU_STATUS].present)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request", "Give name or status");
	rc = db_users_update(r->db, r->a, r->actor.client_id, phone,
			     in[UU_NAME].present ? in[UU_NAME].s : NULL, in[UU_NAME].len,
			     in[UU_STATUS].present ? in[UU_STATUS].s : NULL);
	if (rc == DB_NOTFOUND)
		return req_failf(r, ST_NOT_FOUND, "user_not_found",
				 "Phone number %s is not registered", phone);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return user_answer(r, phone, ST_OK);
}

const struct endpoint ep_operator_users_update = ENDPOINT(users_update, users_update_fields);
