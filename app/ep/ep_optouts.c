/*
 * GET /api/v2/optouts?after&limit (API key)
 *   The client's suppression changes, oldest first, with the inbox's
 *   cursor rules (opt_<n> cursors; `next` to continue from; nothing
 *   skipped, see db_optouts_feed): 200 {status, count, optouts:[{id,
 *   phoneNumber, optedOut, keyword, provider, source, note, at}], next}.
 *   Without `after`, from the first change: a client keeps `next` and
 *   asks again with it.
 *
 * DELETE /api/admin/clients/{id}/optouts/{phoneNumber} {note} (admin)
 *   Opts the number back in, recorded with the admin's account and note
 *   (source admin; it shows in the feed): 200 {status, phoneNumber,
 *   optedOut:false}; 404 optout_not_found when it is not opted out.
 */
#include "ep/ep_optouts.h"

#include "db/db.h"
#include "db/db_optouts.h"
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/views.h"

enum { F_LIMIT, F_AFTER };

static const struct field feed_fields[] = {
	[F_LIMIT] = FIELD_LIMIT(1000),
	[F_AFTER] = FIELD_ID_CURSOR("after", "opt_"),
};

static enum status feed(struct req *r)
{
	long long after = fields_int_or(&r->in[F_AFTER], 0), next_id;
	struct optout *os;
	size_t i, n;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_optouts_feed(r->db, r->a, r->actor.client_id, after,
			     fields_int_or(&r->in[F_LIMIT], EP_FIELDS_LIMIT_DEFAULT), &os, &n,
			     &next_id);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	views_list_open(w, n, "optouts");
	for (i = 0; i < n; i++)
		views_optout_event(w, &os[i]);
	jsonw_arr_end(w);
	views_feed_next(w, "opt_", next_id > 0 ? next_id : -1);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_optouts_v2_feed = ENDPOINT(feed, feed_fields);

enum { C_CLIENT, C_PHONE, C_NOTE };

static const struct field clear_fields[] = {
	[C_CLIENT] = FIELD_CLIENT_ID,
	[C_PHONE] = FIELD_PHONE_NUMBER(F_PATH | F_REQ),
	[C_NOTE] = {.name = "note",
		    .type = FT_STR,
		    .flags = F_REQ,
		    .min = 1,
		    .max = 500,
		    .valid = fields_no_controls,
		    .code = "invalid_note",
		    .message = "note must say why, in 1 to 500 characters"},
};

static enum status clear(struct req *r)
{
	const char *phone = r->in[C_PHONE].s;
	struct optout_change c = {.opted_out = false,
				  .source = "admin",
				  .actor = r->actor.name,
				  .note = r->in[C_NOTE].s};
	struct client cl;
	enum status st = ep_common_client(r, r->in[C_CLIENT].i, &cl);
	enum db_rc rc;
	bool changed;
	struct jsonw *w = &r->w;

	if (st != ST_OK)
		return st;
	rc = db_optouts_change(r->db, r->a, cl.id, phone, &c, &changed);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (!changed)
		return req_failf(r, ST_NOT_FOUND, "optout_not_found",
				 "%s is not opted out for this client", phone);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "success");
	jsonw_kstr(w, "phoneNumber", phone);
	jsonw_kbool(w, "optedOut", false);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_optouts_admin_clear = ENDPOINT(clear, clear_fields);
