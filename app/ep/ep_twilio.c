/*
 * Twilio webhooks (form-encoded, X-Twilio-Signature checked by auth.c
 * against public_base_url + the request URI, AccountSid against the
 * config: 400 without a signature, 403 with a wrong one, nothing stored).
 *
 * POST /twilio/incoming {MessageSid, AccountSid, From, To, Body, NumMedia}
 *   Stores the message once per MessageSid (inbound.c), routes it, queues
 *   the acknowledgement and the client push; 200 text/xml with an empty
 *   <Response/>.  A redelivery answers 200 and queues nothing.  When
 *   MariaDB cannot be reached the request is spooled to disk and still
 *   answered 200.  400 for a malformed form or missing field.
 *
 * POST /twilio/status {MessageSid, MessageStatus, ErrorCode?}
 *   Keeps the callback in the status history and moves the outbound
 *   message's status forward (never back); an unknown MessageSid is kept
 *   and logged.  200 (spooled when MariaDB is down).
 */
#include "ep/ep_twilio.h"

#include <ctype.h>
#include <string.h>

#include "db/db.h"
#include "db/db_outgoing.h"
#include "svc/inbound.h"
#include "lib/log.h"
#include "svc/spool.h"

static const char twiml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

static bool sid_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static enum status answer_twiml(struct req *r)
{
	r->out->len = 0;
	buf_add(r->out, twiml, sizeof(twiml) - 1);
	r->out_type = "text/xml; charset=utf-8";
	return ST_OK;
}

/* MariaDB is down: keep the raw request on disk; it is imported later. */
static enum status spool(struct req *r, const char *kind)
{
	if (r->from_spool) /* the import keeps the file and tries again later */
		return req_fail(r, ST_UNAVAILABLE, "database_unavailable", "Database unavailable");
	if (spool_write(r->cfg->server.spool_dir, kind, r->body ? r->body : "", r->body_len) < 0) {
		log_msg(LOG_ERROR, "twilio", "cannot store or spool a %s webhook", kind);
		return req_fail(r, ST_UNAVAILABLE, "unavailable",
				"Cannot store the message now; retry later");
	}
	log_msg(LOG_WARN, "twilio", "database unavailable: %s webhook spooled", kind);
	return answer_twiml(r);
}

enum { IN_SID, IN_FROM, IN_TO, IN_BODY, IN_MEDIA };

static const struct field incoming_fields[] = {
	[IN_SID] = {"MessageSid", FT_STR, F_REQ, 1, 64, sid_ok, "invalid_request",
		    "MessageSid must be 1 to 64 letters or digits"},
	[IN_FROM] = {"From", FT_STR, F_REQ, 1, 32, fields_no_controls, "invalid_request",
		     "From must be 1 to 32 characters"},
	[IN_TO] = {"To", FT_STR, F_REQ, 1, 32, fields_no_controls, "invalid_request",
		   "To must be 1 to 32 characters"},
	[IN_BODY] = {"Body", FT_STR, F_REQ, 0, 0, NULL, NULL, NULL},
	[IN_MEDIA] = {"NumMedia", FT_INT, 0, 0, 100, NULL, "invalid_request",
		      "NumMedia must be an integer from 0 to 100"},
};

static enum status incoming(struct req *r)
{
	const struct fval *in = r->in;
	struct incoming m = {
		.provider = "twilio",
		.provider_message_id = in[IN_SID].s,
		.from = in[IN_FROM].s,
		.to = in[IN_TO].s,
		.body = in[IN_BODY].s,
		.body_len = in[IN_BODY].len,
		.num_media = in[IN_MEDIA].present ? in[IN_MEDIA].i : 0,
		.usemodem = -1,
		.port = -1,
	};
	struct inbound_stored res;
	enum db_rc rc = inbound_store(r->db, r->a, &m, &res);

	if (rc != DB_OK)
		return spool(r, "twilio_incoming");
	if (res.client_id == 0 && !res.duplicate)
		log_msg(LOG_WARN, "twilio", "msg_%lld: no route for the receiving number", res.id);
	return answer_twiml(r);
}

const struct endpoint ep_twilio_incoming = ENDPOINT(incoming, incoming_fields);

enum { ST_SID, ST_STATUS, ST_ERROR };

static const struct field status_fields[] = {
	[ST_SID] = {"MessageSid", FT_STR, F_REQ, 1, 64, sid_ok, "invalid_request",
		    "MessageSid must be 1 to 64 letters or digits"},
	[ST_STATUS] = {"MessageStatus", FT_STR, F_REQ, 1, 32, sid_ok, "invalid_request",
		       "MessageStatus must be a status name"},
	[ST_ERROR] = {"ErrorCode", FT_STR, 0, 0, 16, sid_ok, "invalid_request",
		      "ErrorCode must be a code"},
};

struct status_ctx {
	struct arena *a;
	const struct fval *in;
	bool known;
};

static int apply_status(struct db *db, void *arg)
{
	struct status_ctx *c = arg;
	const char *status = NULL;
	int rank = 0;
	const char *code =
		c->in[ST_ERROR].present && c->in[ST_ERROR].len > 0 ? c->in[ST_ERROR].s : NULL;

	if (!db_outgoing_map_status(c->in[ST_STATUS].s, &status, &rank))
		status = NULL;
	return db_outgoing_status_event(db, c->a, "twilio", c->in[ST_SID].s, c->in[ST_STATUS].s,
					status, rank, code, &c->known);
}

static enum status status_cb(struct req *r)
{
	struct status_ctx c = {r->a, r->in, false};
	int rc = db_txn(r->db, apply_status, &c);

	if (rc != DB_OK)
		return spool(r, "twilio_status");
	if (!c.known)
		log_msg(LOG_WARN, "twilio", "status %s for unknown MessageSid %s",
			r->in[ST_STATUS].s, r->in[ST_SID].s);
	return answer_twiml(r);
}

const struct endpoint ep_twilio_status = ENDPOINT(status_cb, status_fields);
