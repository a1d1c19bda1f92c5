/*
 * The one client of the SMS providers (DESIGN "Upstream contracts"):
 * Twilio's REST API and Extreme v2's sendsingle, behind one message, one
 * prepared HTTP call and one outcome.  A provider module (twilio.c,
 * extreme.c) only builds its request and reads its answer; what happens
 * around them -- which failures may be sent again and how often, and what
 * "outcome unknown" means -- is decided here once, for every provider and
 * every transport: the blocking client of the workers (upstream_send) and
 * the dispatcher's curl multi loop (which prepares and interprets with the
 * same two functions).
 */
#ifndef IBIKI_UPSTREAM_H
#define IBIKI_UPSTREAM_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/config.h"
#include "upstream/httpc.h"

enum upstream_provider { UPSTREAM_TWILIO, UPSTREAM_EXTREME, UPSTREAM_PROVIDER__MAX };

/* "twilio" | "extreme"; and back: UPSTREAM_PROVIDER__MAX for an unknown name. */
const char *upstream_name(enum upstream_provider p);
enum upstream_provider upstream_provider_of(const char *name);

/* One SMS to send. */
struct upstream_msg {
	enum upstream_provider provider;
	const char *to;
	const char *from;   /* Twilio: the sending number */
	long long usemodem; /* Extreme: modem and port */
	long long port;
	const char *body;
	size_t body_len;
};

#define UPSTREAM_MAX_HEADERS 4

/* One HTTP POST to a provider, for any transport; strings in the arena. */
struct upstream_call {
	const char *url;
	const char *headers[UPSTREAM_MAX_HEADERS + 1]; /* "Name: value", NULL-terminated */
	const char *body;
	size_t body_len;
	const char *userpwd; /* HTTP Basic "user:password", or NULL */
	long timeout_s;
	int max_tries; /* how often the blocking client may try in all */
};

enum upstream_result {
	UPSTREAM_SENT,	   /* taken: id set */
	UPSTREAM_REJECTED, /* refused (or not configured): sending again changes nothing */
	UPSTREAM_RETRY,	   /* surely not taken (unreachable, 429, Twilio 5xx): may be sent again */
	UPSTREAM_UNKNOWN,  /* may have been taken (no answer after the request went out) */
	UPSTREAM_RESULT__MAX
};

struct upstream_outcome {
	enum upstream_result result;
	const char *id;	     /* the provider's message id (SENT) */
	const char *status;  /* the provider's status for it, or NULL */
	const char *code;    /* the provider's error code as text, or NULL */
	const char *message; /* why, when not SENT: the provider's words or ours */
	long http_status;    /* 0: no answer */
	long retry_after_s;  /* the provider's Retry-After, 0: none */
	int tries;
};

/* Build the call for msg.  Returns 0; or -1 with *out REJECTED (the
 * provider is not configured, or the message cannot be encoded). */
int upstream_prepare(const struct config *cfg, struct arena *a, const struct upstream_msg *msg,
		     struct upstream_call *call, struct upstream_outcome *out);

/* Read what one attempt came to: the transport's outcome (HTTPC_OK with
 * an HTTP status and body, or HTTPC_NOT_SENT / HTTPC_UNKNOWN with the
 * transport's error text) into *out; strings in the arena. */
void upstream_interpret(enum upstream_provider p, struct arena *a, enum httpc_outcome transport,
			long http_status, const char *body, size_t len, const char *retry_after,
			const char *error, struct upstream_outcome *out);

/* Send msg now and wait (the synchronous endpoints): RETRY outcomes are
 * tried again after 250 ms * 2^(n-1) (or a Retry-After of up to 2 s), up
 * to the provider's tries; the last outcome is in *out. */
void upstream_send(const struct config *cfg, struct httpc *h, struct arena *a,
		   const struct upstream_msg *msg, struct upstream_outcome *out);

#endif
