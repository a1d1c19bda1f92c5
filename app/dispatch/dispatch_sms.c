/*
 * Job kinds "sms" and "ack_sms": every SMS Ibiki sends.  An "sms" job
 * sends the outgoing row it was queued with (svc/outbound.c, in the same
 * transaction); an "ack_sms" job (queued by the ingest procedure with its
 * inbound message) first makes its acknowledgement's row, linked to the
 * job in one transaction, and from then on is sent the same way.  The
 * request is built and the answer read by the provider client
 * (upstream/upstream.h); the outcome is recorded by svc/outbound.c.
 *
 * At most once to the provider (DESIGN "Outbound messages"):
 *   SENT       the row is sent (the provider's id), the job delivered;
 *   RETRY      surely not taken (unreachable, 429, Twilio 5xx): tried
 *              again after backoff, failed after [push] max_attempts; a
 *              429 also holds the whole route back (Retry-After, or 1 s);
 *   REJECTED   the row is failed, the job dead;
 *   UNKNOWN    no answer after the request went out: never sent again
 *              blindly -- the job moves to phase "reconcile".
 * A job whose earlier attempt has no recorded outcome (its dispatcher died
 * with the request out; see Q_LEASE in db_outbox.c) is reconciled too.
 * Reconciling asks the provider for the message (Twilio: Messages.json by
 * To, From, DateSent>=, same body, a sid no other row has): found -> sent
 * with that sid; not found -> asked again every RECONCILE_EVERY_MS until
 * [upstream] reconcile_window_s has passed, then sent once more (only
 * once); a provider with no lookup (Extreme) -> failed outcome_unknown.
 *
 * Throttle: a route with a rate (mps, or [upstream] default_mps) takes a
 * send slot before each send (db_outbox_route_reserve, shared by every
 * dispatcher); a job that finds its route busy is put back until the slot
 * is free, without counting an attempt.
 */
#include <stdio.h>
#include <string.h>

#include "db/db_outbox.h"
#include "db/db_outgoing.h"
#include "dispatch/dispatch_kind.h"
#include "lib/log.h"
#include "svc/inbound.h"
#include "db/db_optouts.h"
#include "svc/optout.h"
#include "svc/outbound.h"
#include "upstream/upstream.h"

#define RECONCILE_EVERY_MS 2000
#define OPTED_OUT_TEXT	   "The recipient has opted out (STOP); not sent"
#define PENALTY_429_MS	   1000 /* a route's pause after a 429 without Retry-After */

/* The acknowledgement of j's message, as a send from the system, back
 * the way it came: "recognized" for a message, the [optout] text for a
 * keyword (which alone may go to a number that opted out).  -1 when
 * there is nothing to send (the text was emptied since). */
static int ack_of(const struct dispatcher *d, const struct outbox_job *j, struct send_req *rq)
{
	enum optout_keyword k = optout_keyword_of(j->msg.keyword);
	const char *text = k == OPTOUT_NONE ? INBOUND_ACK_TEXT : optout_reply_text(d->cfg, k);
	bool extreme = j->msg.provider != NULL && strcmp(j->msg.provider, "extreme") == 0;

	memset(rq, 0, sizeof(*rq));
	if (text == NULL)
		return -1;
	rq->client_id = j->client_id;
	rq->provider = extreme ? "extreme" : "twilio";
	rq->to = j->msg.from;
	rq->from = extreme ? NULL : j->msg.to;
	rq->usemodem = extreme ? j->msg.usemodem : -1;
	rq->port = extreme ? j->msg.port : -1;
	rq->body = text;
	rq->body_len = strlen(text);
	rq->sent_by = "system";
	rq->operator_id = "system";
	rq->operator_name = "Ibiki";
	rq->in_reply_to = j->msg.id;
	rq->optout_reply = k != OPTOUT_NONE;
	return 0;
}

/* An acknowledgement's first claim: its row is made and linked, and the
 * job comes back at once with the row and its route's rate.  None is
 * made for a number that opted out (the job ends dead, nothing sent). */
