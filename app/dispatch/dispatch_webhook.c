/*
 * Job kinds "webhook" and "status": one signed delivery to a client's
 * webhook (DESIGN "Push delivery").  The payload is built now, from the
 * stored message, by the serializer its API uses: {"type": "sms.received",
 * "data": <inbox object>} for an inbound message, {"type": "sms.status",
 * "data": <message object>} for a status change of an outgoing one (the
 * status and history as of that change: the job's history row).  Status
 * events of one message go out in order: one whose predecessor is still
 * pending is put back.  It is signed as it goes out (X-Ibiki-Signature and
 * the Standard Webhooks headers, webhook-timestamp being this attempt's
 * time).
 *
 * HTTPS only, no redirects, connect and total timeouts and a low-speed
 * abort, the answer read up to 64 KiB, and the destination address checked
 * when the socket is opened (netcheck_addr_forbidden), so that a name that
 * now resolves to a private address is refused.
 *
 * Outcomes: 2xx delivered; 410 dead and the client's endpoint disabled
 * until re-registered; anything else (3xx, 4xx, 5xx, timeout, refused, TLS
 * failure, blocked address) a failed attempt, retried by the engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "db/db_outgoing.h"
#include "dispatch/dispatch_kind.h"
#include "lib/jsonw.h"
#include "lib/netcheck.h"
#include "lib/sign.h"
#include "lib/timeutil.h"
#include "svc/views.h"

#define DEFER_DISABLED_MS (3600 * 1000)
#define DEFER_IN_ORDER_MS 500 /* an event waiting for the one before it */

/* The address curl is about to connect to, checked: the one that counts,
 * whatever the name resolved to at registration. */
static curl_socket_t on_open(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct dispatcher *d = ((void **)ud)[0];
	struct xfer *x = ((void **)ud)[1];

	(void)purpose;
	if (netcheck_addr_forbidden(&addr->addr, d->cfg->push.allow_loopback)) {
		x->blocked = true;
		snprintf(x->blocked_why, sizeof(x->blocked_why),
			 "destination address refused: loopback, private or reserved");
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* Sign the delivery now, as it goes out. */
static void activate(struct dispatcher *d, struct xfer *x)
{
	char ts[24], hdr[160], sig[72];
	unsigned char key[256];
	size_t klen;

	(void)d;
	snprintf(ts, sizeof(ts), "%lld", (long long)timeutil_now_s());
	snprintf(hdr, sizeof(hdr), "webhook-timestamp: %s", ts);
	x->headers = curl_slist_append(x->headers, hdr);
	if (x->signed_hook) {
		sign_ibiki(x->secret, strlen(x->secret), x->req.p, x->req.len, sig);
		snprintf(hdr, sizeof(hdr), "X-Ibiki-Signature: %s", sig);
		x->headers = curl_slist_append(x->headers, hdr);
		klen = sign_standard_key(x->secret, key);
		sign_standard(key, klen, x->event_id, atoll(ts), x->req.p, x->req.len, sig,
			      sizeof(sig));
		snprintf(hdr, sizeof(hdr), "webhook-signature: %s", sig);
		x->headers = curl_slist_append(x->headers, hdr);
	}
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
}

/* The body: {"type":"sms.received","data":<the inbox's object>}, or
 * {"type":"sms.status","data":<the message object as of the change>}.
 * Returns 0, or -1 when the history cannot be read now. */
static int payload(struct dispatcher *d, struct xfer *x, const struct outbox_job *j, bool status)
{
	struct outgoing_history *h = NULL;
	size_t nh = 0;
	struct jsonw w;

	if (status && db_outgoing_history(d->db, &d->a, j->out.id, j->history_id, &h, &nh) != DB_OK)
		return -1;
	jsonw_init(&w, &x->req);
	jsonw_obj(&w);
	jsonw_kstr(&w, "type", status ? "sms.status" : "sms.received");
	jsonw_key(&w, "data");
	if (status)
		views_message(&w, &j->out, h, nh);
	else
		views_inbound(&w, &j->msg);
	jsonw_obj_end(&w);
	return 0;
}

static void start(struct dispatcher *d, const struct outbox_job *j)
{
	const struct config *cfg = d->cfg;
	struct netcheck_url u;
	struct xfer *x;
	const char *why;
	char hdr[160], hostkey[DISPATCH_HOST_KEY];
	bool status = strcmp(j->kind, "status") == 0;

	if (status && (!j->has_out || j->history_id == 0)) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", "the message is gone");
		return;
	}
	if (status && j->blocked) {
		dispatch_settle(d, j, OUTBOX_DEFER, DEFER_IN_ORDER_MS, NULL, NULL);
		return;
	}
	if (j->url == NULL) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "failed", "no webhook URL is registered");
		return;
	}
	if (j->disabled) {
		dispatch_settle(d, j, OUTBOX_DEFER, DEFER_DISABLED_MS, NULL, NULL);
		return;
	}
	why = netcheck_url(j->url, strlen(j->url), cfg->push.allow_loopback, &u);
	if (why != NULL) {
		dispatch_settle(d, j, OUTBOX_DEAD, 0, "blocked",
				arena_printf(&d->ra, "webhook URL refused: %s", why));
		return;
	}
	snprintf(hostkey, sizeof(hostkey), "%s:%d", u.host, u.port);
	if ((x = dispatch_xfer_take(d, status ? &dispatch_status : &dispatch_webhook, j,
				    hostkey)) == NULL)
		return;
	if (payload(d, x, j, status) < 0) {
		dispatch_settle(d, j, OUTBOX_DEFER, DISPATCH_DEFER_MS, NULL, NULL);
		return; /* the slot was not started: it stays free */
	}
	x->headers = curl_slist_append(x->headers, "Content-Type: application/json");
	x->headers = curl_slist_append(x->headers, "Expect:");
	snprintf(hdr, sizeof(hdr), "webhook-id: %s", j->event_id);
	x->headers = curl_slist_append(x->headers, hdr);
	if (j->secret != NULL) {
		snprintf(x->secret, sizeof(x->secret), "%s", j->secret);
		x->signed_hook = true;
	}
	dispatch_xfer_prepare(d, x, j->url, cfg->push.timeout_s);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, cfg->push.connect_timeout_s);
	curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(x->easy, CURLOPT_LOW_SPEED_TIME, cfg->push.timeout_s);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->push.ca_file != NULL && *cfg->push.ca_file != '\0')
		curl_easy_setopt(x->easy, CURLOPT_CAINFO, cfg->push.ca_file);
	x->open_ud[0] = d;
	x->open_ud[1] = x;
	curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, (void *)x->open_ud);
	dispatch_xfer_start(d, x);
}

