/*
 * Extreme v2 (modem pool) REST: send one SMS through a given modem and
 * port (POST {api_base}/api/v2/sms/sendsingle, JSON {to, message,
 * usemodem, port}, Authorization: Bearer {api_key}).  Success is HTTP 200
 * with {"status":"success","id":...}; anything else is an upstream error.
 * Failures before the request went out are retried; a timeout after it
 * went out is outcome unknown, never resent.
 */
#ifndef IBIKI_EXTREME_H
#define IBIKI_EXTREME_H

#include "lib/arena.h"
#include "lib/config.h"
#include "upstream/httpc.h"

enum extreme_result {
	EXTREME_SENT,	  /* id set */
	EXTREME_REJECTED, /* an answer that is not success: message set */
	EXTREME_UNKNOWN,  /* timed out after sending */
	EXTREME_FAILED,	  /* could not reach Extreme */
	EXTREME_RESULT__MAX
};

struct extreme_send {
	enum extreme_result result;
	const char *id;	     /* Extreme's message id (arena) */
	const char *message; /* error message (arena) */
	long http_status;
};

void extreme_send(const struct config *cfg, struct httpc *h, struct arena *a, const char *to,
		  const char *body, size_t body_len, long long usemodem, long long port,
		  struct extreme_send *out);

#endif
