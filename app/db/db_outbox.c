/*
 * The push_outbox and push_attempts tables: claiming due jobs under a
 * lease, loading what their delivery needs, recording their results (in
 * one transaction, deliveries grouped by status), redelivery, and the
 * per-client health counts and delivery log.  Batches bind OUTBOX_BATCH ids,
 * padding unused places with id 0, so each statement is prepared once.
 */
#include "db/db_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_clients.h"
#include "db/db_optouts.h"
#include "db/db_outgoing.h"
#include "lib/crypto.h"
#include "lib/enc.h"
#include "lib/log.h"

/* "?, ?, ... ?" for OUTBOX_BATCH ids; unused places are given id 0. */
#define P8     "?, ?, ?, ?, ?, ?, ?, ?"
#define IDS_64 P8 ", " P8 ", " P8 ", " P8 ", " P8 ", " P8 ", " P8 ", " P8

static const struct db_sql Q_DUE = {
	"outbox_due",
	"SELECT id FROM push_outbox WHERE status = 'pending' AND next_attempt_at <= NOW(3)"
	" ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED"};
/* Assignments run left to right: the phase reads the old attempts.  An
 * SMS job with an attempt that has no recorded outcome (attempts >
 * settled: its dispatcher died with the request out) is not sent again
 * blindly: it is reconciled. */
#define LOST_SEND " kind IN ('sms', 'ack_sms') AND attempts > settled AND phase = 'send'"
static const struct db_sql Q_LEASE = {
	"outbox_lease",
	"UPDATE push_outbox SET reconcile_until = IF(" LOST_SEND ", NOW(3) + INTERVAL ? SECOND,"
	" reconcile_until), phase = IF(" LOST_SEND ", 'reconcile', phase), lease_owner = ?,"
	" attempts = attempts + 1, next_attempt_at = NOW(3) + INTERVAL ? SECOND"
	" WHERE id IN (" IDS_64 ")"};
/* What every kind needs: the client's webhook; the inbound message
 * (webhook, ack_sms); the outgoing message, its route's rate and how long
 * until the route may send (sms, ack_sms, status); for a status event,
 * whether an earlier event of the same message is still pending (events
 * go out in order); for an SMS, whether its recipient has opted out (read
 * after the claim: a STOP committed before it stops the send). */
static const struct db_sql Q_LOAD = {
	"outbox_load",
	"SELECT o.id, o.event_id, o.kind, o.client_id, o.attempts, o.outgoing_id, c.webhook_url,"
	" c.webhook_secret, c.webhook_disabled_at IS NOT NULL, o.phase = 'reconcile', o.resent,"
	" COALESCE(o.reconcile_until <= NOW(3), 1), COALESCE(o.history_id, 0), COALESCE(rt.mps, ?),"
	" GREATEST(COALESCE(TIMESTAMPDIFF(MICROSECOND, NOW(6), rt.next_send_at), 0), 0) DIV 1000,"
	" IF(o.kind = 'status', EXISTS (SELECT 1 FROM push_outbox e WHERE e.outgoing_id ="
	" o.outgoing_id AND e.kind = 'status' AND e.status = 'pending' AND e.id < o.id), "
	"0), o.kind IN ('sms', 'ack_sms') AND EXISTS (SELECT 1 FROM optouts s"
	" WHERE s.client_id = o.client_id AND s.phone ="
	" COALESCE(g.to_number, i.from_number) AND s.opted_out = 1), " DB_INCOMING_COLS(
		"i.") ", " DB_OUTGOING_COLS("g.") " FROM push_outbox o"
						  " LEFT JOIN incoming_messages i ON i.id = "
						  "o.incoming_id"
						  " LEFT JOIN outgoing_messages g ON g.id = "
						  "o.outgoing_id"
						  " LEFT JOIN client_routes rt ON rt.id = "
						  "g.route_id"
						  " LEFT JOIN client_profiles c ON c.id = "
						  "o.client_id"
						  " WHERE o.lease_owner = ? AND o.id IN (" IDS_64
						  ") ORDER BY o.id"};
#define LOAD_FIXED 17 /* columns before the inbound message's */

