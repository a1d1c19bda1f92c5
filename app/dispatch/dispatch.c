/*
 * Delivery engine.  See dispatch.h.
 *
 * One loop: claim what is due into free transfer slots, drive the multi
 * handle for up to 100 ms (200 ms when idle, so new jobs go out well
 * within a second), collect finished transfers into results, and write
 * the results in one transaction.  Jobs carry no payload: the webhook body
 * is built here from the stored message by the inbox's own serializer.
 */
#include "dispatch/dispatch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/crypto.h"
#include "db/db.h"
#include "db/db_outbox.h"
#include "db/db_outgoing.h"
#include "lib/enc.h"
#include "upstream/httpc.h"
#include "svc/inbound.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/netcheck.h"
#include "lib/sign.h"
#include "svc/sms.h"
#include "dispatch/dispatch_spool.h"
#include "lib/timeutil.h"
#include "upstream/twilio.h"
#include "svc/webhooks.h"
#include "svc/views.h"

#define RESP_CAP	    (64 * 1024)
#define HEAD_LOG	    256
#define HOST_KEY	    272
#define WEBHOOK_SECRET_SLOT 260
#define DEFER_BUSY_MS	    1000
#define DRAIN_LIMIT_MS	    10000 /* stopping: how long to retry writing results */
#define DEFER_DISABLED_MS   (3600 * 1000)
#define SPOOL_EVERY_MS	    5000
#define IDLE_WAIT_MS	    200
#define BUSY_WAIT_MS	    100

enum xkind { X_WEBHOOK, X_ACK };

enum xstate { X_FREE, X_WAITING, X_ACTIVE };

/* One transfer slot, reused: free, prepared and waiting for its host to
 * have room, or active in curl. */
struct xfer {
	enum xstate state;
	enum xkind kind;
	CURL *easy;
	struct curl_slist *headers;
	struct buf req;
	struct buf resp;
	bool capped;
	bool blocked;
	char blocked_why[96];
	char host[HOST_KEY];
	char retry_after[32];
	int64_t started_ms;
	double t0;
	double claimed; /* mono ms: when start() took the claimed job */
	long long id, attempt, client_id, outgoing_id;
	char event_id[OUTBOX_EVENT_ID_LEN + 8];
	char secret[WEBHOOK_SECRET_SLOT]; /* webhooks: signed when started */
	bool signed_hook;
	void *open_ud[2]; /* engine and slot, for on_open */
};

struct host_count {
	char key[HOST_KEY];
	int n;	     /* active */
	int waiting; /* prepared, waiting for room */
};

struct dispatcher {
	const struct config *cfg;
	struct db *db;
	CURLM *multi;
	struct xfer *x;
	size_t nx, busy;   /* busy: slots waiting or active */
	double last_defer; /* when this run last deferred a job (mono ms) */
	struct host_count *hosts;
	size_t nhosts;
	struct outbox_result *results; /* ncap entries */
	size_t nresults, ncap;
	struct arena a;	 /* claims */
	struct arena ra; /* results' strings, until written */
	char owner[160];
	struct dispatch_stats *st;
	bool allow_loopback;
	bool curl_ready; /* curl_global_init done */
};

/* --- per-host accounting ----------------------------------------------- */

static struct host_count *host_get(struct dispatcher *d, const char *key, bool create)
{
	size_t i;

	struct host_count *idle = NULL;

	for (i = 0; i < d->nhosts; i++) {
		if (strcmp(d->hosts[i].key, key) == 0)
			return &d->hosts[i];
		if (d->hosts[i].n <= 0 && d->hosts[i].waiting <= 0 && idle == NULL)
			idle = &d->hosts[i];
	}
	if (!create)
		return NULL;
	if (idle == NULL) {
		if (d->nhosts == d->nx)
			return NULL;
		idle = &d->hosts[d->nhosts++];
	}
	snprintf(idle->key, HOST_KEY, "%s", key);
	idle->n = idle->waiting = 0;
	return idle;
}

static void host_release(struct dispatcher *d, const char *key)
{
	struct host_count *h = host_get(d, key, false);

	if (h != NULL && --h->n <= 0 && h->waiting <= 0)
		*h = d->hosts[--d->nhosts]; /* keep the table small */
}

