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
#include "http/req.h"

/* limit 1..1000, default 100; sort asc|desc, default desc. */
#define LIST_LIMIT_DEFAULT 100
bool ep_common_sort_ok(const char *s, size_t len);

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

#endif