static const struct db_sql Q_DONE = {
	"outbox_done",
	"UPDATE push_outbox SET status = 'delivered', last_http_status = ?, last_error = NULL,"
	" finished_at = NOW(3), lease_owner = NULL, settled = attempts"
	" WHERE lease_owner = ? AND id IN (" IDS_64 ")"};
static const struct db_sql Q_RETRY = {
	"outbox_retry",
	"UPDATE push_outbox SET next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND,"
	" last_http_status = ?, last_error = ?, lease_owner = NULL, settled = attempts,"
	" reconcile_until = IF(? = 1 AND phase = 'send', NOW(3) + INTERVAL ? SECOND,"
	" reconcile_until), phase = CASE ? WHEN 1 THEN 'reconcile' WHEN 2 THEN 'send' ELSE phase "
	"END,"
	" resent = resent OR ? = 2 WHERE id = ? AND lease_owner = ? AND attempts = ?"};
static const struct db_sql Q_DEAD = {
	"outbox_dead",
	"UPDATE push_outbox SET status = 'dead', last_http_status = ?, last_error = ?,"
	" finished_at = NOW(3), lease_owner = NULL, settled = attempts"
	" WHERE id = ? AND lease_owner = ? AND attempts = ?"};
static const struct db_sql Q_DEFER = {
	"outbox_defer", "UPDATE push_outbox SET next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND,"
			" attempts = GREATEST(attempts - 1, 0), settled = LEAST(settled, attempts),"
			" lease_owner = NULL WHERE id = ? AND lease_owner = ? AND attempts = ?"};
static const struct db_sql Q_ATTEMPT = {
	"outbox_attempt",
	"INSERT INTO push_attempts (outbox_id, attempt, started_at, duration_ms, http_status,"
	" outcome, error, response_head)"
	" VALUES (?, ?, FROM_UNIXTIME(? / 1000), ?, ?, ?, ?, ?)"};
static const struct db_sql Q_SET_OUTGOING = {
	"outbox_set_outgoing",
	"UPDATE push_outbox SET outgoing_id = ? WHERE id = ? AND outgoing_id IS NULL"};
static const struct db_sql Q_QUEUE_SMS = {
	"outbox_queue_sms",
	"INSERT INTO push_outbox (event_id, kind, client_id, outgoing_id) VALUES (?, 'sms', ?, ?)"};
/* A route may send now (and the next one 1/mps later), or not yet. */
static const struct db_sql Q_RESERVE = {
	"route_reserve", "UPDATE client_routes SET next_send_at = NOW(6) + INTERVAL "
			 "ROUND(1000000000 / ?) MICROSECOND"
			 " WHERE id = ? AND (next_send_at IS NULL OR next_send_at <= NOW(6))"};
static const struct db_sql Q_ROUTE_WAIT = {
	"route_wait", "SELECT GREATEST(COALESCE(TIMESTAMPDIFF(MICROSECOND, NOW(6), next_send_at),"
		      " 0), 0) DIV 1000 FROM client_routes WHERE id = ?"};
static const struct db_sql Q_ROUTE_PENALTY = {
	"route_penalty",
	"UPDATE client_routes SET next_send_at = GREATEST(COALESCE(next_send_at, NOW(6)),"
	" NOW(6) + INTERVAL ? MICROSECOND) WHERE id = ?"};
/* Queued messages past stale_after_s that no job will ever send: a
 * reconcile job each (one per message: uq_outbox_send). */
static const struct db_sql Q_SWEEP = {
	"outbox_sweep",
	"INSERT IGNORE INTO push_outbox (event_id, kind, client_id, outgoing_id, phase,"
	" reconcile_until)"
	" SELECT CONCAT('evt_', LEFT(SHA2(CONCAT(UUID(), RAND(), g.id), 256), 24)), 'sms',"
	" g.client_id, g.id, 'reconcile', NOW(3) + INTERVAL ? SECOND FROM outgoing_messages g"
	" WHERE g.status = 'queued' AND g.queued_at < NOW(3) - INTERVAL ? SECOND"
	" AND NOT EXISTS (SELECT 1 FROM push_outbox p WHERE p.outgoing_id = g.id"
	" AND p.kind IN ('sms', 'ack_sms') AND p.status = 'pending')"
	" ORDER BY g.status, g.queued_at LIMIT 100"};
