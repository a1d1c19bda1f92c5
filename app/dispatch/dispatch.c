/*
 * Delivery engine.  See dispatch.h.
 *
 * One loop: claim what is due into free transfer slots, drive the multi
 * handle for up to 100 ms (200 ms when idle, so new jobs go out well
 * within a second), collect finished transfers into results, and write
 * the results in one transaction.  What a job is -- how its transfer is
 * made and what its answer means -- belongs to its kind (dispatch_kind.h);
 * the engine owns slots, per-host shares, leases, retries and results.
 */
#include "dispatch/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch/dispatch_kind.h"
#include "dispatch/dispatch_spool.h"
#include "lib/crypto.h"
#include "lib/enc.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/timeutil.h"

#define HEAD_LOG       256
#define DRAIN_LIMIT_MS 10000 /* stopping: how long to retry writing results */
#define SPOOL_EVERY_MS 5000
#define IDLE_WAIT_MS   200
#define BUSY_WAIT_MS   100

/* Every kind of job, by push_outbox.kind. */
static const struct dispatch_kind *const kinds[] = {&dispatch_webhook, &dispatch_status,
						    &dispatch_sms, &dispatch_ack};

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

struct outbox_result *dispatch_result_for(struct dispatcher *d, long long id, long long attempt)
{
	struct outbox_result *r = &d->results[d->nresults++];

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->attempt = attempt;
	return r;
}

void dispatch_failed(struct dispatcher *d, struct outbox_result *r, const char *retry_after)
{
	long long ra = retry_after && *retry_after ? strtoll(retry_after, NULL, 10) : 0;
	long long max_s = d->cfg->push.backoff_max_s;

	if (r->attempt >= d->cfg->push.max_attempts) {
		r->outcome = OUTBOX_DEAD;
		d->st->dead++;
		return;
	}
	r->outcome = OUTBOX_RETRY;
	r->delay_ms = backoff_ms(d->cfg, r->attempt);
	if (ra > 0 && (r->http_status == 429 || r->http_status == 503))
		r->delay_ms = (ra > max_s ? max_s : ra) * 1000;
	d->st->retried++;
}

void dispatch_settle(struct dispatcher *d, const struct outbox_job *j, enum outbox_outcome o,
		     long long delay_ms, const char *kind, const char *error)
{
	struct outbox_result *r = dispatch_result_for(d, j->id, j->attempts);

	r->outcome = o;
	r->delay_ms = delay_ms;
	r->attempt_kind = kind;
	r->error = error ? arena_strdup(&d->ra, error) : NULL;
	r->started_ms = timeutil_now_ms();
	if (o == OUTBOX_DEFER) {
		d->st->deferred++;
		d->last_defer = timeutil_mono_ms();
	} else if (o == OUTBOX_DEAD) {
		d->st->dead++;
	}
}

/* --- transfers ---------------------------------------------------------------- */

static const char *outcome_name(enum outbox_outcome o)
{
	switch (o) {
	case OUTBOX_DELIVERED:
		return "delivered";
	case OUTBOX_DEAD:
		return "dead";
	case OUTBOX_RETRY:
	case OUTBOX_DEFER:
	case OUTBOX_OUTCOME__MAX:
		break;
	}
	return "retry";
}

/* One finished transfer into its result, logged; its slot is free. */
static void finish(struct dispatcher *d, struct xfer *x, CURLcode code)
{
	struct outbox_result *r = dispatch_result_for(d, x->id, x->attempt);
	struct log_attempt la;

	r->started_ms = x->started_ms;
	r->duration_ms = (long)(timeutil_mono_ms() - x->t0);
	if (x->resp.len > 0) {
		r->head_len = x->resp.len > HEAD_LOG ? HEAD_LOG : x->resp.len;
		r->head = arena_strndup(&d->ra, x->resp.p, r->head_len);
	}
	x->kind->finish(d, x, code, r);
	if (r->outcome < OUTBOX_OUTCOME__MAX) {
		if (!x->kind->upstream)
			d->hooks[r->outcome]++;
		else if (!x->reconcile && x->provider >= 0 && x->provider < UPSTREAM_PROVIDER__MAX)
			d->sends[x->provider][r->outcome]++;
	}
	la = (struct log_attempt){
		.outbox_id = x->id,
		.event_id = x->event_id,
		.kind = x->kind->name,
		.client_id = x->client_id,
		.attempt = x->attempt,
		.host = x->host,
		.http_status = r->http_status,
		.outcome = outcome_name(r->outcome),
		.duration_ms = (double)r->duration_ms,
		.error = r->error,
	};
	log_attempt(&la);
	dispatch_host_release(d, x->host);
	x->state = X_FREE;
	d->busy--;
}