static void make_ack_row(struct dispatcher *d, const struct outbox_job *j)
{
	struct send_req rq;
	struct outgoing m;
	enum db_rc rc;

	if (ack_of(d, j, &rq) < 0) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", "no answer is configured");
		return;
	}
	rc = outbound_queue(d->db, &d->a, &rq, j->id, &m);
	if (rc == DB_REFUSED) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", OPTED_OUT_TEXT);
		return;
	}
	if (rc != DB_OK && rc != DB_DUP)
		log_msg(LOG_WARN, "dispatch", "outbox %lld: cannot record the acknowledgement",
			j->id);
	dispatch_settle(d, j, OUTBOX_DEFER, rc == DB_OK || rc == DB_DUP ? 1 : DISPATCH_DEFER_MS,
			NULL, NULL);
}

/* The slot for j's transfer to its provider, filled with what finish
 * needs; NULL when the provider has no room (j is put back). */
static struct xfer *take(struct dispatcher *d, const struct outbox_job *j,
			 const struct upstream_msg *msg)
{
	const struct dispatch_kind *k =
		strcmp(j->kind, "ack_sms") == 0 ? &dispatch_ack : &dispatch_sms;
	struct xfer *x = dispatch_xfer_take(d, k, j, upstream_name(msg->provider));

	if (x == NULL)
		return NULL;
	x->outgoing_id = j->out.id;
	x->route_id = j->out.route_id;
	x->provider = (int)msg->provider;
	snprintf(x->to, sizeof(x->to), "%s", msg->to);
	snprintf(x->from, sizeof(x->from), "%s", msg->from ? msg->from : "");
	x->resent = j->resent;
	x->window_over = j->window_over;
	return x;
}

/* The options of every provider call, then out it goes. */
static void call_out(struct dispatcher *d, struct xfer *x, const struct upstream_call *call)
{
	size_t i;

	dispatch_xfer_prepare(d, x, call->url, call->timeout_s);
	if (call->body == NULL)
		curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, 5L);
	if (call->userpwd != NULL) {
		curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(x->easy, CURLOPT_USERPWD, call->userpwd);
	}
	for (i = 0; call->headers[i] != NULL; i++)
		x->headers = curl_slist_append(x->headers, call->headers[i]);
	x->headers = curl_slist_append(x->headers, "Expect:");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	dispatch_xfer_start(d, x);
}

/* The outcome is unknown for good: failed outcome_unknown, the job dead. */
static void give_up(struct dispatcher *d, long long outgoing_id, const char *why)
{
	struct upstream_outcome up = {
		.result = UPSTREAM_UNKNOWN, .code = "outcome_unknown", .message = why};

	outbound_settle(d->db, &d->ra, outgoing_id, &up);
}

static void reconcile_start(struct dispatcher *d, const struct outbox_job *j,
			    const struct upstream_msg *msg)
{
	struct upstream_call call;
	char day[11];
	struct xfer *x;

	/* The day it was queued (UTC, as the database keeps it): Twilio's
	 * DateSent>= filter is by day. */
	snprintf(day, sizeof(day), "%.10s", j->out.queued_at ? j->out.queued_at : "1970-01-01");
	if (upstream_lookup_prepare(d->cfg, &d->a, msg, day, &call) < 0) {
		give_up(d, j->out.id,
			arena_printf(&d->ra,
				     "Outcome unknown: %s may have sent it, and it cannot be "
				     "looked up; not resent",
				     upstream_name(msg->provider)));
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", "outcome unknown");
		return;
	}
	if ((x = take(d, j, msg)) == NULL)
		return;
	x->reconcile = true;
	/* The body to look for rides in the (unused) request buffer. */
	if (buf_add(&x->req, msg->body, msg->body_len) < 0) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", "message too large");
		return;
	}
	call_out(d, x, &call);
}

