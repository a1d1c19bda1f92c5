/*
 * Idempotency-Key for the endpoints that send (route flag
 * ROUTE_IDEMPOTENT): the first answer to a key is kept 24 hours and
 * replayed for the same key and body without acting again.  The key is
 * scoped to the caller (account or API key), its client and the endpoint.
 *   400 invalid_idempotency_key   not 1..255 printable characters
 *   422 idempotency_key_reused    same key, different body
 *   409 request_in_progress       same key while the first still runs
 * Kept answers: successes, and provider failures (the send was attempted
 * and recorded); validation errors and database outages are not kept, so
 * the request can be corrected or retried under the same key.
 */
#ifndef IBIKI_HTTP_IDEM_H
#define IBIKI_HTTP_IDEM_H

#include <stdbool.h>

#include "http/req.h"

struct idem {
	bool active; /* a key was claimed: idem_finish must run */
	long long row;
};

/* Before the handler.  ST_OK with *replayed false: go on.  *replayed
 * true: r->out holds the first answer and the status is returned; do not
 * render it again.  Another status: an error to render. */
enum status idem_begin(struct req *r, struct idem *st, bool *replayed);
/* After the response is rendered. */
void idem_finish(struct req *r, struct idem *st, enum status status);

#endif
