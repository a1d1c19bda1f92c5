/*
 * push_outbox: jobs for ibiki-dispatch (client webhook deliveries and
 * acknowledgement SMS).  Jobs are queued by ibiki_store_inbound in the
 * transaction that stores their message; the dispatcher claims, delivers
 * and finishes them.
 */
#ifndef IBIKI_DB_OUTBOX_H
#define IBIKI_DB_OUTBOX_H

#include <stdbool.h>

#include "db.h"

#define OUTBOX_EVENT_ID_LEN 28 /* "evt_" + 24 hex */

/* A new stable event id; out needs OUTBOX_EVENT_ID_LEN + 1 bytes. */
void db_outbox_new_event_id(char *out);

/* A client's webhook deliveries at a glance. */
struct outbox_summary {
	long long pending;
	long long dead;
	long long delivered;
	bool has_last;          /* a delivery was finished or attempted */
	const char *last_at;    /* DATETIME of the last finished or failed attempt */
	long long last_status;  /* its HTTP status, 0 for none (timeout, refused) */
	bool last_ok;
	const char *last_error;
};

enum db_rc db_outbox_summary(struct db *db, struct arena *a, long long client_id,
			     struct outbox_summary *out);

#endif
