/*
 * The provider client.  See upstream.h.
 *
 * Each provider contributes two functions: prepare (the request) and
 * answer (what an HTTP answer means).  Everything else is here: what a
 * failed connection or a missing answer means, and the blocking loop with
 * its retries.
 */
#include "upstream/upstream.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "upstream/extreme.h"
#include "upstream/twilio.h"

static const struct {
	const char *name;  /* as stored */
	const char *label; /* in messages */
	int (*prepare)(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		       struct upstream_call *call, struct upstream_outcome *out);
	void (*answer)(struct arena *a, long http_status, const char *body, size_t len,
		       struct upstream_outcome *out);
} providers[UPSTREAM_PROVIDER__MAX] = {
	[UPSTREAM_TWILIO] = {"twilio", "Twilio", twilio_prepare, twilio_answer},
	[UPSTREAM_EXTREME] = {"extreme", "Extreme", extreme_prepare, extreme_answer},
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

/* Wait before try n + 1: Retry-After when given (up to 2 s), else
 * 250 ms * 2^(n-1). */
static void backoff(int n, long retry_after_s)
{
	long ms = 250L << (n - 1);

	if (retry_after_s > 0 && retry_after_s <= 2)
		ms = retry_after_s * 1000;
	usleep((useconds_t)ms * 1000);
}

void upstream_send(const struct config *cfg, struct httpc *h, struct arena *a,
		   const struct upstream_msg *msg, struct upstream_outcome *out)
{
	struct upstream_call call;
	struct httpc_request rq = {0};
	struct httpc_result res;
	int n;

	if (upstream_prepare(cfg, a, msg, &call, out) < 0)
		return;
	rq.url = call.url;
	rq.headers = call.headers;
	rq.body = call.body;
	rq.body_len = call.body_len;
	rq.userpwd = call.userpwd;
	rq.timeout_s = call.timeout_s;
	for (n = 1; n <= call.max_tries; n++) {
		httpc_post(h, &rq, &res);
		out->tries = n;
		upstream_interpret(msg->provider, a, res.outcome, res.status, res.body.p,
				   res.body.len, res.retry_after, res.error, out);
		httpc_result_free(&res);
		if (out->result != UPSTREAM_RETRY || n == call.max_tries)
			break;
		backoff(n, out->retry_after_s);
	}
}
