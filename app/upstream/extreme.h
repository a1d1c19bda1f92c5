/*
 * Extreme v2 (a modem pool), as one provider of upstream.h: one SMS is a
 * POST of JSON {to, message, usemodem, port} to
 * {api_base}/api/v2/sms/sendsingle with Authorization: Bearer {api_key};
 * 200 {"status":"success","id":...} is success, anything else an error.
 */
#ifndef IBIKI_UPSTREAM_EXTREME_H
#define IBIKI_UPSTREAM_EXTREME_H

#include <stddef.h>

#include "upstream/upstream.h"

/* The call for msg (2 tries in all).  Returns 0, or -1 with *out REJECTED
 * when Extreme is not configured. */
int extreme_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		    struct upstream_call *call, struct upstream_outcome *out);

/* An HTTP answer: 200 with status "success" and an id SENT; anything else
 * REJECTED with Extreme's message (Extreme creates nothing it refuses). */
void extreme_answer(struct arena *a, long http_status, const char *body, size_t len,
		    struct upstream_outcome *out);

#endif