/* ... and those whose job ended without settling them (its dispatcher
 * died between the two writes): the job is reopened to reconcile. */
static const struct db_sql Q_SWEEP_REOPEN = {
	"outbox_sweep_reopen",
	"UPDATE push_outbox p JOIN outgoing_messages g ON g.id = p.outgoing_id"
	" SET p.status = 'pending', p.phase = 'reconcile', p.next_attempt_at = NOW(3),"
	" p.reconcile_until = NOW(3) + INTERVAL ? SECOND, p.finished_at = NULL"
	" WHERE g.status = 'queued' AND g.queued_at < NOW(3) - INTERVAL ? SECOND"
	" AND p.kind IN ('sms', 'ack_sms') AND p.status IN ('delivered', 'dead')"};
static const struct db_sql Q_REACTIVATE_JOBS = {
	"outbox_reactivate_jobs", "UPDATE push_outbox SET next_attempt_at = NOW(3)"
				  " WHERE client_id = ? AND kind IN ('webhook', 'status') AND "
				  "status = 'pending' AND lease_owner IS NULL"};

/*
 * Pending now, a range of ix_outbox_health (sql/004) as long as the
 * backlog.  Dead and delivered over the last 24 hours: the whole minutes
 * from delivery_minutes (sql/008, at most 1,440 rows), and the minute the
 * day's edge falls in counted exactly on ix_outbox_health.  NOW(3) is one
 * value within the statement.
 */
#define EDGE_MINUTE "CAST(DATE_FORMAT(NOW(3) - INTERVAL 1 DAY, '%Y-%m-%d %H:%i:00') AS DATETIME)"
#define JOB_COUNT(st, range)                                                                       \
	"(SELECT COUNT(*) FROM push_outbox WHERE client_id = ? AND kind IN ('webhook', 'status')"  \
	" AND status = '" st "'" range ")"
#define DAY_COUNT(col, st)                                                                         \
	"CAST((SELECT COALESCE(SUM(" col "), 0) FROM delivery_minutes WHERE client_id = ?"         \
	" AND minute > " EDGE_MINUTE ") + " JOB_COUNT(                                             \
		st, " AND finished_at >= NOW(3) - INTERVAL 1 DAY AND finished_at < " EDGE_MINUTE   \
		    " + INTERVAL 1 MINUTE") " AS SIGNED)"
static const struct db_sql Q_COUNTS = {
	"outbox_counts", "SELECT " JOB_COUNT("pending", "") ", " DAY_COUNT(
				 "dead", "dead") ", " DAY_COUNT("delivered", "delivered")};
/* The last attempt that ended: a delivery, or a failure with its status. */
/* The newest of: the last delivery, the last death (both one backward
 * step in ix_outbox_health), the last failed attempt of a pending job
 * (the backlog only). */
#define LAST_FINISHED(kind, st, ok)                                                                \
	" (SELECT finished_at AS at, id, last_http_status AS http, " ok                            \
	" AS ok, last_error AS err"                                                                \
	"  FROM push_outbox WHERE client_id = ? AND kind = '" kind "' AND status = '" st "'"       \
	"  ORDER BY finished_at DESC LIMIT 1)"
static const struct db_sql Q_LAST = {
	"outbox_last", "SELECT at, http, ok, err FROM (" LAST_FINISHED("webhook", "delivered", "1") " UNION ALL" LAST_FINISHED(
			       "status", "delivered",
			       "1") " UNION ALL" LAST_FINISHED("webhook", "dead",
							       "0") " UNION ALL" LAST_FINISHED("sta"
											       "tu"
											       "s",
											       "dea"
											       "d",
											       "0") " UNION ALL"
												    " (SELECT updated_at, id, last_http_status, 0, last_error"
												    "  FROM push_outbox WHERE client_id = ? AND kind IN ('webhook', 'status')"
												    "  AND status = 'pending' AND attempts > 0"
												    "  AND (last_error IS NOT NULL OR last_http_status IS NOT NULL)"
												    "  ORDER BY updated_at DESC LIMIT 1)"
												    ") x ORDER BY at DESC, id DESC LIMIT 1"};
