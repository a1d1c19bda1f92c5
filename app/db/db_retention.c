/*
 * Retention and erasure.  See db_retention.h.
 *
 * Every statement is bounded by the batch: a purge batch reads the
 * `batch` oldest rows of its table on its time index and deletes them (a
 * message with a pending job excepted).  Each batch is one short
 * transaction, so nothing holds locks for long, and a purge can be
 * stopped and run again at any point.
 */
#include "db/db_retention.h"

#include <string.h>

#define CUTOFF " NOW(3) - INTERVAL ? SECOND"

/* A batch of old messages: the time of the last of the `batch` oldest
 * (NULL: none is old enough).  Then their finished jobs (found from the
 * messages -- STRAIGHT_JOIN: the batch's rows first, each job by its
 * index -- never by a scan of the jobs), then they, but not one with a job
 * still pending. */
static const struct db_sql Q_IN_BOUND = {
	"purge_bound_in", "SELECT MAX(received_at) FROM (SELECT received_at FROM incoming_messages"
			  " WHERE received_at <" CUTOFF " ORDER BY received_at LIMIT ?) b"};
#define OLD_IN " WHERE m.received_at <= ? AND m.received_at <" CUTOFF
static const struct db_sql Q_IN_JOBS = {
	"purge_in_jobs", "DELETE o FROM incoming_messages m STRAIGHT_JOIN push_outbox o"
			 " ON o.kind IN ('webhook', 'ack_sms') AND o.incoming_id = m.id" OLD_IN
			 " AND o.status <> 'pending'"};
static const struct db_sql Q_IN_DEL = {
	"purge_in", "DELETE m FROM incoming_messages m" OLD_IN
		    " AND NOT EXISTS (SELECT 1 FROM push_outbox o WHERE o.kind IN ('webhook',"
		    " 'ack_sms') AND o.incoming_id = m.id AND o.status = 'pending')"};

/* Old outbound messages in a final state, likewise. */
static const struct db_sql Q_OUT_BOUND = {
	"purge_bound_out", "SELECT MAX(queued_at) FROM (SELECT queued_at FROM outgoing_messages"
			   " WHERE queued_at <" CUTOFF " ORDER BY queued_at LIMIT ?) b"};
#define OLD_OUT " WHERE m.queued_at <= ? AND m.queued_at <" CUTOFF " AND m.status <> 'queued'"
static const struct db_sql Q_OUT_JOBS = {
	"purge_out_jobs", "DELETE o FROM outgoing_messages m STRAIGHT_JOIN push_outbox o ON "
			  "o.outgoing_id = m.id" OLD_OUT " AND o.status <> 'pending'"};
static const struct db_sql Q_OUT_EVENTS = {
	"purge_out_events",
	"DELETE e FROM outgoing_messages m STRAIGHT_JOIN message_status_events e"
	" ON e.outgoing_id = m.id" OLD_OUT};
static const struct db_sql Q_OUT_DEL = {"purge_out",
					"DELETE m FROM outgoing_messages m" OLD_OUT
					" AND NOT EXISTS (SELECT 1 FROM push_outbox o"
					" WHERE o.outgoing_id = m.id AND o.status = 'pending')"};

static const struct db_sql Q_OUTBOX_DEL = {"purge_outbox",
					   "DELETE FROM push_outbox WHERE finished_at <" CUTOFF
					   " AND status <> 'pending' ORDER BY finished_at LIMIT ?"};
static const struct db_sql Q_ATTEMPTS_DEL = {"purge_attempts",
					     "DELETE FROM push_attempts WHERE started_at <" CUTOFF
					     " ORDER BY started_at LIMIT ?"};
static const struct db_sql Q_HISTORY_DEL = {"purge_history",
					    "DELETE FROM outgoing_status_history WHERE at <" CUTOFF
					    " ORDER BY at LIMIT ?"};
static const struct db_sql Q_EVENTS_DEL = {
	"purge_events", "DELETE FROM message_status_events WHERE received_at <" CUTOFF
			" ORDER BY received_at LIMIT ?"};
static const struct db_sql Q_IDEM_DEL = {"purge_idem",
					 "DELETE FROM idempotency_keys WHERE created_at <" CUTOFF
					 " ORDER BY created_at LIMIT ?"};
static const struct db_sql Q_HEALTH_DEL = {"purge_health",
					   "DELETE FROM delivery_minutes WHERE minute <" CUTOFF
					   " ORDER BY minute LIMIT ?"};

const char *db_retention_name(enum purge_what what)
{
	static const char *const names[PURGE__MAX] = {
		[PURGE_INCOMING] = "incoming_messages",
		[PURGE_OUTGOING] = "outgoing_messages",
		[PURGE_OUTBOX] = "push_outbox",
		[PURGE_ATTEMPTS] = "push_attempts",
		[PURGE_HISTORY] = "outgoing_status_history",
		[PURGE_EVENTS] = "message_status_events",
		[PURGE_IDEM] = "idempotency_keys",
		[PURGE_HEALTH] = "delivery_minutes",
	};

	return what < PURGE__MAX ? names[what] : "?";
}