/* May the route send now?  Else j is put back until it may. */
static bool route_free(struct dispatcher *d, const struct outbox_job *j)
{
	long long wait_ms = j->route_wait_ms;

	if (wait_ms == 0 && j->route_mps > 0 && j->out.route_id > 0 &&
	    db_outbox_route_reserve(d->db, &d->a, j->out.route_id, j->route_mps, &wait_ms) != DB_OK)
		wait_ms = DISPATCH_DEFER_MS;
	if (wait_ms == 0)
		return true;
	dispatch_settle(d, j, OUTBOX_DEFER, wait_ms, NULL, NULL);
	return false;
}

static void start(struct dispatcher *d, const struct outbox_job *j)
{
	struct upstream_msg msg;
	struct upstream_call call;
	struct upstream_outcome up;
	struct xfer *x;

	if (!j->has_out) {
		if (strcmp(j->kind, "ack_sms") == 0)
			make_ack_row(d, j);
		else
			dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", "the message is gone");
		return;
	}
	/* Already settled (adopted by a reconcile, or a sweep of a row whose
	 * outcome was written): nothing to send. */
	if (strcmp(j->out.status, "queued") != 0) {
		dispatch_settle(
			d, j, strcmp(j->out.status, "failed") == 0 ? OUTBOX_DEAD : OUTBOX_DELIVERED,
			0, "delivered", NULL);
		return;
	}
	/* Opted out since it was queued: refused before the provider sees it
	 * (a reconcile still looks for what may have gone out); the answer to
	 * a keyword alone still goes. */
	if (j->suppressed && !j->reconcile &&
	    !(strcmp(j->kind, "ack_sms") == 0 && j->msg.keyword != NULL)) {
		up = (struct upstream_outcome){.result = UPSTREAM_REJECTED,
					       .code = "recipient_opted_out",
					       .message = OPTED_OUT_TEXT};
		outbound_settle(d->db, &d->ra, j->out.id, &up);
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", up.message);
		return;
	}
	outbound_msg(&j->out, &msg);
	if (j->reconcile) {
		reconcile_start(d, j, &msg);
		return;
	}
	if (upstream_prepare(d->cfg, &d->a, &msg, &call, &up) < 0) {
		outbound_settle(d->db, &d->ra, j->out.id, &up);
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", up.message);
		return;
	}
	if (!route_free(d, j) || (x = take(d, j, &msg)) == NULL)
		return;
	if (buf_add(&x->req, call.body, call.body_len) < 0) {
		up.result = UPSTREAM_REJECTED;
		up.message = "Message too large to encode";
		outbound_settle(d->db, &d->ra, j->out.id, &up);
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", up.message);
		return; /* the slot was not started: it stays free */
	}
	call_out(d, x, &call);
}

/* A reconcile's answer: adopt the first candidate no other row has. */
static void reconcile_finish(struct dispatcher *d, struct xfer *x, CURLcode code, long http,
			     struct outbox_result *r)
{
	struct upstream_msg msg = {.provider = (enum upstream_provider)x->provider,
				   .to = x->to,
				   .from = x->from,
				   .body = x->req.p,
				   .body_len = x->req.len};
	const char **ids;
	size_t n = 0, i;
	int ok = code == CURLE_OK ? upstream_lookup_answer(&d->ra, &msg, http, x->resp.p,
							   x->resp.len, &ids, &n)
				  : -1;

	for (i = 0; ok == 0 && i < n; i++) {
		if (db_outgoing_mark_sent(d->db, &d->ra, x->outgoing_id, ids[i]) != DB_OK)
			continue; /* another message's, or not writable now */
		log_msg(LOG_INFO, "dispatch", "out_%lld reconciled: %s has it as %s",
			x->outgoing_id, upstream_name(msg.provider), ids[i]);
		r->outcome = OUTBOX_DELIVERED;
		r->attempt_kind = "delivered";
		d->st->delivered++;
		return;
	}
	r->attempt_kind = "failed";
	r->error = ok < 0 ? arena_printf(&d->ra, "message lookup failed (HTTP %ld, %s)", http,
					 curl_easy_strerror(code))
			  : "not found at the provider yet";
	if (!x->window_over) {
		r->outcome = OUTBOX_RETRY;
		r->delay_ms = RECONCILE_EVERY_MS;
	} else if (ok == 0 && !x->resent) {
		/* Surely absent after the provider's window: the one resend. */
		r->outcome = OUTBOX_RETRY;
		r->delay_ms = 0;
		r->phase = OUTBOX_PHASE_RESEND;
	} else {
		give_up(d, x->outgoing_id,
			"Outcome unknown: the provider neither confirmed nor listed the message; "
			"not resent");
		r->outcome = OUTBOX_DEAD;
		d->st->dead++;
	}
}

