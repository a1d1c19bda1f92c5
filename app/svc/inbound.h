/*
 * Storing an inbound SMS, whichever way it came (Twilio webhook, Extreme
 * webhook, spool import): route it to a client, mark whether the sender is
 * an active user, and -- in the same transaction -- queue the jobs it
 * calls for: the acknowledgement SMS (Twilio, registered sender) and the
 * client push (mode push or both, webhook set).  Idempotent: a message id
 * seen before is not stored or queued again, and the stored one is
 * returned with duplicate set.
 */
#ifndef IBIKI_SVC_INBOUND_H
#define IBIKI_SVC_INBOUND_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "db/db.h"
#include "db/db_incoming.h"

#define INBOUND_ACK_TEXT "Your number is recognized. Message received."

/* The bytes of body (valid UTF-8, len bytes) that are stored: at most
 * SMS_MAX_CHARS code points. */
size_t inbound_body_len(const char *body, size_t len);

/* Store m (its body cut to inbound_body_len, logged when cut).  Returns
 * DB_OK, or DB_UNAVAILABLE / DB_ERROR when it could not be stored (the
 * caller spools the request then). */
enum db_rc inbound_store(struct db *db, struct arena *a, const struct incoming *m,
			 struct inbound_stored *out);

#endif