static void finish(struct dispatcher *d, struct xfer *x, CURLcode code, struct outbox_result *r)
{
	long http = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	r->http_status = http;
	/* Blocked counts only when no address answered: curl goes on to a
	 * name's next address after a refused one. */
	if (x->blocked && http == 0) {
		r->attempt_kind = "blocked";
		r->error = arena_strdup(&d->ra, x->blocked_why);
		dispatch_failed(d, r, NULL);
		return;
	}
	/* A 2xx whose body overflowed the cap was still accepted. */
	if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && x->capped && http > 0)) {
		if (http >= 200 && http < 300) {
			r->outcome = OUTBOX_DELIVERED;
			r->attempt_kind = "delivered";
			d->st->delivered++;
			return;
		}
		r->attempt_kind = "failed";
		if (http == 410) {
			r->outcome = OUTBOX_DEAD;
			r->error =
				"HTTP 410: endpoint gone; deliveries stop until it is registered "
				"again";
			r->disable_client = x->client_id;
			d->st->dead++;
			return;
		}
		r->error = arena_printf(&d->ra, "HTTP %ld%s", http,
					http >= 300 && http < 400 ? " (redirects are not followed)"
								  : "");
		dispatch_failed(d, r, x->retry_after);
		return;
	}
	r->attempt_kind = code == CURLE_OPERATION_TIMEDOUT ? "timeout" : "failed";
	r->error = arena_strdup(&d->ra, curl_easy_strerror(code));
	dispatch_failed(d, r, NULL);
}

const struct dispatch_kind dispatch_webhook = {"webhook", false, start, activate, finish};
const struct dispatch_kind dispatch_status = {"status", false, start, activate, finish};