/* --- curl callbacks ------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n, room = RESP_CAP - x->resp.len;

	if (len > room) {
		/* Past the cap: keep what fits and stop reading. */
		buf_add(&x->resp, p, room);
		x->capped = true;
		return 0;
	}
	buf_add(&x->resp, p, len);
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;

	httpc_retry_after(p, size * n, x->retry_after, sizeof(x->retry_after));
	return size * n;
}

/* The address curl is about to connect to, checked: the one that counts,
 * whatever the name resolved to at registration. */
static curl_socket_t on_open(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct dispatcher *d = ((void **)ud)[0];
	struct xfer *x = ((void **)ud)[1];

	(void)purpose;
	if (netcheck_addr_forbidden(&addr->addr, d->allow_loopback)) {
		x->blocked = true;
		snprintf(x->blocked_why, sizeof(x->blocked_why),
			 "destination address refused: loopback, private or reserved");
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* --- results -------------------------------------------------------------- */

static long long backoff_ms(const struct config *cfg, long long attempt)
{
	double base = (double)cfg->push.backoff_base_s * 1000.0;
	double ms = base * (double)(1LL << (attempt > 30 ? 30 : attempt - 1));
	unsigned char r[2];
	double jitter;

	crypto_random(r, sizeof(r));
	jitter = 0.5 + (double)((r[0] << 8) | r[1]) / 65536.0; /* 0.5 .. 1.5 */
	ms *= jitter;
	if (ms > (double)cfg->push.backoff_max_s * 1000.0)
		ms = (double)cfg->push.backoff_max_s * 1000.0;
	return (long long)ms;
}

static struct outbox_result *result_for(struct dispatcher *d, long long id, long long attempt)
{
	struct outbox_result *r = &d->results[d->nresults++];

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->attempt = attempt;
	return r;
}

/* A failed attempt: retried after backoff (or Retry-After), dead after
 * max_attempts. */
static void failed(struct dispatcher *d, struct outbox_result *r, const char *retry_after)
{
	long long ra = retry_after && *retry_after ? strtoll(retry_after, NULL, 10) : 0;

	if (r->attempt >= d->cfg->push.max_attempts) {
		r->outcome = OUTBOX_DEAD;
		d->st->dead++;
		return;
	}
	r->outcome = OUTBOX_RETRY;
	r->delay_ms = backoff_ms(d->cfg, r->attempt);
	if (ra > 0 && (r->http_status == 429 || r->http_status == 503))
		r->delay_ms =
			(ra > d->cfg->push.backoff_max_s ? d->cfg->push.backoff_max_s : ra) * 1000;
	d->st->retried++;
}

/* A job settled without a transfer (nothing to send to, or not now). */
static void settle(struct dispatcher *d, const struct outbox_job *j, enum outbox_outcome o,
		   long long delay_ms, const char *kind, const char *error)
{
	struct outbox_result *r = result_for(d, j->id, j->attempts);

	r->outcome = o;
	r->delay_ms = delay_ms;
	r->attempt_kind = kind;
	r->error = error ? arena_strdup(&d->ra, error) : NULL;
	r->started_ms = timeutil_now_ms();
	if (o == OUTBOX_DEFER) {
		d->st->deferred++;
		d->last_defer = timeutil_mono_ms();
	} else if (o == OUTBOX_DEAD)
		d->st->dead++;
}

/* --- starting transfers ------------------------------------------------------ */

static struct xfer *free_slot(struct dispatcher *d)
{
	size_t i;

	for (i = 0; i < d->nx; i++)
		if (d->x[i].state == X_FREE)
			return &d->x[i];
	return NULL;
}

static void slot_reset(struct xfer *x)
{
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	buf_reset(&x->req, 64 * 1024);
	buf_reset(&x->resp, RESP_CAP + 1);
	x->capped = x->blocked = x->signed_hook = false;
	x->blocked_why[0] = x->retry_after[0] = x->host[0] = x->secret[0] = '\0';
}

static void common_opts(struct dispatcher *d, struct xfer *x, const char *url)
{
	CURL *c = x->easy;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, x);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->req.p);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)x->req.len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Ibiki/" PACKAGE_VERSION);
	/* HTTP/2 where the receiver offers it: transfers share established
	 * connections.  No CURLOPT_PIPEWAIT and no curl connection caps: a
	 * transfer queued inside curl waiting for a connection does not time
	 * out (libcurl 7.88), so concurrency is bounded by our own slots and
	 * per-host counts instead. */
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	(void)d;
}

