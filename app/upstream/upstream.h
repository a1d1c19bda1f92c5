/*
 * The one client of the SMS providers (DESIGN "Upstream contracts"):
 * Twilio's REST API and Extreme v2's sendsingle, behind one message, one
 * prepared HTTP call and one outcome.  A provider module (twilio.c,
 * extreme.c) only builds its request and reads its answer; what happens
 * around them -- which failures may be sent again and how often, and what
 * "outcome unknown" means -- is decided here once, for every provider.  The
 * one transport is the dispatcher's curl multi loop (dispatch_sms.c): no
 * worker calls a provider.
 */
#ifndef IBIKI_UPSTREAM_H
#define IBIKI_UPSTREAM_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/config.h"
#include "upstream/httpc.h"

enum upstream_provider { UPSTREAM_TWILIO, UPSTREAM_EXTREME, UPSTREAM_PROVIDER__MAX };

/* Twilio's refusal of a recipient who texted STOP to it (its error code). */
#define UPSTREAM_TWILIO_UNSUBSCRIBED "21610"

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
	int max_tries; /* how often a send may be tried in all */
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

/* Reconciling a send whose outcome was lost: the provider's lookup of msg
 * among what it sent since since_day (YYYY-MM-DD), as a GET (call->body
 * NULL).  Returns 0, or -1 when the provider has none (Extreme) or is not
 * configured: the outcome stays unknown. */
int upstream_lookup_prepare(const struct config *cfg, struct arena *a,
			    const struct upstream_msg *msg, const char *since_day,
			    struct upstream_call *call);

/* The lookup's answer: the provider's ids of messages like msg, oldest
 * first (*n may be 0: not found).  Returns 0, or -1 for an answer that is
 * not a list (ask again later). */
int upstream_lookup_answer(struct arena *a, const struct upstream_msg *msg, long http_status,
			   const char *body, size_t len, const char ***ids, size_t *n);

#endif
