/*
 * Job kind "ack_sms": the acknowledgement SMS of a registered sender's
 * inbound Twilio message ("Your number is recognized.  Message
 * received.").  It is an outbound message like any other: recorded queued
 * by svc/outbound.c, its request built and its answer read by the
 * provider client (upstream/upstream.h), its outcome recorded by
 * svc/outbound.c; only the transfer is the dispatcher's.
 *
 * Outcomes: SENT delivered; RETRY (unreachable, 429, 5xx) a failed
 * attempt retried by the engine; REJECTED and UNKNOWN (no answer after
 * the request went out: it may have been sent, so it is never resent)
 * dead.  The outgoing row shows the final outcome.
 */
#include <string.h>

#include "db/db_outbox.h"
#include "dispatch/dispatch_kind.h"
#include "lib/log.h"
#include "svc/inbound.h"
#include "svc/outbound.h"
#include "upstream/upstream.h"

/* The acknowledgement of j's message, as a send from the system. */
static void ack_of(const struct outbox_job *j, struct send_req *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->client_id = j->client_id;
	rq->provider = "twilio";
	rq->to = j->msg.from;
	rq->from = j->msg.to;
	rq->usemodem = rq->port = -1;
	rq->body = INBOUND_ACK_TEXT;
	rq->body_len = strlen(INBOUND_ACK_TEXT);
	rq->sent_by = "system";
	rq->operator_id = "system";
	rq->operator_name = "Ibiki";
	rq->in_reply_to = j->msg.id;
}

static void start(struct dispatcher *d, const struct outbox_job *j)
{
	struct send_req rq;
	struct send_out so;
	struct upstream_msg msg;
	struct upstream_call call;
	struct upstream_outcome up;
	struct xfer *x;
	size_t i;

	ack_of(j, &rq);
	outbound_msg(&rq, &msg);
	if (upstream_prepare(d->cfg, &d->a, &msg, &call, &up) < 0) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", up.message);
		return;
	}
	if ((x = dispatch_xfer_take(d, &dispatch_ack, j, upstream_name(msg.provider))) == NULL)
		return;
	if (x->outgoing_id == 0) {
		outbound_record(d->db, &d->a, &rq, &so);
		if (!so.recorded || db_outbox_set_outgoing(d->db, j->id, so.id) != DB_OK) {
			/* Not even recorded: leave it to the lease, it comes back. */
			log_msg(LOG_WARN, "dispatch",
				"outbox %lld: cannot record the acknowledgement", j->id);
			return;
		}
		x->outgoing_id = so.id;
	}
	if (buf_add(&x->req, call.body, call.body_len) < 0) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed",
				"cannot encode the acknowledgement");
		return;
	}
	dispatch_xfer_prepare(d, x, call.url, call.timeout_s);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, 5L);
	if (call.userpwd != NULL) {
		curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(x->easy, CURLOPT_USERPWD, call.userpwd);
	}
	for (i = 0; call.headers[i] != NULL; i++)
		x->headers = curl_slist_append(x->headers, call.headers[i]);
	x->headers = curl_slist_append(x->headers, "Expect:");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	dispatch_xfer_start(d, x);
}

static void finish(struct dispatcher *d, struct xfer *x, CURLcode code, struct outbox_result *r)
{
	struct upstream_outcome up = {0};
	enum httpc_outcome t = HTTPC_OK;
	long http = 0, sent = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent);
	if (code != CURLE_OK)
		t = sent > 0 ? HTTPC_UNKNOWN : HTTPC_NOT_SENT;
	upstream_interpret(UPSTREAM_TWILIO, &d->ra, t, http, x->resp.p, x->resp.len, x->retry_after,
			   curl_easy_strerror(code), &up);
	r->http_status = http;
	r->error = up.message;
	switch (up.result) {
	case UPSTREAM_SENT:
		r->outcome = OUTBOX_DELIVERED;
		r->attempt_kind = "delivered";
		d->st->delivered++;
		break;
	case UPSTREAM_RETRY:
		r->attempt_kind = "failed";
		dispatch_failed(d, r, x->retry_after);
		break;
	case UPSTREAM_UNKNOWN:
		r->attempt_kind = code == CURLE_OPERATION_TIMEDOUT ? "timeout" : "failed";
		r->outcome = OUTBOX_DEAD;
		d->st->dead++;
		break;
	case UPSTREAM_REJECTED:
	case UPSTREAM_RESULT__MAX:
		r->attempt_kind = "failed";
		r->outcome = OUTBOX_DEAD; /* refused: sending again changes nothing */
		d->st->dead++;
		break;
	}
	if (r->outcome == OUTBOX_DELIVERED || r->outcome == OUTBOX_DEAD)
		outbound_settle(d->db, &d->ra, x->outgoing_id, &up, NULL);
}

const struct dispatch_kind dispatch_ack = {"ack_sms", start, NULL, finish};