/* Sign a webhook now, as it goes out: webhook-timestamp is this
 * attempt's time. */
static void sign_webhook(struct xfer *x)
{
	char ts[24], hdr[160], sig[72];
	unsigned char key[256];
	size_t klen;

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

static void activate(struct dispatcher *d, struct xfer *x, struct host_count *h)
{
	if (x->kind == X_WEBHOOK)
		sign_webhook(x);
	x->state = X_ACTIVE;
	x->started_ms = timeutil_now_ms();
	x->t0 = timeutil_mono_ms();
	h->n++;
	curl_multi_add_handle(d->multi, x->easy);
}

/* A prepared slot goes out now if its host has room, else waits. */
static void start(struct dispatcher *d, struct xfer *x, struct host_count *h)
{
	d->busy++;
	x->claimed = timeutil_mono_ms();
	if (h->n < d->cfg->push.max_per_host) {
		activate(d, x, h);
	} else {
		x->state = X_WAITING;
		h->waiting++;
	}
}

/* Room for one more on this host, active or waiting?  Beyond twice the
 * host's share the job goes back to the database for a while, so that one
 * slow host never holds all the slots. */
static bool host_has_room(const struct dispatcher *d, const struct host_count *h)
{
	return h != NULL && h->n + h->waiting < 3 * d->cfg->push.max_per_host;
}

/* Would an attempt started now still be running when the job's lease
 * ends?  Then another dispatcher could claim it meanwhile: it must not
 * start. */
static bool outlasts_lease(const struct dispatcher *d, const struct xfer *x)
{
	const struct config *c = d->cfg;
	double attempt_ms =
		1000.0 * (double)(x->kind == X_WEBHOOK ? c->push.timeout_s : c->twilio.timeout_s);

	return timeutil_mono_ms() - x->claimed + attempt_ms + 2000.0 >
	       1000.0 * (double)c->push.lease_s;
}

/* A waiting slot's job goes back to the database, without counting an
 * attempt, and the slot is free. */
static void give_back(struct dispatcher *d, struct xfer *x)
{
	struct outbox_result *r = result_for(d, x->id, x->attempt);

	r->outcome = OUTBOX_DEFER;
	r->delay_ms = DEFER_BUSY_MS;
	r->started_ms = timeutil_now_ms();
	d->st->deferred++;
	d->last_defer = timeutil_mono_ms();
	x->state = X_FREE;
	d->busy--;
}

/* Start the waiting slots whose host has room again: those that can still
 * finish within their lease. */
static void promote(struct dispatcher *d)
{
	size_t i;

	for (i = 0; i < d->nx; i++) {
		struct xfer *x = &d->x[i];
		struct host_count *h;

		if (x->state != X_WAITING)
			continue;
		h = host_get(d, x->host, false);
		if (h == NULL || h->n >= d->cfg->push.max_per_host)
			continue;
		h->waiting--;
		if (outlasts_lease(d, x))
			give_back(d, x);
		else
			activate(d, x, h);
	}
}

static void start_webhook(struct dispatcher *d, const struct outbox_job *j)
{
	const struct config *cfg = d->cfg;
	struct netcheck_url u;
	struct host_count *h;
	struct xfer *x;
	const char *why;
	struct jsonw w;
	char hdr[160], hostkey[HOST_KEY];

	if (j->url == NULL) {
		settle(d, j, OUTBOX_DEAD, 0, "failed", "no webhook URL is registered");
		return;
	}
	if (j->disabled) {
		settle(d, j, OUTBOX_DEFER, DEFER_DISABLED_MS, NULL, NULL);
		return;
	}
	why = netcheck_url(j->url, strlen(j->url), d->allow_loopback, &u);
	if (why != NULL) {
		settle(d, j, OUTBOX_DEAD, 0, "blocked",
		       arena_printf(&d->ra, "webhook URL refused: %s", why));
		return;
	}
	snprintf(hostkey, sizeof(hostkey), "%s:%d", u.host, u.port);
	h = host_get(d, hostkey, true);
	if (!host_has_room(d, h)) {
		/* This destination has its share in flight and waiting: try
		 * again shortly, without counting an attempt. */
		settle(d, j, OUTBOX_DEFER, DEFER_BUSY_MS, NULL, NULL);
		return;
	}
	x = free_slot(d);
	slot_reset(x);
	memcpy(x->host, hostkey, sizeof(hostkey));
	x->kind = X_WEBHOOK;
	x->id = j->id;
	x->attempt = j->attempts;
	x->client_id = j->client_id;
	snprintf(x->event_id, sizeof(x->event_id), "%s", j->event_id);

	jsonw_init(&w, &x->req);
	jsonw_obj(&w);
	jsonw_kstr(&w, "type", "sms.received");
	jsonw_key(&w, "data");
	views_inbound(&w, &j->msg);
	jsonw_obj_end(&w);

	x->headers = curl_slist_append(x->headers, "Content-Type: application/json");
	x->headers = curl_slist_append(x->headers, "Expect:");
	snprintf(hdr, sizeof(hdr), "webhook-id: %s", j->event_id);
	x->headers = curl_slist_append(x->headers, hdr);
	if (j->secret != NULL) {
		snprintf(x->secret, sizeof(x->secret), "%s", j->secret);
		x->signed_hook = true;
	}

	common_opts(d, x, j->url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, cfg->push.connect_timeout_s);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT, cfg->push.timeout_s);
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
	start(d, x, h);
}

