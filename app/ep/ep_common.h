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

/* Send rq (outbound_send) and write its id, "out_<n>", into id.  ST_OK
 * when the provider accepted it.  Otherwise r's error is set: a database
 * failure, or 503 twilio_error / upstream_error (by provider) with
 * `details` and `messageId`, and `message` as given (NULL: the provider's
 * own reason). */
enum status ep_common_send(struct req *r, const struct send_req *rq, struct send_out *out, char *id,
			   size_t idlen, const char *message);

/*
 * Set client_id's webhook to url (NULL: keep the current URL; then it must
 * have one).  secret: the client's own, or NULL to keep the current one or
 * generate one when none is set; rotate: generate a new one regardless.
 * A generated secret is returned once, in the answer.
 *   200 {clientId, url, configured, secretSet, secret?}
 *   400 invalid_webhook_url (with the reason) / invalid_webhook_secret
 *   404 client_not_found
 */
enum status ep_common_webhook_set(struct req *r, long long client_id, const struct fval *url,
				  const struct fval *secret, bool rotate);

#endif
