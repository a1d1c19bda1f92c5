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
#include "lib/config.h"

#define INBOUND_ACK_TEXT "Your number is recognized. Message received."

/* Media (MMS): at most INBOUND_MEDIA_MAX items per message, each an https
 * URL of at most INBOUND_MEDIA_URL_MAX bytes and a content type
 * (type/subtype) of at most INBOUND_MEDIA_TYPE_MAX, or none. */
#define INBOUND_MEDIA_MAX      10
#define INBOUND_MEDIA_URL_MAX  1024
#define INBOUND_MEDIA_TYPE_MAX 127

struct inbound_media {
	const char *url;
	size_t url_len;
	const char *type; /* NULL: none given */
	size_t type_len;
};

/* Why the item cannot be kept (a sentence for the log), or NULL when it
 * can.  type may be NULL. */
const char *inbound_media_invalid(const char *url, size_t url_len, const char *type,
				  size_t type_len);
/* Append a valid item to the stored form of a message's media (*text, ""
 * or NULL to start), one "url<TAB>type" line per item. */
void inbound_media_append(struct arena *a, const char **text, const struct inbound_media *it);
/* The next item of the stored form at *p (advanced past it); false at
 * the end.  The item points into the text. */
bool inbound_media_next(const char **p, struct inbound_media *it);

/* The bytes of body (valid UTF-8, len bytes) that are stored: at most
 * SMS_MAX_CHARS code points. */
size_t inbound_body_len(const char *body, size_t len);

/* Store m (its body cut to inbound_body_len, logged when cut; its
 * keyword matched here, m->keyword ignored; [optout] of cfg decides
 * whether a keyword is answered).  Returns DB_OK, or DB_UNAVAILABLE /
 * DB_ERROR when it could not be stored (the caller spools the request
 * then). */
enum db_rc inbound_store(struct db *db, struct arena *a, const struct config *cfg,
			 const struct incoming *m, struct inbound_stored *out);

#endif
