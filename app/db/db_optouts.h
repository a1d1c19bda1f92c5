/*
 * The suppression list (sql/009): per client, the numbers that opted out
 * (optouts, the state now) and every change of it (optout_events, the
 * history the v2 feed reads).  Always scoped by client.
 */
#ifndef IBIKI_DB_OPTOUTS_H
#define IBIKI_DB_OPTOUTS_H

#include <stdbool.h>

#include "db/db.h"

/* A number's state, or one change of it. */
struct optout {
	long long id; /* the change (optout_events.id): the state's last one */
	const char *phone;
	bool opted_out;
	const char *keyword;  /* the word as texted ("STOP"), or NULL */
	const char *provider; /* twilio | extreme, or NULL (an admin) */
	const char *source;   /* keyword | provider | admin */
	const char *note;     /* an admin's, or NULL; changes only */
	const char *at;
};

/* The state columns with a table alias prefix ("o."), in the order
 * db_optout_from_row reads them; all NULL (LEFT JOIN, never opted out)
 * reads as not opted out. */
#define DB_OPTOUT_COLS(p)                                                                          \
	p "event_id, " p "phone, " p "opted_out, " p "keyword, " p "provider, " p "source, " p     \
	  "changed_at"
#define DB_OPTOUT_NCOLS 7
void db_optout_from_row(const struct db_val *v, struct optout *o);

/* The state of phone: DB_NOTFOUND when it never opted out. */
enum db_rc db_optouts_get(struct db *db, struct arena *a, long long client_id, const char *phone,
			  struct optout *out);

/* Inside a send's transaction: DB_REFUSED when phone is suppressed, else
 * DB_OK.  A locking read: a STOP that commits while the send is being
 * queued waits for it, or the send waits for the STOP. */
enum db_rc db_optouts_guard(struct db *db, struct arena *a, long long client_id, const char *phone);

/* What sets a number in or out outside the ingest (which does it in its
 * own procedure). */
struct optout_change {
	bool opted_out;
	const char *keyword;   /* or NULL */
	const char *provider;  /* or NULL */
	const char *source;    /* provider | admin */
	const char *actor;     /* an admin's account, or NULL */
	const char *note;      /* or NULL */
	long long outgoing_id; /* the send the provider refused, or 0 */
};

/* Apply c to phone (one transaction); *changed: whether its state moved
 * (a change already in place records nothing). */
enum db_rc db_optouts_change(struct db *db, struct arena *a, long long client_id, const char *phone,
			     const struct optout_change *c, bool *changed);

/* The changes after the change `after` (0: from the first), oldest
 * first, gap-free like the v2 inbox (db_incoming_inbox); *next is where
 * the next poll continues (after when nothing is new). */
enum db_rc db_optouts_feed(struct db *db, struct arena *a, long long client_id, long long after,
			   long long limit, struct optout **out, size_t *n, long long *next);

#endif
