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
#include "svc/sms.h"
#include "svc/spool.h"
#include "svc/views.h"

enum { X_ID, X_FROM, X_TO, X_MESSAGE, X_MODEM, X_PORT, X_TS };

static const struct field fields[] = {
	[X_ID] = {"id", FT_STR, F_REQ, 1, 64, fields_token, "invalid_request",
		  "id must be 1 to 64 printable characters"},
	[X_FROM] = {"from", FT_STR, F_REQ, 0, 0, sms_e164, "invalid_phone_number",
		    "from must be in E.164 format (+1234567890)"},
	[X_TO] = {"to", FT_STR, F_REQ, 1, 32, fields_no_controls, "invalid_request",
		  "to must be 1 to 32 characters"},
	[X_MESSAGE] = {"message", FT_STR, F_REQ, 0, 0, NULL, NULL, NULL},
	[X_MODEM] = {"usemodem", FT_INT, F_REQ, 0, 9999, NULL, "invalid_request",
		     "usemodem must be an integer from 0 to 9999"},
	[X_PORT] = {"port", FT_INT, F_REQ, 0, 9999, NULL, "invalid_request",
		    "port must be an integer from 0 to 9999"},
	[X_TS] = {"timestamp", FT_STR, F_NULL, 0, 40, fields_no_controls, "invalid_request",
		  "timestamp must be at most 40 characters"},
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

	if (inbound_store(r->db, r->a, &m, &res) != DB_OK) {
		if (r->from_spool) /* the import keeps the file and tries again later */
			return req_fail(r, ST_UNAVAILABLE, "database_unavailable",
					"Database unavailable");
		if (spool_write(r->cfg->server.spool_dir, "extreme_incoming", r->body,
				r->body_len) < 0)
			return req_fail(r, ST_UNAVAILABLE, "unavailable",
					"Cannot store the message now; retry later");
		log_msg(LOG_WARN, "extreme", "database unavailable: webhook spooled");
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
