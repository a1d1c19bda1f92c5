/*
 * outgoing_messages and message_status_events: outbound SMS, their
 * provider results, and delivery statuses that only move forward.
 */
#ifndef IBIKI_DB_OUTGOING_H
#define IBIKI_DB_OUTGOING_H

#include <stdbool.h>

#include "db/db.h"

struct outgoing {
	long long id;
	long long client_id;
	const char *provider;
	const char *to;
	const char *from;
	long long usemodem; /* -1: none */
	long long port;
	const char *body;
	size_t body_len;
	long long segments;
	const char *encoding;
	const char *sent_by;	 /* operator | admin | key | system */
	const char *operator_id; /* username, "system", or NULL */
	const char *operator_name;
	long long api_key_id;  /* 0: none */
	long long in_reply_to; /* incoming id, 0: none */
	const char *status;
	const char *provider_message_id;
	const char *error_code;
	const char *error_message;
	const char *queued_at;
	const char *sent_at;
};

/* Insert m as queued; id set. */
enum db_rc db_outgoing_insert(struct db *db, struct arena *a, const struct outgoing *m,
			      long long *id);
/* Record the provider's acceptance: sid, sent_at, status sent (unless a
 * status callback for sid already moved it further). */
enum db_rc db_outgoing_mark_sent(struct db *db, struct arena *a, long long id, const char *sid);
/* Record a failure (status failed unless already further). */
enum db_rc db_outgoing_mark_failed(struct db *db, struct arena *a, long long id, const char *code,
				   const char *message);
/* Operator list; phone, status, operator NULL: any. */
enum db_rc db_outgoing_list(struct db *db, struct arena *a, long long client_id, bool asc,
			    const char *phone, const char *status, const char *operator_id,
			    long long limit, struct outgoing **out, size_t *n);

/* Map a provider's status name (queued, sending, sent, delivered, read...)
 * to a stored status and its rank; false for names that say nothing about
 * an outbound message. */
bool db_outgoing_map_status(const char *raw, const char **status, int *rank);

/* A provider status callback, in one transaction: kept in the history,
 * and applied to the message with that provider id when its mapped status
 * raises the message's rank.  *known tells whether such a message exists.
 * DB_OK, or the transaction's failure (nothing kept). */
enum db_rc db_outgoing_status_event(struct db *db, struct arena *a, const char *provider,
				    const char *pid, const char *raw_status, const char *error_code,
				    bool *known);

#endif
