/*
 * push_outbox and push_attempts: the jobs of ibiki-dispatch (client
 * webhook deliveries, acknowledgement SMS) and every attempt at them.
 *
 * Jobs are queued by ibiki_store_inbound in the transaction that stores
 * their message.  A dispatcher claims due jobs in one short transaction
 * (SELECT ... FOR UPDATE SKIP LOCKED on ix_outbox_due, then a lease: the
 * owner's name, attempts + 1, and next_attempt_at moved to the lease's
 * end, so a killed dispatcher's jobs come due again by themselves), works
 * outside any transaction, and finishes with updates guarded by its lease.
 */
#ifndef IBIKI_DB_OUTBOX_H
#define IBIKI_DB_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/db_incoming.h"
#include "db/db_outgoing.h"

#define OUTBOX_EVENT_ID_LEN 28 /* "evt_" + 24 hex */
#define OUTBOX_BATCH	    64 /* most jobs claimed or finished at once */

/* A new stable event id; out needs OUTBOX_EVENT_ID_LEN + 1 bytes. */
void db_outbox_new_event_id(char *out);

/* A claimed job, with what its delivery needs. */
struct outbox_job {
	long long id;
	const char *event_id;
	const char *kind;	 /* webhook | ack_sms | sms | status */
	long long client_id;	 /* 0: none */
	long long attempts;	 /* counting this one */
	long long outgoing_id;	 /* sms, status; ack_sms: 0 until made */
	const char *url;	 /* the client's webhook, or NULL */
	const char *secret;	 /* or NULL */
	bool disabled;		 /* the endpoint answered 410 and was not re-registered */
	bool reconcile;		 /* sms: ask the provider whether it has it, do not send */
	bool resent;		 /* sms: the one send after an empty reconcile was made */
	bool window_over;	 /* sms: the reconcile window has passed */
	long long history_id;	 /* status: the status change it reports */
	double route_mps;	 /* sms: the route's rate, 0 unthrottled */
	long long route_wait_ms; /* sms: until the route may send again */
	bool blocked;		 /* status: an earlier event of the message is pending */
	bool suppressed;	 /* sms, ack_sms: the recipient has opted out */
	struct incoming msg;	 /* webhook, ack_sms */
	bool has_out;		 /* out is set */
	struct outgoing out;	 /* sms, status; ack_sms once made */
};

/* How to claim: for owner, up to max jobs (<= OUTBOX_BATCH), leased for
 * lease_s; an SMS job found with a lost attempt is reconciled for
 * reconcile_window_s; default_mps for routes without their own rate. */
struct outbox_claim {
	const char *owner;
	int max;
	long lease_s;
	long reconcile_window_s;
	long default_mps;
};

/* Claim due jobs.  *n may be 0. */
enum db_rc db_outbox_claim(struct db *db, struct arena *a, const struct outbox_claim *how,
			   struct outbox_job **jobs, size_t *n);

enum outbox_outcome {
	OUTBOX_DELIVERED, /* done */
	OUTBOX_RETRY,	  /* failed; due again after delay_ms */
	OUTBOX_DEAD,	  /* failed for good, kept */
	OUTBOX_DEFER,	  /* not attempted (destination busy or disabled): due after
			   * delay_ms, the attempt not counted, not logged */
	OUTBOX_OUTCOME__MAX
};

/* What one claimed job came to. */
struct outbox_result {
	long long id;
	long long attempt;
	enum outbox_outcome outcome;
	long long delay_ms;	  /* RETRY, DEFER */
	long http_status;	  /* 0: none */
	const char *error;	  /* or NULL */
	const char *attempt_kind; /* for the log: delivered|failed|blocked|timeout */
	int64_t started_ms;	  /* epoch ms */
	long duration_ms;
	const char *head; /* first bytes of the answer, or NULL */
	size_t head_len;
	long long disable_client; /* > 0: that client's endpoint is gone (410) */
	int phase;		  /* RETRY of an SMS: OUTBOX_PHASE_* */
};

