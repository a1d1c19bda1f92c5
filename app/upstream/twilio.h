/*
 * Twilio's REST API, as one provider of upstream.h: one SMS is a POST to
 * {api_base}/2010-04-01/Accounts/{AccountSid}/Messages.json with the form
 * To, From, Body, StatusCallback and HTTP Basic AccountSid:AuthToken; 201
 * with the message's sid is success, errors are JSON {code, message,
 * more_info, status}.
 */
#ifndef IBIKI_UPSTREAM_TWILIO_H
#define IBIKI_UPSTREAM_TWILIO_H

#include <stddef.h>

#include "upstream/upstream.h"

/* The call for msg (3 tries in all).  Returns 0, or -1 with *out REJECTED
 * when Twilio is not configured or the form would exceed 64 KiB. */
int twilio_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		   struct upstream_call *call, struct upstream_outcome *out);

/* An HTTP answer: 200/201 with a sid SENT (without one UNKNOWN); 429 and
 * 5xx RETRY; anything else REJECTED with Twilio's code and message. */
void twilio_answer(struct arena *a, long http_status, const char *body, size_t len,
		   struct upstream_outcome *out);

/* The lookup of msg among the messages sent since since_day (YYYY-MM-DD):
 * GET Messages.json?To=&From=&DateSent>=.  Returns 0, or -1 when Twilio
 * is not configured. */
int twilio_lookup_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
			  const char *since_day, struct upstream_call *call);

/* The lookup's answer: the sids of the listed messages with msg's body,
 * oldest first, into *sids (*n of them, maybe 0).  Returns 0, or -1 when
 * the answer is not a message list (ask again later). */
int twilio_lookup_answer(struct arena *a, const struct upstream_msg *msg, long http_status,
			 const char *body, size_t len, const char ***sids, size_t *n);

#endif