struct batch {
	struct arena *a;
	enum purge_what what;
	long long age, size, deleted;
};

/* The batch of old messages, up to the time *bound (NULL: none). */
static enum db_rc purge_messages(struct db *db, struct batch *b, bool out)
{
	struct db_res res = {.a = b->a};
	const char *bound = NULL;
	enum db_rc rc =
		DB_EXEC(db, out ? &Q_OUT_BOUND : &Q_IN_BOUND, &res, DBI(b->age), DBI(b->size));

	if (rc == DB_OK && res.nrows == 1 && !DB_AT(&res, 0, 0)->null)
		bound = DB_AT(&res, 0, 0)->s;
	if (rc != DB_OK || bound == NULL)
		return rc;
	if (out) {
		rc = DB_EXEC(db, &Q_OUT_JOBS, &res, DBZ(bound), DBI(b->age));
		if (rc == DB_OK)
			rc = DB_EXEC(db, &Q_OUT_EVENTS, &res, DBZ(bound), DBI(b->age));
		if (rc == DB_OK)
			rc = DB_EXEC(db, &Q_OUT_DEL, &res, DBZ(bound), DBI(b->age));
	} else {
		rc = DB_EXEC(db, &Q_IN_JOBS, &res, DBZ(bound), DBI(b->age));
		if (rc == DB_OK)
			rc = DB_EXEC(db, &Q_IN_DEL, &res, DBZ(bound), DBI(b->age));
	}
	if (rc == DB_OK)
		b->deleted = (long long)res.affected;
	return rc;
}

static enum db_rc purge_batch(struct db *db, void *ctx)
{
	struct batch *b = ctx;
	struct db_res res = {.a = b->a};
	const struct db_sql *by_time = NULL;
	enum db_rc rc;

	b->deleted = 0;
	switch (b->what) {
	case PURGE_INCOMING:
	case PURGE_OUTGOING:
		return purge_messages(db, b, b->what == PURGE_OUTGOING);
	case PURGE_OUTBOX:
		by_time = &Q_OUTBOX_DEL;
		break;
	case PURGE_ATTEMPTS:
		by_time = &Q_ATTEMPTS_DEL;
		break;
	case PURGE_HISTORY:
		by_time = &Q_HISTORY_DEL;
		break;
	case PURGE_EVENTS:
		by_time = &Q_EVENTS_DEL;
		break;
	case PURGE_IDEM:
		by_time = &Q_IDEM_DEL;
		break;
	case PURGE_HEALTH:
		by_time = &Q_HEALTH_DEL;
		break;
	case PURGE__MAX:
		return DB_ERROR;
	}
	rc = DB_EXEC(db, by_time, &res, DBI(b->age), DBI(b->size));
	if (rc == DB_OK)
		b->deleted = (long long)res.affected;
	return rc;
}

enum db_rc db_retention_purge(struct db *db, struct arena *a, enum purge_what what, long long age_s,
			      long long batch, long long *deleted)
{
	struct batch b = {.a = a, .what = what, .age = age_s, .size = batch};
	enum db_rc rc = db_txn(db, purge_batch, &b);

	*deleted = rc == DB_OK ? b.deleted : 0;
	return rc;
}

/* --- erasure -------------------------------------------------------------- */

static const struct db_sql Q_PHONE_BOUND_IN = {
	"erase_bound_in", "SELECT MAX(id) FROM (SELECT id FROM incoming_messages"
			  " WHERE client_id = ? AND from_number = ? ORDER BY id LIMIT ?) b"};
static const struct db_sql Q_PHONE_BOUND_OUT = {
	"erase_bound_out", "SELECT MAX(id) FROM (SELECT id FROM outgoing_messages"
			   " WHERE client_id = ? AND to_number = ? ORDER BY id LIMIT ?) b"};
#define PHONE_IN  " WHERE m.client_id = ? AND m.from_number = ? AND m.id <= ?"
#define PHONE_OUT " WHERE m.client_id = ? AND m.to_number = ? AND m.id <= ?"
static const struct db_sql Q_ERASE_IN_JOBS = {
	"erase_in_jobs", "DELETE o FROM incoming_messages m STRAIGHT_JOIN push_outbox o"
			 " ON o.kind IN ('webhook', 'ack_sms') AND o.incoming_id = m.id" PHONE_IN};
static const struct db_sql Q_ERASE_IN = {
	"erase_in",
	"DELETE FROM incoming_messages WHERE client_id = ? AND from_number = ? AND id <= ?"};