enum {
	OUTBOX_PHASE_KEEP,	/* as it was */
	OUTBOX_PHASE_RECONCILE, /* the outcome is unknown: look it up next */
	OUTBOX_PHASE_RESEND	/* not found: the one more send */
};

/* Record results for owner in one transaction: the jobs' new states
 * (deliveries grouped into one statement), the attempt log, disabled
 * endpoints; an SMS moved to reconcile gets window_s to be found.  Rows
 * whose lease owner changed are left alone. */
enum db_rc db_outbox_finish(struct db *db, struct arena *a, const char *owner, long window_s,
			    const struct outbox_result *r, size_t n);

/* Queue outgoing message m in one transaction: the row (queued) and, with
 * job_id 0, a new sms job for it; with job_id > 0 (an acknowledgement's
 * ack_sms job) the row is linked to that job instead -- DB_DUP when the
 * job already has one.  guard: first check, locking, that the recipient
 * has not opted out (DB_REFUSED, nothing queued).  *id: the outgoing id. */
enum db_rc db_outbox_queue_sms(struct db *db, struct arena *a, const struct outgoing *m,
			       long long job_id, bool guard, long long *id);

/* Take route_id's next send slot at mps: *wait_ms 0 when this send may go
 * now (the next one 1/mps later), else how long until the route is free. */
enum db_rc db_outbox_route_reserve(struct db *db, struct arena *a, long long route_id, double mps,
				   long long *wait_ms);
/* The provider asked route_id to slow down: nothing on it for ms. */
enum db_rc db_outbox_route_penalty(struct db *db, long long route_id, long long ms);

/* The sweeper: every message queued longer than stale_s with no job that
 * will settle it gets one that reconciles it (window_s to be found).
 * *found: how many. */
enum db_rc db_outbox_sweep(struct db *db, struct arena *a, long stale_s, long window_s,
			   long long *found);

/* A client's webhook was registered again (db_clients_set_webhook lifted
 * its 410 mark): its held deliveries are due now. */
enum db_rc db_outbox_reactivate(struct db *db, long long client_id);

/* A client's webhook deliveries at a glance. */
struct outbox_summary {
	long long pending;     /* now */
	long long dead;	       /* finished dead in the last 24 hours */
	long long delivered;   /* delivered in the last 24 hours */
	bool has_last;	       /* a delivery was finished or attempted */
	const char *last_at;   /* DATETIME of the last finished or failed attempt */
	long long last_status; /* its HTTP status, 0 for none (timeout, refused) */
	bool last_ok;
	const char *last_error;
};

/* The client's webhook delivery health into *out (zeroed first). */
enum db_rc db_outbox_summary(struct db *db, struct arena *a, long long client_id,
			     struct outbox_summary *out);

struct delivery_attempt {
	long long attempt;
	const char *started_at;
	long long duration_ms;
	long long http_status; /* 0: none */
	const char *outcome;
	const char *error;
};

struct delivery {
	long long id;
	const char *event_id;
	long long incoming_id;
	const char *status;
	long long attempts;
	long long last_http_status;
	const char *last_error;
	const char *created_at;
	const char *updated_at;
	const char *finished_at;
	bool status_event;     /* sms.status (else sms.received) */
	long long outgoing_id; /* sms.status: the message */
	struct delivery_attempt *log;
	size_t nlog;
};

/* A client's newest webhook deliveries (limit <= OUTBOX_BATCH), with their
 * attempts. */
enum db_rc db_outbox_deliveries(struct db *db, struct arena *a, long long client_id,
				long long limit, struct delivery **out, size_t *n);
/* Queue a delivered or dead delivery of client_id again, same event id.
 * DB_NOTFOUND: no such delivery for that client; DB_DUP: still pending. */
enum db_rc db_outbox_redeliver(struct db *db, struct arena *a, long long client_id, long long id);

#endif
