/*
 * Blocking HTTP client for upstream APIs (Twilio REST, Extreme v2), over
 * one libcurl easy handle per process so connections are reused between
 * requests.  Replies are read into a bounded buffer (HTTPC_MAX_BODY);
 * redirects are never followed; proxies from the environment are ignored.
 */
#ifndef IBIKI_UPSTREAM_HTTPC_H
#define IBIKI_UPSTREAM_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define HTTPC_MAX_BODY (256 * 1024)

struct httpc;

enum httpc_outcome {
	HTTPC_OK,	/* an HTTP answer came back (any status) */
	HTTPC_NOT_SENT, /* failed before the request went out: safe to retry */
	HTTPC_UNKNOWN,	/* failed after (part of) the request went out */
	HTTPC_OUTCOME__MAX
};

struct httpc_result {
	enum httpc_outcome outcome;
	long status;
	struct buf body; /* freed by httpc_result_free */
	char retry_after[32];
	char error[256]; /* curl's message when not HTTPC_OK */
};

/* NULL only when out of memory. */
struct httpc *httpc_new(void);
/* Free the client and its connections (NULL: nothing). */
void httpc_free(struct httpc *h);

struct httpc_request {
	const char *url;
	const char *const *headers; /* NULL-terminated "Name: value", or NULL */
	const char *body;
	size_t body_len;
	const char *userpwd; /* HTTP Basic "user:password", or NULL */
	long timeout_s;
	long connect_timeout_s;
};

/* POST; always fills *res (free it with httpc_result_free). */
void httpc_post(struct httpc *h, const struct httpc_request *rq, struct httpc_result *res);
void httpc_result_free(struct httpc_result *res);

/* For curl header callbacks: when the header line p (len bytes, CRLF
 * included) is "Retry-After: v", copy v (truncated, NUL-terminated) into
 * out. */
void httpc_retry_after(const char *p, size_t len, char *out, size_t outlen);

#endif