/* Transfers still running past their timeout at `before`, a time taken
 * before curl last read everything that had arrived: they end as timeouts
 * (an answer that came in while the loop waited on the database is not
 * one: curl read it first). */
static void expire(struct dispatcher *d, double before)
{
	size_t i;

	for (i = 0; i < d->nx; i++) {
		struct xfer *x = &d->x[i];

		if (x->state != X_ACTIVE || before - x->t0 <= 1000.0 * (double)x->timeout_s)
			continue;
		curl_multi_remove_handle(d->multi, x->easy);
		finish(d, x, CURLE_OPERATION_TIMEDOUT);
	}
}

static void collect(struct dispatcher *d)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(d->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(d->multi, m->easy_handle);
		finish(d, x, m->data.result);
	}
	dispatch_promote(d);
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
	rc = db_outbox_finish(d->db, &d->a, d->owner, d->cfg->upstream.reconcile_window_s,
			      d->results, d->nresults);
	if (rc == DB_ERROR) {
		for (i = 0; i < d->nresults; i++) {
			const struct outbox_result *r = &d->results[i];

			rc = db_outbox_finish(d->db, &d->a, d->owner,
					      d->cfg->upstream.reconcile_window_s, r, 1);
			if (rc == DB_ERROR)
				log_msg(LOG_ERROR, "dispatch",
					"outbox %lld: result refused by the database; retried "
					"after "
					"its lease",
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

/* The counts since the last call into [push] metrics_file (kept for the
 * next call when it cannot be written). */
static void metrics_flush(struct dispatcher *d)
{
	static const char *const sent[OUTBOX_OUTCOME__MAX] = {"accepted", "retry", "failed",
							      "deferred"};
	static const char *const hook[OUTBOX_OUTCOME__MAX] = {"delivered", "retry", "dead",
							      "deferred"};
	struct metrics_series s[(UPSTREAM_PROVIDER__MAX + 1) * OUTBOX_OUTCOME__MAX + 1];
	char labels[sizeof(s) / sizeof(s[0])][64];
	size_t n = 0;
	int p, o;

	if (d->cfg->push.metrics_file == NULL || *d->cfg->push.metrics_file == '\0')
		return;
	for (p = 0; p < UPSTREAM_PROVIDER__MAX; p++)
		for (o = 0; o < OUTBOX_OUTCOME__MAX; o++, n++) {
			snprintf(labels[n], sizeof(labels[n]), "provider=\"%s\",outcome=\"%s\"",
				 upstream_name((enum upstream_provider)p), sent[o]);
			s[n] = (struct metrics_series){
				"ibiki_upstream_sends_total", labels[n],
				"SMS sent to a provider by the dispatchers, by outcome.",
				d->sends[p][o]};
		}
	for (o = 0; o < OUTBOX_OUTCOME__MAX; o++, n++) {
		snprintf(labels[n], sizeof(labels[n]), "outcome=\"%s\"", hook[o]);
		s[n] = (struct metrics_series){
			"ibiki_webhook_deliveries_total", labels[n],
			"Webhook deliveries to clients by the dispatchers, by outcome.",
			d->hooks[o]};
	}
	s[n++] = (struct metrics_series){
		"ibiki_dispatch_claim_conflicts_total", "",
		"Claims of outbox jobs that met another claim of them (1213: on a Galera cluster a"
		" certification failure) and were rerun.",
		d->claim_conflicts};
	if (metrics_file_add(d->cfg->push.metrics_file, s, n) == 0) {
		memset(d->sends, 0, sizeof(d->sends));
		memset(d->hooks, 0, sizeof(d->hooks));
		d->claim_conflicts = 0;
	}
}

static const struct dispatch_kind *kind_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

/* Start the jobs now due, as many as free slots and the results array
 * allow.  Returns how many were claimed. */
static size_t claim(struct dispatcher *d)
{
	struct outbox_claim how = {.owner = d->owner,
				   .lease_s = d->cfg->push.lease_s,
				   .reconcile_window_s = d->cfg->upstream.reconcile_window_s,
				   .default_mps = d->cfg->upstream.default_mps};
	struct outbox_job *jobs;
	size_t i, n = 0;
	size_t room = d->nx - d->busy, owed = d->busy + d->nresults;
	long long conflicts;
	enum db_rc rc;

	/* Every busy slot and every claimed job adds one result before the
	 * next flush: claim no more than the results array can still hold. */
	if (owed >= d->ncap)
		return 0;
	if (room > d->ncap - owed)
		room = d->ncap - owed;
	if (room == 0)
		return 0;
	how.max = (int)(room > OUTBOX_BATCH ? OUTBOX_BATCH : room);
	conflicts = db_conflicts(d->db);
	rc = db_outbox_claim(d->db, &d->a, &how, &jobs, &n);
	d->claim_conflicts += db_conflicts(d->db) - conflicts;
	if (rc != DB_OK)
		return 0;
	d->st->claimed += (long long)n;
	for (i = 0; i < n; i++) {
		const struct dispatch_kind *k = kind_of(jobs[i].kind);

		if (k == NULL) {
			dispatch_settle(d, &jobs[i], OUTBOX_DEAD, 0, "failed", "unknown job kind");
			continue;
		}
		k->start(d, &jobs[i]);
	}
	return n;
}

/* Messages left queued past [upstream] stale_after_s with nothing to
 * settle them get a job that reconciles them. */
static void sweep(struct dispatcher *d)
{
	long long found = 0;

	if (db_outbox_sweep(d->db, &d->a, d->cfg->upstream.stale_after_s,
			    d->cfg->upstream.reconcile_window_s, &found) == DB_OK &&
	    found > 0) {
		log_msg(LOG_WARN, "dispatch", "%lld stale queued messages sent to reconciliation",
			found);
		d->st->swept += found;
	}
}

static int setup(struct dispatcher *d, const struct config *cfg, struct dispatch_stats *st)
{
	char host[64] = "host", hex[13];
	unsigned char r[6];
	size_t i;

	memset(d, 0, sizeof(*d));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	d->curl_ready = true;
	d->cfg = cfg;
	d->st = st;
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
		buf_init(&d->x[i].resp, DISPATCH_RESP_CAP + 1);
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

/* Whether the run is over: --once when nothing is due, in flight, or
 * about to come due from its own deferrals; a draining run when nothing
 * is in flight and every result is written -- or the database has refused
 * the last ones for DRAIN_LIMIT_MS (their leases end and the jobs come due
 * again, so nothing is lost, only delivered again). */
static bool done(struct dispatcher *d, const struct dispatch_opts *o, bool draining, size_t claimed,
		 double *drain_since)
{
	if (d->busy == 0 && d->nresults == 0 &&
	    (draining || (o->once && claimed == 0 &&
			  timeutil_mono_ms() - d->last_defer > 2 * DISPATCH_DEFER_MS)))
		return true;
	if (!draining || d->busy != 0)
		return false;
	if (*drain_since < 0) {
		*drain_since = timeutil_mono_ms();
		return false;
	}
	if (timeutil_mono_ms() - *drain_since <= DRAIN_LIMIT_MS)
		return false;
	log_msg(LOG_WARN, "dispatch",
		"stopping with %zu results unrecorded; their jobs come due again", d->nresults);
	return true;
}

int dispatch_run(const struct config *cfg, const struct dispatch_opts *o,
		 volatile sig_atomic_t *stop, struct dispatch_stats *st)
{
	struct dispatcher d;
	double t0 = timeutil_mono_ms(), last_spool = -SPOOL_EVERY_MS, drain_since = -1;
	int running, ret = -1;
	double before;

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
			sweep(&d);
			metrics_flush(&d);
			last_spool = timeutil_mono_ms();
		}
		/* Results not yet written go first: their jobs must not be
		 * claimed again meanwhile (their leases may have ended). */
		flush(&d);
		if (!draining && d.nresults == 0)
			claimed = claim(&d);
		before = timeutil_mono_ms();
		curl_multi_perform(d.multi, &running);
		collect(&d);
		expire(&d, before);
		dispatch_promote(&d);
		flush(&d);
		arena_reset(&d.a);
		if (done(&d, o, draining, claimed, &drain_since))
			break;
		if (claimed == 0 || d.busy == d.nx)
			curl_multi_poll(d.multi, NULL, 0, d.busy ? BUSY_WAIT_MS : IDLE_WAIT_MS,
					NULL);
	}
	ret = 0;
	metrics_flush(&d);
out:
	teardown(&d);
	return ret;
}