static const struct db_sql Q_DELIVERIES = {
	"outbox_deliveries",
	"SELECT id, event_id, incoming_id, status, attempts, last_http_status, last_error,"
	" created_at, updated_at, finished_at, kind, outgoing_id FROM push_outbox"
	" WHERE client_id = ? AND kind IN ('webhook', 'status') ORDER BY id DESC LIMIT ?"};
static const struct db_sql Q_ATTEMPTS = {
	"outbox_attempts",
	"SELECT outbox_id, attempt, started_at, duration_ms, http_status, outcome, error"
	" FROM push_attempts WHERE outbox_id IN (" IDS_64 ") ORDER BY outbox_id, id"};
static const struct db_sql Q_REDELIVER = {
	"outbox_redeliver",
	"UPDATE push_outbox SET status = 'pending', attempts = 0, next_attempt_at = NOW(3),"
	" finished_at = NULL, lease_owner = NULL, last_error = NULL"
	" WHERE id = ? AND client_id = ? AND kind IN ('webhook', 'status') AND status IN ('dead', "
	"'delivered')"};
static const struct db_sql Q_EXISTS = {"outbox_exists",
				       "SELECT status FROM push_outbox WHERE id = ? AND client_id "
				       "= ? AND kind IN ('webhook', 'status')"};

void db_outbox_new_event_id(char *out)
{
	unsigned char r[12];

	crypto_random(r, sizeof(r));
	memcpy(out, "evt_", 4);
	enc_hex(r, sizeof(r), out + 4);
}

/* args[first..first+63] = ids, padded with 0. */
static void put_ids(struct db_arg *args, size_t first, const long long *ids, size_t n)
{
	size_t i;

	for (i = 0; i < OUTBOX_BATCH; i++)
		args[first + i] = DBI(i < n ? ids[i] : 0);
}

struct claim_ctx {
	struct arena *a;
	const char *owner;
	int max;
	long lease_s, window_s;
	long long ids[OUTBOX_BATCH];
	size_t n;
};

static void job_row(const struct db_res *res, size_t i, void *out)
{
	const struct db_val *v = DB_AT(res, i, 0);
	struct outbox_job *j = out;

	j->id = v[0].i;
	j->event_id = v[1].s;
	j->kind = v[2].s;
	j->client_id = v[3].null ? 0 : v[3].i;
	j->attempts = v[4].i;
	j->outgoing_id = v[5].null ? 0 : v[5].i;
	j->url = v[6].null || v[6].len == 0 ? NULL : v[6].s;
	j->secret = v[7].null || v[7].len == 0 ? NULL : v[7].s;
	j->disabled = !v[8].null && v[8].i != 0;
	j->reconcile = v[9].i != 0;
	j->resent = v[10].i != 0;
	j->window_over = v[11].i != 0;
	j->history_id = v[12].i;
	j->route_mps = v[13].null ? 0 : strtod(v[13].s, NULL);
	j->route_wait_ms = v[14].null ? 0 : v[14].i;
	j->blocked = v[15].i != 0;
	j->suppressed = v[16].i != 0;
	if (!v[LOAD_FIXED].null)
		db_incoming_from_row(&v[LOAD_FIXED], &j->msg);
	j->has_out = !v[LOAD_FIXED + DB_INCOMING_NCOLS].null;
	if (j->has_out)
		db_outgoing_from_row(&v[LOAD_FIXED + DB_INCOMING_NCOLS], &j->out);
}

static enum db_rc claim_txn(struct db *db, void *arg)
{
	struct claim_ctx *c = arg;
	struct db_res res = {.a = c->a};
	struct db_arg args[3 + OUTBOX_BATCH];
	enum db_rc rc;
	size_t i;

	c->n = 0;
	rc = DB_EXEC(db, &Q_DUE, &res, DBI(c->max));
	if (rc != DB_OK || res.nrows == 0)
		return rc;
	for (i = 0; i < res.nrows && i < OUTBOX_BATCH; i++)
		c->ids[i] = DB_AT(&res, i, 0)->i;
	c->n = i;
	args[0] = DBI(c->window_s);
	args[1] = DBZ(c->owner);
	args[2] = DBI(c->lease_s);
	put_ids(args, 3, c->ids, c->n);
	return db_exec(db, &Q_LEASE, args, 3 + OUTBOX_BATCH, NULL);
}

