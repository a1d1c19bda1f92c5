/*
 * What several endpoint modules share: the list bounds of DESIGN "Parsing
 * rules", and sending a message on behalf of the request's caller (the
 * operator send-message, the v2 send and the reply endpoints).
 */
#ifndef IBIKI_EP_COMMON_H
#define IBIKI_EP_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "svc/outbound.h"
#include "db/db_clients.h"
#include "http/req.h"

/* Client id as a client that exists: ST_OK with *c filled, 404
 * client_not_found, or the database's 503. */
enum status ep_common_client(struct req *r, long long id, struct client *c);

/* A provider webhook MariaDB did not take: its raw request body is kept
 * in the spool (svc/spool.h) as `kind`, to be imported by the dispatcher.
 * ST_OK when spooled (the caller answers the provider as usual); 503 when
 * the request itself came from the spool (the file stays for the next
 * import) or could not be made durable. */
enum status ep_common_spool(struct req *r, const char *kind);

/* Who sends: "key" with the key's id, else "operator" or "admin" with the
 * account's username and display name. */
void ep_common_sender(const struct req *r, struct send_req *rq);

/* Queue rq (outbound_queue) and write its id, "out_<n>", into id; then,
 * unless the request says Prefer: respond-async, wait up to [upstream]
 * sync_wait_s for the dispatcher's outcome.  ST_OK when the provider
 * accepted it (*out: the row, with the provider's id and sent time); the
 * caller writes its answer.  ST_ACCEPTED when it is still queued (async,
 * or the wait ran out): the message object is written (ep_common_message).
 * Otherwise r's error is set: 403 recipient_opted_out (nothing queued;
 * ep_common_queue_fail), a database failure, or 503 twilio_error /
 * upstream_error (by provider) with `details` and `messageId`, and
 * `message` as given (NULL: the provider's own reason). */
enum status ep_common_send(struct req *r, const struct send_req *rq, struct outgoing *out, char *id,
			   size_t idlen, const char *message);
/* The answer to outbound_queue's failure rc for a message to `to`: 403
 * recipient_opted_out for DB_REFUSED, else the database failure. */
enum status ep_common_queue_fail(struct req *r, enum db_rc rc, const char *to);

/* Write outgoing message m (as db_outgoing_get reads it, with its
 * history) as the message object (views_message) and return st. */
enum status ep_common_message(struct req *r, const struct outgoing *m, enum status st);

/*
 * Set client_id's webhook to url (NULL: keep the current URL; then it must
 * have one).  secret: the client's own, or NULL to keep the current one or
 * generate one when none is set; rotate: generate a new one regardless.
 * events (FIELD_EVENTS) not present: keep the client's (sms.received at
 * first).
 * A generated secret is returned once, in the answer.
 *   200 {clientId, url, configured, secretSet, secret?, deliveryMode, events}
 *   400 invalid_webhook_url (with the reason) / invalid_webhook_secret
 *   404 client_not_found
 */
enum status ep_common_webhook_set(struct req *r, long long client_id, const struct fval *url,
				  const struct fval *secret, const struct fval *events,
				  bool rotate);

#endif
