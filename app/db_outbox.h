/*
 * push_outbox: jobs for ibiki-dispatch (client webhook deliveries and
 * acknowledgement SMS).  Workers enqueue inside the transaction that
 * stores the inbound message; the dispatcher claims, delivers and
 * finishes (issue: dispatcher).
 */
#ifndef IBIKI_DB_OUTBOX_H
#define IBIKI_DB_OUTBOX_H

#include "db.h"

#define OUTBOX_EVENT_ID_LEN 28 /* "evt_" + 24 hex */

/* A new stable event id; out needs OUTBOX_EVENT_ID_LEN + 1 bytes. */
void db_outbox_new_event_id(char *out);

/* Queue a job.  DB_DUP when this kind of job already exists for the
 * inbound message (a redelivered webhook): nothing is queued twice. */
enum db_rc db_outbox_enqueue(struct db *db, struct arena *a, const char *event_id,
			     const char *kind, long long client_id, long long incoming_id,
			     const char *payload, size_t len);

#endif
