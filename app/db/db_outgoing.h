/*
 * outgoing_messages and message_status_events: outbound SMS, their
 * provider results, and delivery statuses that only move forward.
 */
#ifndef IBIKI_DB_OUTGOING_H
#define IBIKI_DB_OUTGOING_H

#include <stdbool.h>

#include "db/db.h"

/* One status a message took, and when. */
struct outgoing_history {
	const char *status;
	const char *at;
};

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
	const char *delivered_at;	  /* or NULL */
	long long route_id;		  /* the route it goes out by (its throttle); 0: none */
	struct outgoing_history *history; /* oldest first: db_outgoing_get and _outbox only */
	size_t nhistory;
};

/* The columns of an outgoing row, prefixed (a join), in the order
 * db_outgoing_from_row reads them. */
#define DB_OUTGOING_COLS(p)                                                                        \
	p "id, " p "client_id, " p "provider, " p "to_number, " p "from_number, " p "usemodem, " p \
	  "port, " p "body, " p "segments, " p "encoding, " p "sent_by, " p "operator_id, " p      \
	  "operator_name, " p "api_key_id, " p "in_reply_to, " p "status, " p                      \
	  "provider_message_id, " p "error_code, " p "error_message, " p "queued_at, " p           \
	  "sent_at, " p "delivered_at, " p "route_id"
#define DB_OUTGOING_NCOLS 23
/* Fill m from the DB_OUTGOING_NCOLS values starting at v. */
void db_outgoing_from_row(const struct db_val *v, struct outgoing *m);

/* Insert m as queued (its route found from its provider and from number
 * or modem/port); id set. */
enum db_rc db_outgoing_insert(struct db *db, struct arena *a, const struct outgoing *m,
			      long long *id);
/* Record the provider's acceptance: sid, sent_at, status sent (unless a
 * status callback for sid already moved it further). */
enum db_rc db_outgoing_mark_sent(struct db *db, struct arena *a, long long id, const char *sid);
/* Record a failure (status failed unless already further). */
enum db_rc db_outgoing_mark_failed(struct db *db, struct arena *a, long long id, const char *code,
				   const char *message);
/* Operator list, a page of pg; phone, status, operator NULL: any. */
enum db_rc db_outgoing_list(struct db *db, struct arena *a, long long client_id,
			    const struct db_page *pg, const char *phone, const char *status,
			    const char *operator_id, struct outgoing **out, size_t *n, bool *more);

/* Client client_id's message id, with its history; DB_NOTFOUND for none
 * (or another client's). */
enum db_rc db_outgoing_get(struct db *db, struct arena *a, long long client_id, long long id,
			   struct outgoing *out);
/* The statuses message id took, oldest first, up to history row upto (0:
 * all); at most 16. */
enum db_rc db_outgoing_history(struct db *db, struct arena *a, long long id, long long upto,
			       struct outgoing_history **out, size_t *n);
/* The v2 outbox: client_id's messages with their histories, status NULL
 * for any; after < 0:
 * newest first, else oldest first after that id, with *next the cursor to
 * continue from (the inbox's rules, db_incoming_inbox). */
enum db_rc db_outgoing_outbox(struct db *db, struct arena *a, long long client_id, long long after,
			      const char *status, long long limit, struct outgoing **out, size_t *n,
			      long long *next);

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