/* The acknowledgement SMS of a registered sender's message, via Twilio. */
static void start_ack(struct dispatcher *d, const struct outbox_job *j)
{
	const struct config *cfg = d->cfg;
	struct twilio_request tr;
	struct host_count *h;
	struct xfer *x;

	if (cfg->twilio.account_sid == NULL || *cfg->twilio.account_sid == '\0') {
		settle(d, j, OUTBOX_DEAD, 0, "failed", "Twilio is not configured");
		return;
	}
	h = host_get(d, "twilio", true);
	if (!host_has_room(d, h)) {
		settle(d, j, OUTBOX_DEFER, DEFER_BUSY_MS, NULL, NULL);
		return;
	}
	x = free_slot(d);
	slot_reset(x);
	x->kind = X_ACK;
	x->id = j->id;
	x->attempt = j->attempts;
	x->client_id = j->client_id;
	x->outgoing_id = j->outgoing_id;
	snprintf(x->event_id, sizeof(x->event_id), "%s", j->event_id);
	if (x->outgoing_id == 0) {
		struct outgoing m = {0};
		struct sms_parts parts;

		sms_count(INBOUND_ACK_TEXT, strlen(INBOUND_ACK_TEXT), &parts);
		m.client_id = j->client_id;
		m.provider = "twilio";
		m.to = j->msg.from;
		m.from = j->msg.to;
		m.usemodem = m.port = -1;
		m.body = INBOUND_ACK_TEXT;
		m.body_len = strlen(INBOUND_ACK_TEXT);
		m.segments = parts.segments;
		m.encoding = sms_encoding_name(parts.encoding);
		m.sent_by = "system";
		m.operator_id = "system";
		m.operator_name = "Ibiki";
		m.in_reply_to = j->msg.id;
		if (db_outgoing_insert(d->db, &d->a, &m, &x->outgoing_id) != DB_OK ||
		    db_outbox_set_outgoing(d->db, j->id, x->outgoing_id) != DB_OK) {
			/* Not even recorded: leave it to the lease, it comes back. */
			log_msg(LOG_WARN, "dispatch",
				"outbox %lld: cannot record the acknowledgement", j->id);
			return;
		}
	}
	if (twilio_request(cfg, &d->a, j->msg.from, j->msg.to, INBOUND_ACK_TEXT,
			   strlen(INBOUND_ACK_TEXT), &tr) < 0 ||
	    buf_add(&x->req, tr.form, tr.form_len) < 0) {
		settle(d, j, OUTBOX_DEAD, 0, "failed", "cannot encode the acknowledgement");
		return;
	}
	snprintf(x->host, HOST_KEY, "twilio");
	common_opts(d, x, tr.url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(x->easy, CURLOPT_USERPWD, tr.userpwd);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT, cfg->twilio.timeout_s);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, 5L);
	x->headers = curl_slist_append(x->headers, "Expect:");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	start(d, x, h);
}

