/*
 * Extreme v2 inbound webhook (X-Extreme-Token checked by auth.c in
 * constant time: missing or wrong is 401 and nothing is stored).
 *
 * POST /extreme/incoming {id, from, to, message, usemodem, port, timestamp}
 *   Stored once per id (inbound.c), routed by (usemodem, port), else by
 *   `to`; unroutable messages are kept without a client and counted.  The
 *   client push is queued in push or both mode.  200 {status:"ok",
 *   id:"msg_<n>"}; a redelivered id answers the same msg id and queues
 *   nothing.  When MariaDB cannot be reached the request is spooled to disk
 *   and answered 200 {status:"ok", id:null, spooled:true}.
 *   400 for a malformed body or a field out of range.
 */
#include "ep/ep_extreme.h"

#include <string.h>

#include "db/db.h"
#include "svc/inbound.h"
#include "lib/log.h"
#include "ep/ep_common.h"
#include "ep/ep_fields.h"
#include "svc/views.h"

enum { X_ID, X_FROM, X_TO, X_MESSAGE, X_MODEM, X_PORT, X_TS };

static const struct field fields[] = {
	[X_ID] = {.name = "id",
		  .type = FT_STR,
		  .flags = F_REQ,
		  .min = 1,
		  .max = 64,
		  .valid = fields_token,
		  .message = "id must be 1 to 64 printable characters"},
	[X_FROM] = FIELD_PHONE("from", F_REQ),
	[X_TO] = {.name = "to",
		  .type = FT_STR,
		  .flags = F_REQ,
		  .min = 1,
		  .max = 32,
		  .valid = fields_no_controls,
		  .message = "to must be 1 to 32 characters"},
	[X_MESSAGE] = {.name = "message", .type = FT_STR, .flags = F_REQ},
	[X_MODEM] = FIELD_MODEM(F_REQ, NULL),
	[X_PORT] = FIELD_PORT(F_REQ, NULL),
	[X_TS] = {.name = "timestamp",
		  .type = FT_STR,
		  .flags = F_NULL,
		  .max = 40,
		  .valid = fields_no_controls,
		  .message = "timestamp must be at most 40 characters"},
};

static enum status incoming(struct req *r)
{
	const struct fval *in = r->in;
	struct incoming m = {
		.provider = "extreme",
		.provider_message_id = in[X_ID].s,
		.from = in[X_FROM].s,
		.to = in[X_TO].s,
		.body = in[X_MESSAGE].s,
		.body_len = in[X_MESSAGE].len,
		.num_media = 0,
		.usemodem = in[X_MODEM].i,
		.port = in[X_PORT].i,
		.provider_timestamp = in[X_TS].present ? in[X_TS].s : NULL,
	};
	struct inbound_stored res;
	struct jsonw *w = &r->w;
	char id[32];

	if (inbound_store(r->db, r->a, r->cfg, &m, &res) != DB_OK) {
		enum status st = ep_common_spool(r, "extreme_incoming");

		if (st != ST_OK)
			return st;
		jsonw_obj(w);
		jsonw_kstr(w, "status", "ok");
		jsonw_knull(w, "id");
		jsonw_kbool(w, "spooled", true);
		jsonw_obj_end(w);
		return ST_OK;
	}
	if (res.client_id == 0 && !res.duplicate)
		log_msg(LOG_WARN, "extreme", "msg_%lld: no route for modem %lld port %lld", res.id,
			m.usemodem, m.port);
	views_msg_id(id, sizeof(id), "msg_", res.id);
	jsonw_obj(w);
	jsonw_kstr(w, "status", "ok");
	jsonw_kstr(w, "id", id);
	jsonw_kbool(w, "duplicate", res.duplicate);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_extreme_incoming = ENDPOINT(incoming, fields);
