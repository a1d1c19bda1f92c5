/*
 * Outbound sending.  See outbound.h.
 */
#include "svc/outbound.h"

#include <string.h>

#include "db/db_outgoing.h"
#include "upstream/extreme.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "upstream/twilio.h"

static void record_failure(struct db *db, struct arena *a, struct send_out *out)
{
	if (db_outgoing_mark_failed(db, a, out->id, out->error_code, out->error) != DB_OK)
		log_msg(LOG_ERROR, "outbound", "out_%lld failed but could not be recorded as such",
			out->id);
}

void outbound_send(const struct config *cfg, struct db *db, struct httpc *h, struct arena *a,
		   const struct send_req *rq, struct send_out *out)
{
	struct outgoing m;
	char iso[32];

	memset(out, 0, sizeof(*out));
	sms_count(rq->body, rq->body_len, &out->parts);
	memset(&m, 0, sizeof(m));
	m.client_id = rq->client_id;
	m.provider = rq->provider;
	m.to = rq->to;
	m.from = rq->from;
	m.usemodem = rq->usemodem;
	m.port = rq->port;
	m.body = rq->body;
	m.body_len = rq->body_len;
	m.segments = out->parts.segments;
	m.encoding = sms_encoding_name(out->parts.encoding);
	m.sent_by = rq->sent_by;
	m.operator_id = rq->operator_id;
	m.operator_name = rq->operator_name;
	m.api_key_id = rq->api_key_id;
	m.in_reply_to = rq->in_reply_to;
	out->db_rc = db_outgoing_insert(db, a, &m, &out->id);
	if (out->db_rc != DB_OK) {
		out->result = SEND_DB;
		return;
	}

	if (strcmp(rq->provider, "twilio") == 0) {
		struct twilio_send ts;
		twilio_send(cfg, h, a, rq->to, rq->from, rq->body, rq->body_len, &ts);
		out->provider_id = ts.sid;
		out->error_code = ts.code;
		out->error = ts.message;
		out->result = ts.result == TWILIO_SENT	     ? SEND_SENT
			      : ts.result == TWILIO_REJECTED ? SEND_REJECTED
			      : ts.result == TWILIO_UNKNOWN  ? SEND_UNKNOWN
							     : SEND_FAILED;
	} else {
		struct extreme_send es;
		extreme_send(cfg, h, a, rq->to, rq->body, rq->body_len, rq->usemodem, rq->port,
			     &es);
		out->provider_id = es.id;
		out->error = es.message;
		out->result = es.result == EXTREME_SENT	      ? SEND_SENT
			      : es.result == EXTREME_REJECTED ? SEND_REJECTED
			      : es.result == EXTREME_UNKNOWN  ? SEND_UNKNOWN
							      : SEND_FAILED;
	}

	if (out->result == SEND_SENT) {
		if (db_outgoing_mark_sent(db, a, out->id, out->provider_id) != DB_OK)
			log_msg(LOG_ERROR, "outbound",
				"out_%lld was sent (%s) but could not be recorded as sent", out->id,
				out->provider_id);
		timeutil_iso_now(iso, sizeof(iso));
		out->sent_at = arena_strdup(a, iso);
	} else {
		record_failure(db, a, out);
	}
}

enum db_rc outbound_reply_route(struct db *db, struct arena *a, long long client_id, const char *to,
				struct send_req *rq)
{
	struct incoming last;
	enum db_rc rc = db_incoming_last_from(db, a, client_id, to, &last);

	if (rc != DB_OK)
		return rc;
	rq->provider = last.provider;
	rq->in_reply_to = last.id;
	if (strcmp(last.provider, "twilio") == 0) {
		rq->from = last.to; /* the number that was texted */
		rq->usemodem = rq->port = -1;
	} else {
		rq->from = NULL;
		rq->usemodem = last.usemodem;
		rq->port = last.port;
	}
	return DB_OK;
}