/* Twilio refuses a number that texted STOP to it (21610): the number is
 * suppressed here too, for every route of the client. */
static void suppress_if_unsubscribed(struct dispatcher *d, struct xfer *x,
				     const struct upstream_outcome *up)
{
	struct optout_change c = {.opted_out = true,
				  .provider = "twilio",
				  .source = "provider",
				  .outgoing_id = x->outgoing_id};
	bool changed;

	if (x->provider != UPSTREAM_TWILIO || up->code == NULL ||
	    strcmp(up->code, UPSTREAM_TWILIO_UNSUBSCRIBED) != 0 || x->client_id <= 0)
		return;
	if (db_optouts_change(d->db, &d->ra, x->client_id, x->to, &c, &changed) != DB_OK)
		log_msg(LOG_ERROR, "dispatch",
			"out_%lld: Twilio says the recipient unsubscribed"
			" (21610), but the suppression is not recorded",
			x->outgoing_id);
	else if (changed)
		log_msg(LOG_INFO, "dispatch", "out_%lld: recipient suppressed (Twilio 21610)",
			x->outgoing_id);
}

static void finish(struct dispatcher *d, struct xfer *x, CURLcode code, struct outbox_result *r)
{
	struct upstream_outcome up = {0};
	enum httpc_outcome t = HTTPC_OK;
	long http = 0, sent = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent);
	r->http_status = http;
	if (x->reconcile) {
		reconcile_finish(d, x, code, http, r);
		return;
	}
	if (code != CURLE_OK)
		t = sent > 0 ? HTTPC_UNKNOWN : HTTPC_NOT_SENT;
	upstream_interpret((enum upstream_provider)x->provider, &d->ra, t, http, x->resp.p,
			   x->resp.len, x->retry_after, curl_easy_strerror(code), &up);
	r->error = up.message;
	switch (up.result) {
	case UPSTREAM_SENT:
		r->outcome = OUTBOX_DELIVERED;
		r->attempt_kind = "delivered";
		d->st->delivered++;
		outbound_settle(d->db, &d->ra, x->outgoing_id, &up);
		break;
	case UPSTREAM_RETRY:
		r->attempt_kind = "failed";
		if (http == 429 && x->route_id > 0)
			db_outbox_route_penalty(d->db, x->route_id,
						up.retry_after_s > 0 ? up.retry_after_s * 1000
								     : PENALTY_429_MS);
		dispatch_failed(d, r, x->retry_after);
		if (r->outcome == OUTBOX_DEAD)
			outbound_settle(d->db, &d->ra, x->outgoing_id, &up);
		break;
	case UPSTREAM_UNKNOWN:
		/* It may have been sent: look it up, never resend blindly. */
		r->attempt_kind = code == CURLE_OPERATION_TIMEDOUT ? "timeout" : "failed";
		r->outcome = OUTBOX_RETRY;
		r->delay_ms = RECONCILE_EVERY_MS;
		r->phase = OUTBOX_PHASE_RECONCILE;
		d->st->retried++;
		break;
	case UPSTREAM_REJECTED:
	case UPSTREAM_RESULT__MAX:
		r->attempt_kind = "failed";
		r->outcome = OUTBOX_DEAD; /* refused: sending again changes nothing */
		d->st->dead++;
		outbound_settle(d->db, &d->ra, x->outgoing_id, &up);
		suppress_if_unsubscribed(d, x, &up);
		break;
	}
}

const struct dispatch_kind dispatch_sms = {"sms", true, start, NULL, finish};
const struct dispatch_kind dispatch_ack = {"ack_sms", true, start, NULL, finish};
