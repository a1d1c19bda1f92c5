/*
 * The provider client.  See upstream.h.
 *
 * Each provider contributes prepare (the request) and answer (what an
 * HTTP answer means), and where it has one, the message lookup that
 * reconciles a lost outcome.  What a failed connection or a missing answer
 * means is here, for all.
 */
#include "upstream/upstream.h"

#include <stdlib.h>
#include <string.h>

#include "upstream/extreme.h"
#include "upstream/twilio.h"

static const struct {
	const char *name;  /* as stored */
	const char *label; /* in messages */
	int (*prepare)(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		       struct upstream_call *call, struct upstream_outcome *out);
	void (*answer)(struct arena *a, long http_status, const char *body, size_t len,
		       struct upstream_outcome *out);
	/* The message lookup that reconciles a lost outcome; NULL: none. */
	int (*lookup)(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		      const char *since_day, struct upstream_call *call);
	int (*found)(struct arena *a, const struct upstream_msg *msg, long http_status,
		     const char *body, size_t len, const char ***ids, size_t *n);
} providers[UPSTREAM_PROVIDER__MAX] = {
	[UPSTREAM_TWILIO] = {"twilio", "Twilio", twilio_prepare, twilio_answer,
			     twilio_lookup_prepare, twilio_lookup_answer},
	[UPSTREAM_EXTREME] = {"extreme", "Extreme", extreme_prepare, extreme_answer, NULL, NULL},
};

const char *upstream_name(enum upstream_provider p)
{
	return p < UPSTREAM_PROVIDER__MAX ? providers[p].name : "unknown";
}

enum upstream_provider upstream_provider_of(const char *name)
{
	int p;

	for (p = 0; name != NULL && p < UPSTREAM_PROVIDER__MAX; p++)
		if (strcmp(name, providers[p].name) == 0)
			return (enum upstream_provider)p;
	return UPSTREAM_PROVIDER__MAX;
}

int upstream_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		     struct upstream_call *call, struct upstream_outcome *out)
{
	memset(call, 0, sizeof(*call));
	memset(out, 0, sizeof(*out));
	if (msg->provider >= UPSTREAM_PROVIDER__MAX) {
		out->result = UPSTREAM_REJECTED;
		out->message = "No such provider";
		return -1;
	}
	return providers[msg->provider].prepare(cfg, a, msg, call, out);
}

void upstream_interpret(enum upstream_provider p, struct arena *a, enum httpc_outcome transport,
			long http_status, const char *body, size_t len, const char *retry_after,
			const char *error, struct upstream_outcome *out)
{
	const char *label = p < UPSTREAM_PROVIDER__MAX ? providers[p].label : "the provider";
	int tries = out->tries;

	memset(out, 0, sizeof(*out));
	out->tries = tries;
	switch (transport) {
	case HTTPC_OK:
		break;
	case HTTPC_NOT_SENT:
		/* Nothing was written: the provider cannot have acted on it. */
		out->result = UPSTREAM_RETRY;
		out->message = arena_printf(a, "Cannot reach %s: %s", label, error ? error : "");
		return;
	case HTTPC_UNKNOWN:
	case HTTPC_OUTCOME__MAX:
		out->result = UPSTREAM_UNKNOWN;
		out->message = arena_printf(a,
					    "Outcome unknown: no answer from %s after the request "
					    "was sent (%s); not resent",
					    label, error ? error : "");
		return;
	}
	out->http_status = http_status;
	if (retry_after != NULL && *retry_after != '\0')
		out->retry_after_s = strtol(retry_after, NULL, 10);
	if (p >= UPSTREAM_PROVIDER__MAX) {
		out->result = UPSTREAM_REJECTED;
		out->message = "No such provider";
		return;
	}
	providers[p].answer(a, http_status, body, len, out);
}

int upstream_lookup_prepare(const struct config *cfg, struct arena *a,
			    const struct upstream_msg *msg, const char *since_day,
			    struct upstream_call *call)
{
	memset(call, 0, sizeof(*call));
	if (msg->provider >= UPSTREAM_PROVIDER__MAX || providers[msg->provider].lookup == NULL)
		return -1;
	return providers[msg->provider].lookup(cfg, a, msg, since_day, call);
}

int upstream_lookup_answer(struct arena *a, const struct upstream_msg *msg, long http_status,
			   const char *body, size_t len, const char ***ids, size_t *n)
{
	*n = 0;
	if (msg->provider >= UPSTREAM_PROVIDER__MAX || providers[msg->provider].found == NULL)
		return -1;
	return providers[msg->provider].found(a, msg, http_status, body, len, ids, n);
}
