/*
 * Inside the dispatcher: what a job kind (dispatch_webhook.c: webhook and
 * status; dispatch_sms.c: sms and ack_sms) is given by the engine
 * (dispatch.c), and what it gives back.  A kind is a descriptor {name,
 * upstream, start, activate, finish}: upstream says its transfers go to an
 * SMS provider (their share per host is [upstream] max_per_host); start
 * turns a claimed job into a prepared transfer or settles it at once;
 * activate runs as the transfer goes out (a webhook is signed then); finish
 * reads curl's outcome into the job's result.  Adding a kind is adding a
 * file and one line of the engine's table.
 */
#ifndef IBIKI_DISPATCH_KIND_H
#define IBIKI_DISPATCH_KIND_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/db_outbox.h"
#include "dispatch/dispatch.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "upstream/upstream.h"

#define DISPATCH_RESP_CAP (64 * 1024) /* most of an answer that is read */
#define DISPATCH_HOST_KEY 272
#define DISPATCH_SECRET	  260
#define DISPATCH_DEFER_MS 1000 /* a job put back for a busy host is due again after */

struct dispatcher;
struct xfer;

struct dispatch_kind {
	const char *name; /* push_outbox.kind */
	bool upstream;	  /* to an SMS provider, else to a client's webhook */
	void (*start)(struct dispatcher *d, const struct outbox_job *j);
	void (*activate)(struct dispatcher *d, struct xfer *x); /* or NULL */
	void (*finish)(struct dispatcher *d, struct xfer *x, CURLcode code,
		       struct outbox_result *r);
};

extern const struct dispatch_kind dispatch_webhook;
extern const struct dispatch_kind dispatch_status;
extern const struct dispatch_kind dispatch_sms;
extern const struct dispatch_kind dispatch_ack;

enum xstate { X_FREE, X_WAITING, X_ACTIVE };

/* One transfer slot, reused: free, prepared and waiting for its host to
 * have room, or active in curl. */
struct xfer {
	enum xstate state;
	const struct dispatch_kind *kind;
	CURL *easy;
	struct curl_slist *headers;
	struct buf req;
	struct buf resp;
	bool capped;  /* the answer was longer than DISPATCH_RESP_CAP */
	bool blocked; /* the address check refused an address */
	char blocked_why[96];
	char host[DISPATCH_HOST_KEY];
	char retry_after[32];
	long timeout_s; /* of one attempt: no attempt may outlast the lease */
	int64_t started_ms;
	double t0;
	double claimed; /* mono ms: when the job was taken */
	long long id, attempt, client_id, outgoing_id;
	/* SMS: the route (its throttle), the provider, and for a reconcile
	 * whom the message was to and from (its body rides in req). */
	long long route_id;
	int provider;
	bool reconcile, resent, window_over;
	char to[40], from[40];
	char event_id[OUTBOX_EVENT_ID_LEN + 8];
	char secret[DISPATCH_SECRET]; /* webhooks: signed when they go out */
	bool signed_hook;
	void *open_ud[2]; /* engine and slot, for curl's socket callback */
};

struct host_count {
	char key[DISPATCH_HOST_KEY];
	int n;	     /* active */
	int waiting; /* prepared, waiting for room */
	int cap;     /* most active at once */
};

/* The engine's state; the kinds read cfg, db, the arenas and stats. */
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
	struct arena a;	 /* claims: reset every round */
	struct arena ra; /* results' strings, until they are written */
	char owner[160];
	struct dispatch_stats *st;
	bool curl_ready; /* curl_global_init done */
	/* Counts not yet in [push] metrics_file: SMS sends by provider and
	 * outcome, webhook deliveries by outcome (enum outbox_outcome). */
	long long sends[UPSTREAM_PROVIDER__MAX][OUTBOX_OUTCOME__MAX];
	long long hooks[OUTBOX_OUTCOME__MAX];
	long long claim_conflicts; /* claims that met a 1213 (another node's claim) */
};

/* Settle job j without a transfer: outcome (DEFER: due again after
 * delay_ms, the attempt not counted), the attempt log's kind and error. */
void dispatch_settle(struct dispatcher *d, const struct outbox_job *j, enum outbox_outcome o,
		     long long delay_ms, const char *kind, const char *error);

/* A free slot for job j of kind k towards host (a share of at most
 * max_per_host in flight, twice that waiting), reset and filled with the
 * job's ids; or NULL when the host has no room (j is then deferred).  The
 * slot is the caller's until dispatch_xfer_start; one not started stays
 * free. */
struct xfer *dispatch_xfer_take(struct dispatcher *d, const struct dispatch_kind *k,
				const struct outbox_job *j, const char *host);

/* The options every transfer has: POST of x->req to url, no redirects or
 * proxies, answers read into x->resp (capped), Retry-After noted, attempt
 * timeout timeout_s.  The kind adds its own, then calls dispatch_xfer_start. */
void dispatch_xfer_prepare(struct dispatcher *d, struct xfer *x, const char *url, long timeout_s);

/* The prepared slot goes out now if its host has room, else waits. */
void dispatch_xfer_start(struct dispatcher *d, struct xfer *x);

/* Engine internals shared by dispatch.c and dispatch_xfer.c: a new result
 * for job id's attempt; a finished transfer's host share back; the
 * waiting slots whose host has room started (or given back when they
 * could no longer finish within their lease). */
struct outbox_result *dispatch_result_for(struct dispatcher *d, long long id, long long attempt);
void dispatch_host_release(struct dispatcher *d, const char *key);
void dispatch_promote(struct dispatcher *d);

/* A failed attempt: RETRY after backoff (Retry-After honoured on 429 and
 * 503), or DEAD after [push] max_attempts. */
void dispatch_failed(struct dispatcher *d, struct outbox_result *r, const char *retry_after);

#endif