/* --- finished transfers ---------------------------------------------------- */

static void finish_webhook(struct dispatcher *d, struct xfer *x, CURLcode code,
			   struct outbox_result *r)
{
	long http = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	r->http_status = http;
	/* Blocked counts only when no address answered: curl goes on to a
	 * name's next address after a refused one. */
	if (x->blocked && http == 0) {
		r->attempt_kind = "blocked";
		r->error = arena_strdup(&d->ra, x->blocked_why);
		failed(d, r, NULL);
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
		r->error = arena_printf(&d->ra, "HTTP %ld%s", http,
					http >= 300 && http < 400 ? " (redirects are not followed)"
								  : "");
		if (http == 410) {
			r->outcome = OUTBOX_DEAD;
			r->error = "HTTP 410: endpoint gone; deliveries stop until it is "
				   "registered again";
			r->disable_client = x->client_id;
			d->st->dead++;
			return;
		}
		failed(d, r, x->retry_after);
		return;
	}
	r->attempt_kind = code == CURLE_OPERATION_TIMEDOUT ? "timeout" : "failed";
	r->error = arena_strdup(&d->ra, curl_easy_strerror(code));
	failed(d, r, NULL);
}

static void finish_ack(struct dispatcher *d, struct xfer *x, CURLcode code, struct outbox_result *r)
{
	struct twilio_send ts = {0};
	long http = 0, sent = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent);
	r->http_status = http;
	if (code == CURLE_OK) {
		twilio_answer(&d->ra, http, x->resp.p, x->resp.len, &ts);
		if (ts.result == TWILIO_SENT) {
			r->outcome = OUTBOX_DELIVERED;
			r->attempt_kind = "delivered";
			d->st->delivered++;
			if (db_outgoing_mark_sent(d->db, &d->ra, x->outgoing_id, ts.sid) != DB_OK)
				log_msg(LOG_ERROR, "dispatch", "out_%lld sent but not recorded",
					x->outgoing_id);
			return;
		}
		r->attempt_kind = "failed";
		r->error = ts.message;
		if (http == 429 || http >= 500)
			failed(d, r, x->retry_after);
		else {
			r->outcome = OUTBOX_DEAD; /* Twilio refused it: resending changes nothing */
			d->st->dead++;
		}
	} else if (sent > 0 && code == CURLE_OPERATION_TIMEDOUT) {
		r->attempt_kind = "timeout";
		r->error = "Outcome unknown: no answer from Twilio after the request was sent; not "
			   "resent";
		r->outcome = OUTBOX_DEAD;
		d->st->dead++;
	} else {
		r->attempt_kind = "failed";
		r->error =
			arena_printf(&d->ra, "Cannot reach Twilio: %s", curl_easy_strerror(code));
		failed(d, r, NULL);
	}
	if (r->outcome == OUTBOX_DEAD &&
	    db_outgoing_mark_failed(d->db, &d->ra, x->outgoing_id, ts.code, r->error) != DB_OK)
		log_msg(LOG_ERROR, "dispatch", "out_%lld failed but not recorded", x->outgoing_id);
}

