/*
 * Twilio webhooks (form-encoded, X-Twilio-Signature checked by http/auth.c
 * against public_base_url + the request URI, AccountSid against the
 * config: 400 without a signature, 403 with a wrong one, nothing stored).
 *
 * POST /twilio/incoming {MessageSid, AccountSid, From, To, Body, NumMedia,
 *   MediaUrl{i}, MediaContentType{i}}
 *   Stores the message once per MessageSid (svc/inbound.c), routes it,
 *   queues the acknowledgement and the client push; 200 text/xml with an
 *   empty <Response/>.  Media are kept when valid (at most
 *   INBOUND_MEDIA_MAX, https); an invalid or extra item is dropped and
 *   logged, never a reason to refuse the message.  A redelivery answers
 *   200 and queues nothing.  When MariaDB cannot be reached the request
 *   is spooled to disk and still answered 200.  400 for a malformed form
 *   or missing field.
 *
 * POST /twilio/status {MessageSid, MessageStatus, ErrorCode?}
 *   Keeps the callback in the status history and moves the outbound
 *   message's status forward (never back); an unknown MessageSid is kept
 *   and logged.  200 (spooled when MariaDB is down).
 */
#include "ep/ep_twilio.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "db/db_outgoing.h"
#include "ep/ep_common.h"
#include "lib/log.h"
#include "svc/inbound.h"

static const char twiml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

/* Letters, digits, '_' and '-': Twilio's ids, status names and codes. */
static bool sid_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* What Twilio expects back from every webhook. */
static enum status answer_twiml(struct req *r)
{
	r->out->len = 0;
	buf_add(r->out, twiml, sizeof(twiml) - 1);
	r->out_type = "text/xml; charset=utf-8";
	return ST_OK;
}

/* The answer when MariaDB did not take the webhook: spooled, else 503. */
static enum status spooled(struct req *r, const char *kind)
{
	enum status st = ep_common_spool(r, kind);

	return st == ST_OK ? answer_twiml(r) : st;
}

#define FIELD_SID                                                                                  \
	{                                                                                          \
		.name = "MessageSid", .type = FT_STR, .flags = F_REQ, .min = 1, .max = 64,         \
		.valid = sid_ok, .message = "MessageSid must be 1 to 64 letters or digits"         \
	}
#define FIELD_NUMBER(nm)                                                                           \
	{                                                                                          \
		.name = nm, .type = FT_STR, .flags = F_REQ, .min = 1, .max = 32,                   \
		.valid = fields_no_controls, .message = nm " must be 1 to 32 characters"           \
	}

enum { IN_SID, IN_FROM, IN_TO, IN_BODY };

static const struct field incoming_fields[] = {
	[IN_SID] = FIELD_SID,
	[IN_FROM] = FIELD_NUMBER("From"),
	[IN_TO] = FIELD_NUMBER("To"),
	[IN_BODY] = {.name = "Body", .type = FT_STR, .flags = F_REQ},
};

/* NumMedia as Twilio sent it: a count, bounded; anything else is 0 (and
 * logged): the message is kept whatever its media look like. */
static long media_count(const struct req *r, const char *sid)
{
	const struct kv *v = kv_get(&r->form, "NumMedia", NULL);
	char *end;
	long n;

	if (v == NULL || v->vlen == 0)
		return 0;
	n = v->vlen <= 6 ? strtol(v->value, &end, 10) : -1;
	if (n < 0 || v->vlen > 6 || end != v->value + v->vlen) {
		log_msg(LOG_WARN, "twilio", "%s: NumMedia is not a count; media dropped", sid);
		return 0;
	}
	return n;
}

/* The valid media of the message into m (stored form, svc/inbound.h). */
static void media_of(struct req *r, struct incoming *m)
{
	long n = media_count(r, m->provider_message_id), i;
	const struct kv *url, *type;
	struct inbound_media it;
	const char *why;
	char name[32];

	if (n > INBOUND_MEDIA_MAX)
		log_msg(LOG_WARN, "twilio", "%s: NumMedia %ld, only the first %d media kept",
			m->provider_message_id, n, INBOUND_MEDIA_MAX);
	for (i = 0; i < n && i < INBOUND_MEDIA_MAX; i++) {
		snprintf(name, sizeof(name), "MediaUrl%ld", i);
		url = kv_get(&r->form, name, NULL);
		snprintf(name, sizeof(name), "MediaContentType%ld", i);
		type = kv_get(&r->form, name, NULL);
		why = url == NULL ? "no URL given"
				  : inbound_media_invalid(url->value, url->vlen,
							  type ? type->value : NULL,
							  type ? type->vlen : 0);
		if (why != NULL) {
			log_msg(LOG_WARN, "twilio", "%s: media %ld dropped: %s",
				m->provider_message_id, i, why);
			continue;
		}
		it = (struct inbound_media){url->value, url->vlen, type ? type->value : NULL,
					    type ? type->vlen : 0};
		inbound_media_append(r->a, &m->media, &it);
		m->num_media++;
	}
}

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
		.usemodem = -1,
		.port = -1,
	};
	struct inbound_stored res;

	media_of(r, &m);
	if (inbound_store(r->db, r->a, r->cfg, &m, &res) != DB_OK)
		return spooled(r, "twilio_incoming");
	if (res.client_id == 0 && !res.duplicate)
		log_msg(LOG_WARN, "twilio", "msg_%lld: no route for the receiving number", res.id);
	return answer_twiml(r);
}

const struct endpoint ep_twilio_incoming = ENDPOINT(incoming, incoming_fields);

enum { ST_SID, ST_STATUS, ST_ERROR };

static const struct field status_fields[] = {
	[ST_SID] = FIELD_SID,
	[ST_STATUS] = {.name = "MessageStatus",
		       .type = FT_STR,
		       .flags = F_REQ,
		       .min = 1,
		       .max = 32,
		       .valid = sid_ok,
		       .message = "MessageStatus must be a status name"},
	[ST_ERROR] = {.name = "ErrorCode",
		      .type = FT_STR,
		      .max = 16,
		      .valid = sid_ok,
		      .message = "ErrorCode must be a code"},
};

static enum status status_cb(struct req *r)
{
	const struct fval *in = r->in;
	const char *code = in[ST_ERROR].present && in[ST_ERROR].len > 0 ? in[ST_ERROR].s : NULL;
	bool known = false;

	if (db_outgoing_status_event(r->db, r->a, "twilio", in[ST_SID].s, in[ST_STATUS].s, code,
				     &known) != DB_OK)
		return spooled(r, "twilio_status");
	if (!known)
		log_msg(LOG_WARN, "twilio", "status %s for unknown MessageSid %s", in[ST_STATUS].s,
			in[ST_SID].s);
	return answer_twiml(r);
}

const struct endpoint ep_twilio_status = ENDPOINT(status_cb, status_fields);