enum db_rc db_outbox_claim(struct db *db, struct arena *a, const struct outbox_claim *how,
			   struct outbox_job **jobs, size_t *n)
{
	struct claim_ctx c = {.a = a,
			      .owner = how->owner,
			      .max = how->max,
			      .lease_s = how->lease_s,
			      .window_s = how->reconcile_window_s};
	struct db_res res = {.a = a};
	struct db_arg args[2 + OUTBOX_BATCH];
	enum db_rc rc;

	*n = 0;
	if (c.max > OUTBOX_BATCH)
		c.max = OUTBOX_BATCH;
	rc = db_txn(db, claim_txn, &c);
	if (rc != DB_OK || c.n == 0)
		return rc;
	args[0] = DBI(how->default_mps);
	args[1] = DBZ(how->owner);
	put_ids(args, 2, c.ids, c.n);
	rc = db_exec(db, &Q_LOAD, args, 2 + OUTBOX_BATCH, &res);
	if (rc != DB_OK)
		return rc; /* the lease ends; the jobs come due again */
	*jobs = db_rows(&res, job_row, sizeof **jobs, n);
	return DB_OK;
}

struct finish_ctx {
	struct arena *a;
	const char *owner;
	long window_s;
	const struct outbox_result *r;
	size_t n;
};

static enum db_rc finish_txn(struct db *db, void *arg)
{
	struct finish_ctx *c = arg;
	bool *grouped = arena_alloc(c->a, c->n * sizeof(bool)); /* fresh on a rerun */
	long long ids[OUTBOX_BATCH];
	size_t i, k;
	enum db_rc rc = DB_OK;

