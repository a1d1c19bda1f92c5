/*
 * The registered users of a client (the seed's "users"): the phone
 * numbers it knows, active or inactive.  Operator JWT, or an admin JWT
 * naming the client in X-Ibiki-Client.
 *
 * GET /api/users?status=active|inactive|all|opted_out (default active),
 *   sorted by name then phone: 200 {status:"success", count, users:[...]};
 *   opted_out: the users whose number is suppressed, whatever their status.
 *   Every user carries optedOut and optOut (svc/views.h).
 * POST /api/users {phoneNumber, name, status?}: 201 user; 409 user_exists.
 * PATCH /api/users/{phoneNumber} {name?, status?}: 200 user; 400 when
 *   neither is given; 404 user_not_found.
 */
#include "ep/ep_users.h"

#include "db/db.h"
#include "db/db_users.h"
#include "ep/ep_fields.h"
#include "svc/views.h"

static const struct field list_fields[] = {
	{.name = "status",
	 .type = FT_ENUM,
	 .flags = F_QUERY,
	 .choices = ep_fields_user_filter,
	 .message = "status must be active, inactive, all or opted_out"},
};

static enum status users_list(struct req *r)
{
	const struct fval *st = &r->in[0];
	long long which = fields_int_or(st, EP_USER_ACTIVE);
	struct user *us;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	if (which == EP_USER_OPTED_OUT)
		rc = db_users_opted_out(r->db, r->a, r->actor.client_id, &us, &n);
	else
		rc = db_users_list(r->db, r->a, r->actor.client_id,
				   which == EP_USER_ALL ? NULL : ep_fields_user_filter[which], &us,
				   &n);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "users");
	for (i = 0; i < n; i++)
		views_user(w, &us[i]);
	jsonw_arr_end(w);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_users_list = ENDPOINT(users_list, list_fields);

#define FIELD_NAME(fl)                                                                             \
	{                                                                                          \
		.name = "name", .type = FT_STR, .flags = (fl), .min = 1, .max = 200,               \
		.valid = fields_no_controls, .code = "invalid_name",                               \
		.message = "name must be 1 to 200 characters"                                      \
	}
#define FIELD_STATUS                                                                               \
	{                                                                                          \
		.name = "status", .type = FT_ENUM, .choices = ep_fields_user_status,               \
		.code = "invalid_status", .message = "status must be active or inactive"           \
	}

/* The user with phone, as the answer. */
static enum status user_answer(struct req *r, const char *phone, enum status ok)
{
	struct user u;
	enum db_rc rc = db_users_get(r->db, r->a, r->actor.client_id, phone, &u);

	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_user(&r->w, &u);
	return ok;
}

enum { UC_PHONE, UC_NAME, UC_STATUS };

static const struct field create_fields[] = {
	[UC_PHONE] = FIELD_PHONE_NUMBER(F_REQ),
	[UC_NAME] = FIELD_NAME(F_REQ),
	[UC_STATUS] = FIELD_STATUS,
};

static enum status users_create(struct req *r)
{
	const struct fval *in = r->in;
	enum db_rc rc;

	rc = db_users_insert(r->db, r->a, r->actor.client_id, in[UC_PHONE].s, in[UC_NAME].s,
			     in[UC_NAME].len,
			     ep_fields_user_status[fields_int_or(&in[UC_STATUS], EP_USER_ACTIVE)]);
	if (rc == DB_DUP)
		return req_fail(r, ST_CONFLICT, "user_exists", "That phone number is registered");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return user_answer(r, in[UC_PHONE].s, ST_CREATED);
}

const struct endpoint ep_users_create = ENDPOINT(users_create, create_fields);

enum { UU_NAME, UU_STATUS, UU_PHONE };

static const struct field update_fields[] = {
	[UU_NAME] = FIELD_NAME(0),
	[UU_STATUS] = FIELD_STATUS,
	[UU_PHONE] = FIELD_PHONE_NUMBER(F_PATH | F_REQ),
};

static enum status users_update(struct req *r)
{
	const struct fval *in = r->in;
	const char *phone = in[UU_PHONE].s;
	enum db_rc rc;

	if (!in[UU_NAME].present && !in[UU_STATUS].present)
		return req_fail(r, ST_BAD_REQUEST, "invalid_request", "Give name or status");
	rc = db_users_update(r->db, r->a, r->actor.client_id, phone,
			     in[UU_NAME].present ? in[UU_NAME].s : NULL, in[UU_NAME].len,
			     in[UU_STATUS].present ? ep_fields_user_status[in[UU_STATUS].i] : NULL);
	if (rc == DB_NOTFOUND)
		return req_failf(r, ST_NOT_FOUND, "user_not_found",
				 "Phone number %s is not registered", phone);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	return user_answer(r, phone, ST_OK);
}

const struct endpoint ep_users_update = ENDPOINT(users_update, update_fields);
