/*
 * incoming_messages: inbound SMS, idempotent on the provider's message id,
 * and the lookup that routes one to a client.
 */
#ifndef IBIKI_DB_INCOMING_H
#define IBIKI_DB_INCOMING_H

#include <stdbool.h>

#include "db/db.h"

struct incoming {
	long long id;
	const char *provider;
	const char *provider_message_id;
	long long client_id; /* 0: unrouted */
	const char *from;
	const char *to;
	const char *body;
	size_t body_len;
	long long num_media;
	long long usemodem; /* -1: none */
	long long port;	    /* -1: none */
	bool is_registered;
	bool response_sent;
	const char *provider_timestamp;
	const char *received_at;
	const char *read_at;
	const char *keyword; /* "stop" | "start" | "help", or NULL */
	/* Media: one "url<TAB>content type" line per item (svc/inbound.h),
	 * NULL or "" for none; num_media counts them. */
	const char *media;
};

/* The columns of an incoming message with a table alias prefix ("i."),
 * in the order db_incoming_from_row reads them. */
#define DB_INCOMING_COLS(p)                                                                        \
	p "id, " p "provider, " p "provider_message_id, " p "client_id, " p "from_number, " p      \
	  "to_number, " p "body, " p "num_media, " p "usemodem, " p "port, " p "is_registered, " p \
	  "response_sent, " p "provider_timestamp, " p "received_at, " p "read_at, " p             \
	  "keyword, " p "media"
#define DB_INCOMING_NCOLS 17
/* Fill m from the DB_INCOMING_NCOLS values starting at v. */
void db_incoming_from_row(const struct db_val *v, struct incoming *m);

/* What storing an inbound message did. */
struct inbound_stored {
	long long id;
	bool duplicate;	     /* seen before: nothing stored or queued */
	long long client_id; /* 0: unrouted */
	bool is_registered;
	bool response_sent;
	bool ack_queued;
	bool push_queued;
};

/* How to store a message: its keyword's word as texted ("STOPALL"; NULL
 * without a keyword), whether a keyword is answered, the event ids its
 * jobs get if queued. */
struct inbound_how {
	const char *word;
	bool reply;
	const char *evt_ack;
	const char *evt_push;
};

/* Store m (id, client_id, is_registered, response_sent ignored: routing
 * decides them) with its jobs, in one transaction (the stored procedure
 * ibiki_store_inbound, sql/009): the acknowledgement (or, for a keyword,
 * the answer when how->reply), the push, and for STOP or START the
 * sender's opt-out state.  A message id seen before returns the stored
 * row with duplicate set. */
enum db_rc db_incoming_store(struct db *db, struct arena *a, const struct incoming *m,
			     const struct inbound_how *how, struct inbound_stored *out);

/* The client's last inbound message from `from`; DB_NOTFOUND when none. */
enum db_rc db_incoming_last_from(struct db *db, struct arena *a, long long client_id,
				 const char *from, struct incoming *out);

/* The operator list, a page of pg (newest first unless asc); phone NULL:
 * any sender; registered < 0: any. */
enum db_rc db_incoming_list(struct db *db, struct arena *a, long long client_id,
			    const struct db_page *pg, const char *phone, int registered,
			    struct incoming **out, size_t *n, bool *more);
/* The v2 inbox.  after >= 0 (0: from the start) gives the messages after
 * that id, oldest first, without gaps: the page ends before the first
 * message younger than INBOX_SETTLE_MS (see db_incoming.c).  after < 0
 * gives the newest first.  *next is where a cursor poll may continue
 * from: the last message of a cursor page, or the newest settled one of a
 * newest-first page; -1 when there is none yet.  from NULL: any sender. */
#define INBOX_SETTLE_MS	 1000
#define INBOX_SETTLE_SQL "1 SECOND"

enum db_rc db_incoming_inbox(struct db *db, struct arena *a, long long client_id, long long after,
			     const char *from, long long limit, struct incoming **out, size_t *n,
			     long long *next);
/* Mark the client's unread inbound messages from phone read (the web
 * thread was opened).  DB_OK, or the failure. */
enum db_rc db_incoming_mark_read(struct db *db, struct arena *a, long long client_id,
				 const char *phone);

#endif