	/* Deliveries: one statement per HTTP status (usually just 200). */
	for (;;) {
		struct db_arg args[2 + OUTBOX_BATCH];
		long status = -1;

		for (i = 0, k = 0; i < c->n && k < OUTBOX_BATCH; i++) {
			if (c->r[i].outcome != OUTBOX_DELIVERED || grouped[i])
				continue;
			if (status < 0)
				status = c->r[i].http_status;
			if (c->r[i].http_status == status) {
				ids[k++] = c->r[i].id;
				grouped[i] = true;
			}
		}
		if (k == 0)
			break;
		args[0] = DBI(status);
		args[1] = DBZ(c->owner);
		put_ids(args, 2, ids, k);
		if ((rc = db_exec(db, &Q_DONE, args, 2 + OUTBOX_BATCH, NULL)) != DB_OK)
			return rc;
	}
	for (i = 0; i < c->n; i++) {
		const struct outbox_result *r = &c->r[i];
		struct db_arg st = r->http_status > 0 ? DBI(r->http_status) : DBNULL;
		/* Both come from outside (a receiver, Twilio, curl): bounded and
		 * valid for their VARCHAR(512) columns. */
		struct db_arg err = DBTEXT(c->a, r->error, 512);
		struct db_arg head = db_text(c->a, r->head, r->head_len, 512);

		switch (r->outcome) {
		case OUTBOX_DELIVERED:
			rc = DB_OK;
			break;
		case OUTBOX_RETRY:
			rc = DB_EXEC(db, &Q_RETRY, NULL, DBI(r->delay_ms * 1000), st, err,
				     DBI(r->phase), DBI(c->window_s), DBI(r->phase), DBI(r->phase),
				     DBI(r->id), DBZ(c->owner), DBI(r->attempt));
			break;
		case OUTBOX_DEAD:
			rc = DB_EXEC(db, &Q_DEAD, NULL, st, err, DBI(r->id), DBZ(c->owner),
				     DBI(r->attempt));
			break;
		case OUTBOX_DEFER:
			rc = DB_EXEC(db, &Q_DEFER, NULL, DBI(r->delay_ms * 1000), DBI(r->id),
				     DBZ(c->owner), DBI(r->attempt));
			break;
		case OUTBOX_OUTCOME__MAX:
			rc = DB_ERROR;
			break;
		}
		if (rc != DB_OK)
			return rc;
		if (r->outcome != OUTBOX_DEFER) {
			rc = DB_EXEC(db, &Q_ATTEMPT, NULL, DBI(r->id), DBI(r->attempt),
				     DBI(r->started_ms), DBI(r->duration_ms), st,
				     DBZ(r->attempt_kind), err, head);
			if (rc != DB_OK)
				return rc;
		}
		if (r->disable_client > 0 &&
		    (rc = db_clients_webhook_gone(db, r->disable_client)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_rc db_outbox_finish(struct db *db, struct arena *a, const char *owner, long window_s,
			    const struct outbox_result *r, size_t n)
{
	struct finish_ctx c = {a, owner, window_s, r, n};

	if (n == 0)
		return DB_OK;
	return db_txn(db, finish_txn, &c);
}

struct queue_ctx {
	struct arena *a;
	const struct outgoing *m;
	long long job_id; /* > 0: link this job (ack_sms); else a new sms job */
	bool guard;
	long long id;
};

static enum db_rc queue_txn(struct db *db, void *arg)
{
	struct queue_ctx *c = arg;
	struct db_res res = {.a = c->a};
	char evt[OUTBOX_EVENT_ID_LEN + 1];
	enum db_rc rc = c->guard ? db_optouts_guard(db, c->a, c->m->client_id, c->m->to) : DB_OK;

	if (rc == DB_OK)
		rc = db_outgoing_insert(db, c->a, c->m, &c->id);
	if (rc != DB_OK)
		return rc;
	if (c->job_id > 0) {
		rc = DB_EXEC(db, &Q_SET_OUTGOING, &res, DBI(c->id), DBI(c->job_id));
		/* Another dispatcher linked one first: this one is not used. */
		return rc == DB_OK && res.affected == 0 ? DB_DUP : rc;
	}
	db_outbox_new_event_id(evt);
	return DB_EXEC(db, &Q_QUEUE_SMS, NULL, DBZ(evt), DBI(c->m->client_id), DBI(c->id));
}

enum db_rc db_outbox_queue_sms(struct db *db, struct arena *a, const struct outgoing *m,
			       long long job_id, bool guard, long long *id)
{
	struct queue_ctx c = {a, m, job_id, guard, 0};
	enum db_rc rc = db_txn(db, queue_txn, &c);

	if (rc == DB_OK)
		*id = c.id;
	return rc;
}

enum db_rc db_outbox_route_reserve(struct db *db, struct arena *a, long long route_id, double mps,
				   long long *wait_ms)
{
	struct db_res res = {.a = a};
	long long milli = (long long)(mps * 1000.0 + 0.5); /* messages per 1000 s */
	enum db_rc rc = DB_EXEC(db, &Q_RESERVE, &res, DBI(milli > 0 ? milli : 1), DBI(route_id));

	*wait_ms = 0;
	if (rc != DB_OK || res.affected > 0)
		return rc;
	rc = DB_EXEC(db, &Q_ROUTE_WAIT, &res, DBI(route_id));
	if (rc == DB_OK && res.nrows == 1)
		*wait_ms = DB_AT(&res, 0, 0)->i;
	if (*wait_ms < 1)
		*wait_ms = 1; /* taken by another dispatcher just now */
	return rc;
}

enum db_rc db_outbox_route_penalty(struct db *db, long long route_id, long long ms)
{
	return DB_EXEC(db, &Q_ROUTE_PENALTY, NULL, DBI(ms * 1000), DBI(route_id));
}

enum db_rc db_outbox_sweep(struct db *db, struct arena *a, long stale_s, long window_s,
			   long long *found)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_SWEEP, &res, DBI(window_s), DBI(stale_s));

	*found = 0;
	if (rc != DB_OK)
		return rc;
	*found = (long long)res.affected;
	rc = DB_EXEC(db, &Q_SWEEP_REOPEN, &res, DBI(window_s), DBI(stale_s));
	if (rc == DB_OK)
		*found += (long long)res.affected;
	return rc;
}

enum db_rc db_outbox_reactivate(struct db *db, long long client_id)
{
	return DB_EXEC(db, &Q_REACTIVATE_JOBS, NULL, DBI(client_id));
}

enum db_rc db_outbox_summary(struct db *db, struct arena *a, long long client_id,
			     struct outbox_summary *out)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_COUNTS, &res, DBI(client_id), DBI(client_id), DBI(client_id),
				DBI(client_id), DBI(client_id));

