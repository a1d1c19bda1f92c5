/*
 * One HTTP request as handlers see it: its input (already routed,
 * authenticated and validated by handle.c), its arena, the process's
 * config and database, and the response being built.  Nothing here knows
 * about FastCGI: the worker fills a struct req from libfcgi, tests fill
 * one by hand.
 */
#ifndef IBIKI_HTTP_REQ_H
#define IBIKI_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "lib/json.h"
#include "lib/jsonw.h"
#include "lib/kv.h"
#include "http/status.h"

struct db;
struct route;

enum method { M_GET, M_POST, M_PUT, M_PATCH, M_DELETE, M_HEAD, M_OPTIONS, M_OTHER, M__MAX };

enum method req_method_parse(const char *s);
const char *req_method_name(enum method m);

enum actor_kind {
	ACTOR_NONE,
	ACTOR_ADMIN,
	ACTOR_OPERATOR,
	ACTOR_KEY,
	ACTOR_TWILIO,
	ACTOR_EXTREME,
	ACTOR__MAX
};

struct actor {
	enum actor_kind kind;
	long long account_id;	  /* admin, operator */
	long long client_id;	  /* operator, key, admin acting for a client; 0 = none */
	long long key_id;	  /* key */
	const char *name;	  /* username, or the key's visible prefix */
	const char *display_name; /* accounts: display name, else username */
	long long expires;	  /* login JWT: its exp (Unix seconds); else 0 */
};

/* A validated input field; see fields.h. */
struct fval {
	bool present;
	bool is_null;
	const char *s; /* strings (also the text of numbers and booleans) */
	size_t len;
	long long i;
	bool b;
};

#define REQ_MAX_PARAMS	    4
#define REQ_MAX_HEADERS	    4
#define REQ_MAX_ERR_MEMBERS 6

struct req {
	struct arena *a;
	const struct config *cfg;
	struct db *db;

	/* Input, as the transport received it. */
	enum method method;
	const char *path;    /* decoded path, no query */
	const char *raw_uri; /* path and query exactly as requested */
	const char *query;   /* raw query string, "" when none */
	const char *content_type;
	long long content_length;
	const char *body;
	size_t body_len;
	const char *authorization;
	const char *cookie;
	const char *twilio_signature;
	const char *extreme_token;
	const char *idempotency_key;
	const char *prefer;	    /* Prefer (RFC 7240) */
	const char *origin;	    /* Origin */
	const char *sec_fetch_site; /* Sec-Fetch-Site */
	const char *client_header;  /* X-Ibiki-Client: admin acting for a client */
	const char *request_id;
	bool from_spool; /* replayed from the spool: provider already verified */

	/* Filled by handle.c before the handler runs. */
	const struct route *route;
	const char *params[REQ_MAX_PARAMS]; /* {placeholders} of the path, in order */
	struct kvs query_kv;
	struct kvs form;
	const struct json *json;
	struct fval *in; /* one per entry of route->fields */
	struct actor actor;

	/* Output. */
	struct buf *out;
	const char *out_type; /* NULL: application/json */
	const char *headers[REQ_MAX_HEADERS];
	size_t nheaders;
	struct {
		const char *code;
		const char *message;
		const char *details;
		struct {
			const char *key, *value;
		} more[REQ_MAX_ERR_MEMBERS]; /* further string members, in order */
		size_t nmore;
	} err;
	struct jsonw w; /* writer on out, ready for the handler */
};

/* Record an error for the renderer and return its status, so a handler
 * can write `return req_fail(r, ST_NOT_FOUND, "user_not_found", "...")`.
 * The strings must outlive the request (static or arena). */
enum status req_fail(struct req *r, enum status st, const char *code, const char *message);
enum status req_failf(struct req *r, enum status st, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Add a response header line ("Name: value", no CRLF). */
void req_header(struct req *r, const char *line);
/* The writer over the response body, reset. */
struct jsonw *req_json(struct req *r);

/* Whether a header value of the request's body names JSON or a form. */
bool req_is_json(const struct req *r);
bool req_is_form(const struct req *r);

/* The value of request header `name` (compared without case) among those
 * the transport passes in (Authorization, Cookie, Idempotency-Key,
 * X-Ibiki-Client...), or NULL when absent or not one of them. */
const char *req_header_in(const struct req *r, const char *name);

/* Whether the request says Prefer: respond-async (RFC 7240), among any
 * other preferences. */
bool req_prefers_async(const struct req *r);

/* A database failure as a response: 503 database_unavailable when the
 * database cannot be reached, else 500. */
enum status req_db_fail(struct req *r, int db_rc);

/* Add the string member key: value (NULL: null) to the error body, after
 * error, message and details; beyond REQ_MAX_ERR_MEMBERS it is dropped.
 * The strings must outlive the request. */
void req_err_member(struct req *r, const char *key, const char *value);

/* The one error renderer: {"error","message"[,"details"][, members...]}. */
void req_render_error(struct req *r, enum status st);

#endif
