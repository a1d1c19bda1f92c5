/*
 * The engine's transfer slots and per-host shares: taking a slot for a
 * job, the options every transfer has, starting it now or when its host
 * has room, and giving back what could no longer finish within its lease.
 * See dispatch_kind.h; the loop that drives them is dispatch.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch_kind.h"
#include "lib/timeutil.h"
#include "upstream/httpc.h"

/* --- per-host accounting ----------------------------------------------- */

static struct host_count *host_get(struct dispatcher *d, const char *key, bool create)
{
	struct host_count *idle = NULL;
	size_t i;

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
	snprintf(idle->key, DISPATCH_HOST_KEY, "%s", key);
	idle->n = idle->waiting = 0;
	return idle;
}

void dispatch_host_release(struct dispatcher *d, const char *key)
{
	struct host_count *h = host_get(d, key, false);

	if (h != NULL && --h->n <= 0 && h->waiting <= 0)
		*h = d->hosts[--d->nhosts]; /* keep the table small */
}

/* Room for one more on this host, active or waiting?  Beyond twice the
 * host's share the job goes back to the database for a while, so that one
 * slow host never holds all the slots. */
static bool host_has_room(const struct dispatcher *d, const struct host_count *h)
{
	(void)d;
	return h != NULL && h->n + h->waiting < 3 * h->cap;
}

/* --- curl callbacks ------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n, room = DISPATCH_RESP_CAP - x->resp.len;

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
	buf_reset(&x->resp, DISPATCH_RESP_CAP + 1);
	x->capped = x->blocked = x->signed_hook = false;
	x->blocked_why[0] = x->retry_after[0] = x->host[0] = x->secret[0] = '\0';
	x->outgoing_id = x->route_id = 0;
	x->provider = 0;
	x->reconcile = x->resent = x->window_over = false;
	x->to[0] = x->from[0] = '\0';
}

struct xfer *dispatch_xfer_take(struct dispatcher *d, const struct dispatch_kind *k,
				const struct outbox_job *j, const char *host)
{
	struct host_count *h = host_get(d, host, true);
	struct xfer *x;

	if (h != NULL)
		h->cap = (int)(k->upstream ? d->cfg->upstream.max_per_host
					   : d->cfg->push.max_per_host);
	if (!host_has_room(d, h) || (x = free_slot(d)) == NULL) {
		/* This destination has its share in flight and waiting: try
		 * again shortly, without counting an attempt. */
		dispatch_settle(d, j, OUTBOX_DEFER, DISPATCH_DEFER_MS, NULL, NULL);
		return NULL;
	}
	slot_reset(x);
	x->kind = k;
	snprintf(x->host, sizeof(x->host), "%s", host);
	x->id = j->id;
	x->attempt = j->attempts;
	x->client_id = j->client_id;
	x->outgoing_id = j->outgoing_id;
	snprintf(x->event_id, sizeof(x->event_id), "%s", j->event_id);
	return x;
}

void dispatch_xfer_prepare(struct dispatcher *d, struct xfer *x, const char *url, long timeout_s)
{
	CURL *c = x->easy;

	(void)d;
	x->timeout_s = timeout_s;
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
}

/* The attempt's timeout is ours (expire), not curl's: a loop held up by a
 * slow database must not turn an answer that arrived meanwhile into a
 * timeout.  curl's own limit is only a backstop, the rest of the lease
 * (outlasts_lease leaves at least timeout_s + 2 s of it). */
static void activate(struct dispatcher *d, struct xfer *x, struct host_count *h)
{
	double lease_left;

	if (x->kind->activate != NULL)
		x->kind->activate(d, x);
	x->state = X_ACTIVE;
	x->started_ms = timeutil_now_ms();
	x->t0 = timeutil_mono_ms();
	lease_left = 1000.0 * (double)d->cfg->push.lease_s - (x->t0 - x->claimed) - 1000.0;
	if (lease_left < 1000.0 * (double)x->timeout_s)
		lease_left = 1000.0 * (double)x->timeout_s;
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)lease_left);
	h->n++;
	curl_multi_add_handle(d->multi, x->easy);
}

void dispatch_xfer_start(struct dispatcher *d, struct xfer *x)
{
	struct host_count *h = host_get(d, x->host, true);

	d->busy++;
	x->claimed = timeutil_mono_ms();
	if (h != NULL && h->n < h->cap) {
		activate(d, x, h);
	} else {
		x->state = X_WAITING;
		if (h != NULL)
			h->waiting++;
	}
}

/* Would an attempt started now still be running when the job's lease
 * ends?  Then another dispatcher could claim it meanwhile: it must not
 * start. */
static bool outlasts_lease(const struct dispatcher *d, const struct xfer *x)
{
	double attempt_ms = 1000.0 * (double)x->timeout_s;

	return timeutil_mono_ms() - x->claimed + attempt_ms + 2000.0 >
	       1000.0 * (double)d->cfg->push.lease_s;
}

/* A waiting slot's job goes back to the database, without counting an
 * attempt, and the slot is free. */
static void give_back(struct dispatcher *d, struct xfer *x)
{
	struct outbox_result *r = dispatch_result_for(d, x->id, x->attempt);

	r->outcome = OUTBOX_DEFER;
	r->delay_ms = DISPATCH_DEFER_MS;
	r->started_ms = timeutil_now_ms();
	d->st->deferred++;
	d->last_defer = timeutil_mono_ms();
	x->state = X_FREE;
	d->busy--;
}

/* Start the waiting slots whose host has room again: those that can still
 * finish within their lease. */
void dispatch_promote(struct dispatcher *d)
{
	size_t i;

	for (i = 0; i < d->nx; i++) {
		struct xfer *x = &d->x[i];
		struct host_count *h;

		if (x->state != X_WAITING)
			continue;
		h = host_get(d, x->host, false);
		if (h == NULL || h->n >= h->cap)
			continue;
		h->waiting--;
		if (outlasts_lease(d, x))
			give_back(d, x);
		else
			activate(d, x, h);
	}
}