	memset(out, 0, sizeof(*out));
	if (rc != DB_OK)
		return rc;
	if (res.nrows == 1) {
		out->pending = DB_AT(&res, 0, 0)->i;
		out->dead = DB_AT(&res, 0, 1)->i;
		out->delivered = DB_AT(&res, 0, 2)->i;
	}
	rc = DB_EXEC(db, &Q_LAST, &res, DBI(client_id), DBI(client_id), DBI(client_id),
		     DBI(client_id), DBI(client_id));
	if (rc != DB_OK)
		return rc;
	if (res.nrows == 1) {
		out->has_last = true;
		out->last_at = DB_AT(&res, 0, 0)->s;
		out->last_status = DB_AT(&res, 0, 1)->null ? 0 : DB_AT(&res, 0, 1)->i;
		out->last_ok = DB_AT(&res, 0, 2)->i != 0;
		out->last_error = DB_AT(&res, 0, 3)->s;
	}
	return DB_OK;
}

static void delivery_row(const struct db_res *res, size_t i, void *out)
{
	const struct db_val *v = DB_AT(res, i, 0);
	struct delivery *d = out;

	d->id = v[0].i;
	d->event_id = v[1].s;
	d->incoming_id = v[2].null ? 0 : v[2].i;
	d->status = v[3].s;
	d->attempts = v[4].i;
	d->last_http_status = v[5].null ? 0 : v[5].i;
	d->last_error = v[6].s;
	d->created_at = v[7].s;
	d->updated_at = v[8].s;
	d->finished_at = v[9].s;
	d->status_event = strcmp(v[10].s, "status") == 0;
	d->outgoing_id = v[11].null ? 0 : v[11].i;
	d->log = NULL;
	d->nlog = 0;
}

enum db_rc db_outbox_deliveries(struct db *db, struct arena *a, long long client_id,
				long long limit, struct delivery **out, size_t *n)
{
	struct db_res res = {.a = a}, att = {.a = a};
	struct db_arg args[OUTBOX_BATCH];
	long long ids[OUTBOX_BATCH];
	enum db_rc rc;
	size_t i, j;

	if (limit > OUTBOX_BATCH)
		limit = OUTBOX_BATCH;
	rc = DB_EXEC(db, &Q_DELIVERIES, &res, DBI(client_id), DBI(limit));
	if (rc != DB_OK)
		return rc;
	*out = db_rows(&res, delivery_row, sizeof **out, n);
	if (*n == 0)
		return DB_OK;
	for (i = 0; i < *n; i++)
		ids[i] = (*out)[i].id;
	put_ids(args, 0, ids, *n);
	rc = db_exec(db, &Q_ATTEMPTS, args, OUTBOX_BATCH, &att);
	if (rc != DB_OK)
		return rc;
	for (i = 0; i < *n; i++) {
		struct delivery *d = &(*out)[i];
		size_t count = 0;

		for (j = 0; j < att.nrows; j++)
			count += DB_AT(&att, j, 0)->i == d->id;
		d->log = arena_alloc(a, (count ? count : 1) * sizeof(struct delivery_attempt));
		for (j = 0; j < att.nrows; j++) {
			const struct db_val *v = DB_AT(&att, j, 0);
			struct delivery_attempt *l;

			if (v[0].i != d->id)
				continue;
			l = &d->log[d->nlog++];
			l->attempt = v[1].i;
			l->started_at = v[2].s;
			l->duration_ms = v[3].i;
			l->http_status = v[4].null ? 0 : v[4].i;
			l->outcome = v[5].s;
			l->error = v[6].s;
		}
	}
	return DB_OK;
}

enum db_rc db_outbox_redeliver(struct db *db, struct arena *a, long long client_id, long long id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_REDELIVER, &res, DBI(id), DBI(client_id));

	if (rc != DB_OK)
		return rc;
	if (res.affected > 0)
		return DB_OK;
	rc = DB_EXEC(db, &Q_EXISTS, &res, DBI(id), DBI(client_id));
	if (rc != DB_OK)
		return rc;
	return res.nrows == 0 ? DB_NOTFOUND : DB_DUP;
}
