/*
 * The route table: method + path pattern -> endpoint, the credential it
 * requires, the body it takes and its size limit.  Only the router answers
 * 404 (no pattern matches), 405 (a pattern matches, not the method) and
 * 413 (body over the route's limit).  Patterns are literal segments and
 * {name} placeholders, each matching one non-empty segment.
 */
#ifndef IBIKI_HTTP_ROUTER_H
#define IBIKI_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/fields.h"
#include "http/req.h"

enum cred {
	CRED_NONE,     /* public */
	CRED_TWILIO,   /* X-Twilio-Signature over the form */
	CRED_EXTREME,  /* X-Extreme-Token */
	CRED_KEY,      /* client system: Bearer API key */
	CRED_OPERATOR, /* operator JWT, or admin JWT acting for a client */
	CRED_ADMIN,    /* admin JWT */
	CRED_SESSION,  /* any login JWT, admin or operator (never acting) */
	CRED__MAX
};

enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM, BODY__MAX };

/* An endpoint: its handler and its input table (tmux-style descriptor,
 * one per endpoint, exported by the ep_*.c file that implements it). */
struct endpoint {
	enum status (*handler)(struct req *r);
	const struct field *fields;
	size_t nfields;
};

#define ENDPOINT(fn, tbl)                                                                          \
	{                                                                                          \
		fn, tbl, sizeof(tbl) / sizeof((tbl)[0])                                            \
	}
#define ENDPOINT_NOFIELDS(fn)                                                                      \
	{                                                                                          \
		fn, NULL, 0                                                                        \
	}

#define ROUTE_IDEMPOTENT 0x1 /* honours Idempotency-Key (idem.h) */
#define ROUTE_INGEST	 0x2 /* served by the ingest pool (the others: api) */

/* Which routes a worker answers: its pool's, or (unit tests) all. */
enum route_pool { ROUTE_POOL_INGEST, ROUTE_POOL_API, ROUTE_POOL_ANY };

struct route {
	enum method method;
	const char *pattern;
	const struct endpoint *ep;
	enum cred cred;
	enum body_kind body;
	size_t max_body;
	unsigned flags;
};

enum route_result { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };

/* Match method and path against table; on ROUTE_FOUND *out and params are
 * set; on ROUTE_NO_METHOD allow gets the allowed methods ("GET, POST"). */
enum route_result router_match(const struct route *table, size_t n, enum method m, const char *path,
			       const struct route **out, const char *params[REQ_MAX_PARAMS],
			       struct arena *a, char *allow, size_t allowlen);

#endif
