/*
 * Twilio REST: send one SMS (POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form To, From, Body, StatusCallback; Basic auth sid:token).  429 and
 * failures before the request went out are retried a bounded number of
 * times with backoff; a timeout after it went out is reported as outcome
 * unknown and never resent.
 */
#ifndef IBIKI_TWILIO_H
#define IBIKI_TWILIO_H

#include "lib/arena.h"
#include "lib/config.h"
#include "upstream/httpc.h"

#define TWILIO_MAX_TRIES 3

enum twilio_result {
	TWILIO_SENT,	 /* 201: sid set */
	TWILIO_REJECTED, /* Twilio answered with an error: code, message set */
	TWILIO_UNKNOWN,	 /* timed out after sending: may or may not be sent */
	TWILIO_FAILED,	 /* could not reach Twilio */
	TWILIO_RESULT__MAX
};

struct twilio_send {
	enum twilio_result result;
	const char *sid;     /* arena */
	const char *status;  /* Twilio's status for the new message */
	const char *code;    /* Twilio error code, as text */
	const char *message; /* Twilio's (or our) error message */
	int tries;
};

/* The parts of a Messages.json request (all in the arena): URL, form body
 * and Basic credentials.  Returns 0, or -1 when the form is too large. */
struct twilio_request {
	const char *url;
	const char *form;
	size_t form_len;
	const char *userpwd;
};
int twilio_request(const struct config *cfg, struct arena *a, const char *to, const char *from,
		   const char *body, size_t body_len, struct twilio_request *out);

/* Read Twilio's answer (status, body) into out: TWILIO_SENT with sid, or
 * TWILIO_REJECTED with code and message. */
void twilio_answer(struct arena *a, long status, const char *body, size_t len,
		   struct twilio_send *out);

/* Send body from `from` to `to`; strings in out live in the arena. */
void twilio_send(const struct config *cfg, struct httpc *h, struct arena *a, const char *to,
		 const char *from, const char *body, size_t body_len, struct twilio_send *out);

#endif
