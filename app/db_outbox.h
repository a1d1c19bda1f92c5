/*
 * push_outbox: jobs for ibiki-dispatch (client webhook deliveries and
 * acknowledgement SMS).  Jobs are queued by ibiki_store_inbound in the
 * transaction that stores their message; the dispatcher claims, delivers
 * and finishes them.
 */
#ifndef IBIKI_DB_OUTBOX_H
#define IBIKI_DB_OUTBOX_H

#include "db.h"

#define OUTBOX_EVENT_ID_LEN 28 /* "evt_" + 24 hex */

/* A new stable event id; out needs OUTBOX_EVENT_ID_LEN + 1 bytes. */
void db_outbox_new_event_id(char *out);

#endif