static const struct db_sql Q_ERASE_OUT_JOBS = {
	"erase_out_jobs", "DELETE o FROM outgoing_messages m STRAIGHT_JOIN push_outbox o"
			  " ON o.outgoing_id = m.id" PHONE_OUT};
static const struct db_sql Q_ERASE_OUT_EVENTS = {
	"erase_out_events",
	"DELETE e FROM outgoing_messages m STRAIGHT_JOIN message_status_events e"
	" ON e.outgoing_id = m.id" PHONE_OUT};
static const struct db_sql Q_ERASE_OUT = {
	"erase_out",
	"DELETE FROM outgoing_messages WHERE client_id = ? AND to_number = ? AND id <= ?"};
static const struct db_sql Q_ERASE_USER = {"erase_user",
					   "DELETE FROM users WHERE client_id = ? AND phone = ?"};
static const struct db_sql Q_ERASE_CONVERSATION = {
	"erase_conversation", "DELETE FROM conversations WHERE client_id = ? AND phone = ?"};
static const struct db_sql Q_ERASE_AUDIT = {
	"erase_audit",
	"INSERT INTO erasures (client_id, phone_sha256, incoming, outgoing, users, actor, note)"
	" VALUES (?, SHA2(?, 256), ?, ?, ?, ?, ?)"};

struct erase {
	struct arena *a;
	long long client, size;
	const char *phone, *actor, *note;
	bool out;	   /* this batch: outbound messages */
	long long deleted; /* this batch's messages */
	struct erase_counts n;
};

static enum db_rc erase_batch(struct db *db, void *ctx)
{
	struct erase *e = ctx;
	struct db_res res = {.a = e->a};
	long long bound = 0;
	enum db_rc rc;

	e->deleted = 0;
	rc = DB_EXEC(db, e->out ? &Q_PHONE_BOUND_OUT : &Q_PHONE_BOUND_IN, &res, DBI(e->client),
		     DBZ(e->phone), DBI(e->size));
	if (rc == DB_OK && res.nrows == 1 && !DB_AT(&res, 0, 0)->null)
		bound = DB_AT(&res, 0, 0)->i;
	if (rc != DB_OK || bound == 0)
		return rc;
	if (e->out) {
		rc = DB_EXEC(db, &Q_ERASE_OUT_JOBS, &res, DBI(e->client), DBZ(e->phone),
			     DBI(bound));
		if (rc == DB_OK)
			rc = DB_EXEC(db, &Q_ERASE_OUT_EVENTS, &res, DBI(e->client), DBZ(e->phone),
				     DBI(bound));
		if (rc == DB_OK)
			rc = DB_EXEC(db, &Q_ERASE_OUT, &res, DBI(e->client), DBZ(e->phone),
				     DBI(bound));
	} else {
		rc = DB_EXEC(db, &Q_ERASE_IN_JOBS, &res, DBI(e->client), DBZ(e->phone), DBI(bound));
		if (rc == DB_OK)
			rc = DB_EXEC(db, &Q_ERASE_IN, &res, DBI(e->client), DBZ(e->phone),
				     DBI(bound));
	}
	if (rc == DB_OK)
		e->deleted = (long long)res.affected;
	return rc;
}

static enum db_rc erase_rest(struct db *db, void *ctx)
{
	struct erase *e = ctx;
	struct db_res res = {.a = e->a};
	enum db_rc rc = DB_EXEC(db, &Q_ERASE_USER, &res, DBI(e->client), DBZ(e->phone));

	if (rc == DB_OK)
		e->n.users = (long long)res.affected;
	if (rc == DB_OK)
		rc = DB_EXEC(db, &Q_ERASE_CONVERSATION, &res, DBI(e->client), DBZ(e->phone));
	if (rc == DB_OK)
		rc = DB_EXEC(db, &Q_ERASE_AUDIT, &res, DBI(e->client), DBZ(e->phone),
			     DBI(e->n.incoming), DBI(e->n.outgoing), DBI(e->n.users), DBZ(e->actor),
			     DBZ(e->note));
	return rc;
}

enum db_rc db_retention_erase(struct db *db, struct arena *a, long long client_id,
			      const char *phone, const char *actor, const char *note,
			      long long batch, struct erase_counts *out)
{
	struct erase e = {
		.a = a,
		.client = client_id,
		.size = batch,
		.phone = phone,
		.actor = actor,
		.note = note,
	};
	enum db_rc rc = DB_OK;
	int dir;

	for (dir = 0; dir < 2 && rc == DB_OK; dir++) {
		e.out = dir == 1;
		do {
			rc = db_txn(db, erase_batch, &e);
			if (rc == DB_OK)
				*(e.out ? &e.n.outgoing : &e.n.incoming) += e.deleted;
		} while (rc == DB_OK && e.deleted > 0);
	}
	if (rc == DB_OK)
		rc = db_txn(db, erase_rest, &e);
	*out = e.n;
	return rc;
}
