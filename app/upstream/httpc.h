/*
 * The transport's side of a provider call, for the provider client
 * (upstream.h) and the dispatcher's curl multi loop, its one transport:
 * whether an attempt got an HTTP answer, failed before any byte of the
 * request went out (safe to send again), or after (the outcome is
 * unknown); and the Retry-After of an answer.
 */
#ifndef IBIKI_UPSTREAM_HTTPC_H
#define IBIKI_UPSTREAM_HTTPC_H

#include <stddef.h>

enum httpc_outcome {
	HTTPC_OK,	/* an HTTP answer came back (any status) */
	HTTPC_NOT_SENT, /* failed before the request went out: safe to retry */
	HTTPC_UNKNOWN,	/* failed after (part of) the request went out */
	HTTPC_OUTCOME__MAX
};

/* For curl header callbacks: when the header line p (len bytes, CRLF
 * included) is "Retry-After: v", copy v (truncated, NUL-terminated) into
 * out; else leave out alone. */
void httpc_retry_after(const char *p, size_t len, char *out, size_t outlen);

#endif
