/*
 * Retention and erasure: deleting old rows in bounded batches (ibikictl
 * purge) and one person's data (ibikictl erase).  Reads and deletes
 * incoming_messages, outgoing_messages, push_outbox, push_attempts,
 * outgoing_status_history, message_status_events, idempotency_keys and
 * users; owns erasures (the audit of erasures).  The triggers of
 * sql/007_retention.sql keep conversations and attempts true.
 */
#ifndef IBIKI_DB_RETENTION_H
#define IBIKI_DB_RETENTION_H

#include "db/db.h"

enum purge_what {
	PURGE_INCOMING, /* messages: inbound, with their finished jobs */
	PURGE_OUTGOING, /* messages: outbound, final, with their jobs and callbacks */
	PURGE_OUTBOX,	/* finished jobs (deliveries), with their attempts */
	PURGE_ATTEMPTS, /* delivery attempts */
	PURGE_HISTORY,	/* status history of outbound messages */
	PURGE_EVENTS,	/* provider status callbacks */
	PURGE_IDEM,	/* idempotency keys */
	PURGE_HEALTH,	/* delivery_minutes past the day they are read for */
	PURGE__MAX
};

/* The table's name of what (for reports). */
const char *db_retention_name(enum purge_what what);

/* One batch: at most `batch` rows of what older than age_s seconds, in one
 * short transaction; *deleted: how many rows of the table went (0: none
 * is left to purge).  A message with a job still pending is kept. */
enum db_rc db_retention_purge(struct db *db, struct arena *a, enum purge_what what, long long age_s,
			      long long batch, long long *deleted);

struct erase_counts {
	long long incoming, outgoing, users;
};

/* Every message to and from phone of client_id, their jobs, attempts,
 * callbacks and history, the conversation and the user, in batches of
 * `batch` messages; then one erasures row (actor, note).  Pending jobs
 * for those messages are cancelled with them. */
enum db_rc db_retention_erase(struct db *db, struct arena *a, long long client_id,
			      const char *phone, const char *actor, const char *note,
			      long long batch, struct erase_counts *out);

#endif