static void collect(struct dispatcher *d)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(d->multi, &left)) != NULL) {
		struct xfer *x = NULL;
		struct outbox_result *r;
		struct log_attempt la;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(d->multi, m->easy_handle);
		r = result_for(d, x->id, x->attempt);
		r->started_ms = x->started_ms;
		r->duration_ms = (long)(timeutil_mono_ms() - x->t0);
		if (x->resp.len > 0) {
			r->head_len = x->resp.len > HEAD_LOG ? HEAD_LOG : x->resp.len;
			r->head = arena_strndup(&d->ra, x->resp.p, r->head_len);
		}
		if (x->kind == X_WEBHOOK)
			finish_webhook(d, x, m->data.result, r);
		else
			finish_ack(d, x, m->data.result, r);
		la = (struct log_attempt){
			.outbox_id = x->id,
			.event_id = x->event_id,
			.kind = x->kind == X_WEBHOOK ? "webhook" : "ack_sms",
			.client_id = x->client_id,
			.attempt = x->attempt,
			.host = x->host,
			.http_status = r->http_status,
			.outcome = r->outcome == OUTBOX_DELIVERED ? "delivered"
				   : r->outcome == OUTBOX_DEAD	  ? "dead"
								  : "retry",
			.duration_ms = (double)r->duration_ms,
			.error = r->error,
		};
		log_attempt(&la);
		host_release(d, x->host);
		x->state = X_FREE;
		d->busy--;
	}
	promote(d);
}

/* Write the results; on failure keep them for the next round (the jobs'
 * leases protect them meanwhile).  A result the database refuses outright
 * (DB_ERROR) must not hold back the others: the batch is then written one
 * result at a time, and a refused one is dropped -- its job comes due
 * again when its lease ends, so it is retried, not lost. */
static void flush(struct dispatcher *d)
{
	enum db_rc rc;
	size_t i, kept = 0;

	if (d->nresults == 0)
		return;
	rc = db_outbox_finish(d->db, &d->a, d->owner, d->results, d->nresults);
	if (rc == DB_ERROR) {
		for (i = 0; i < d->nresults; i++) {
			const struct outbox_result *r = &d->results[i];

			rc = db_outbox_finish(d->db, &d->a, d->owner, r, 1);
			if (rc == DB_ERROR)
				log_msg(LOG_ERROR, "dispatch",
					"outbox %lld: result refused by the database; retried "
					"after its lease",
					r->id);
			else if (rc != DB_OK)
				d->results[kept++] = *r;
		}
		d->nresults = kept;
		rc = kept == 0 ? DB_OK : DB_UNAVAILABLE;
	}
	if (rc != DB_OK) {
		log_msg(LOG_WARN, "dispatch", "cannot record %zu results yet", d->nresults);
		return;
	}
	d->nresults = 0;
	arena_reset(&d->ra);
}

static size_t claim(struct dispatcher *d)
{
	struct outbox_job *jobs;
	size_t i, n = 0;
	size_t room = d->nx - d->busy, owed = d->busy + d->nresults;

	/* Every busy slot and every claimed job adds one result before the
	 * next flush: claim no more than the results array can still hold. */
	if (owed >= d->ncap)
		return 0;
	if (room > d->ncap - owed)
		room = d->ncap - owed;
	if (room == 0)
		return 0;
	if (db_outbox_claim(d->db, &d->a, d->owner,
			    (int)(room > OUTBOX_BATCH ? OUTBOX_BATCH : room), d->cfg->push.lease_s,
			    &jobs, &n) != DB_OK)
		return 0;
	d->st->claimed += (long long)n;
	for (i = 0; i < n; i++) {
		if (strcmp(jobs[i].kind, "webhook") == 0)
			start_webhook(d, &jobs[i]);
		else
			start_ack(d, &jobs[i]);
	}
	return n;
}

static int setup(struct dispatcher *d, const struct config *cfg, struct dispatch_stats *st)
{
	char host[64] = "host";
	unsigned char r[6];
	char hex[13];
	size_t i;

	memset(d, 0, sizeof(*d));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	d->curl_ready = true;
	d->cfg = cfg;
	d->st = st;
	d->allow_loopback = cfg->push.allow_loopback;
	d->last_defer = -1e9;
	d->nx = (size_t)cfg->push.max_in_flight;
	gethostname(host, sizeof(host) - 1);
	crypto_random(r, sizeof(r));
	enc_hex(r, sizeof(r), hex);
	snprintf(d->owner, sizeof(d->owner), "%s:%d:%s", host, (int)getpid(), hex);
	d->db = db_open(cfg);
	d->multi = curl_multi_init();
	d->x = calloc(d->nx, sizeof(*d->x));
	d->hosts = calloc(d->nx, sizeof(*d->hosts));
	d->ncap = d->nx + OUTBOX_BATCH;
	d->results = calloc(d->ncap, sizeof(*d->results));
	if (d->db == NULL || d->multi == NULL || d->x == NULL || d->hosts == NULL ||
	    d->results == NULL)
		return -1;
	curl_multi_setopt(d->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	for (i = 0; i < d->nx; i++) {
		d->x[i].easy = curl_easy_init();
		if (d->x[i].easy == NULL)
			return -1;
		buf_init(&d->x[i].req, 256 * 1024);
		buf_init(&d->x[i].resp, RESP_CAP + 1);
	}
	arena_init(&d->a, 256 * 1024, 256 * 1024 * 1024);
	arena_init(&d->ra, 64 * 1024, 256 * 1024 * 1024);
	return 0;
}

static void teardown(struct dispatcher *d)
{
	size_t i;

	for (i = 0; d->x != NULL && i < d->nx; i++) {
		if (d->x[i].easy != NULL)
			curl_easy_cleanup(d->x[i].easy);
		curl_slist_free_all(d->x[i].headers);
		buf_free(&d->x[i].req);
		buf_free(&d->x[i].resp);
	}
	if (d->multi != NULL)
		curl_multi_cleanup(d->multi);
	db_close(d->db);
	free(d->x);
	free(d->hosts);
	free(d->results);
	if (d->a.first != NULL)
		arena_free(&d->a);
	if (d->ra.first != NULL)
		arena_free(&d->ra);
	if (d->curl_ready)
		curl_global_cleanup();
}

int dispatch_run(const struct config *cfg, const struct dispatch_opts *o,
		 volatile sig_atomic_t *stop, struct dispatch_stats *st)
{
	struct dispatcher d;
	double t0 = timeutil_mono_ms(), last_spool = -SPOOL_EVERY_MS, drain_since = -1;

	int running, ret = -1;

	memset(st, 0, sizeof(*st));
	if (setup(&d, cfg, st) < 0) {
		log_msg(LOG_ERROR, "dispatch", "cannot set up");
		goto out;
	}
	for (;;) {
		bool draining = *stop || (!o->once && timeutil_mono_ms() - t0 >= o->for_s * 1000.0);
		size_t claimed = 0;

		if (!draining && timeutil_mono_ms() - last_spool >= SPOOL_EVERY_MS) {
			long n = dispatch_spool_import(cfg, d.db, &d.a);
			if (n > 0)
				st->imported += n;
			last_spool = timeutil_mono_ms();
		}
		if (!draining)
			claimed = claim(&d);
		curl_multi_perform(d.multi, &running);
		collect(&d);
		flush(&d);
		arena_reset(&d.a);
		/* --once is done when nothing is due, nothing is in flight, and
		 * nothing it deferred itself is about to come due again. */
		if (d.busy == 0 && d.nresults == 0 &&
		    (draining || (o->once && claimed == 0 &&
				  timeutil_mono_ms() - d.last_defer > 2 * DEFER_BUSY_MS)))
			break;
		/* Stopping, and the database still refuses the last results:
		 * give up after a while -- their leases end and the jobs come
		 * due again, so nothing is lost, only delivered again. */
		if (draining && d.busy == 0) {
			if (drain_since < 0)
				drain_since = timeutil_mono_ms();
			else if (timeutil_mono_ms() - drain_since > DRAIN_LIMIT_MS) {
				log_msg(LOG_WARN, "dispatch",
					"stopping with %zu results unrecorded; their jobs come due "
					"again",
					d.nresults);
				break;
			}
		}
		if (claimed == 0 || d.busy == d.nx)
			curl_multi_poll(d.multi, NULL, 0, d.busy ? BUSY_WAIT_MS : IDLE_WAIT_MS,
					NULL);
	}
	ret = 0;
out:
	teardown(&d);
	return ret;
}
