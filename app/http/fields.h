/*
 * Input validation from a per-endpoint table (after kcgi's khttp_parse
 * validators).  Each row names a field, where it comes from (the JSON or
 * form body, the query string, a {placeholder} of the path, or a request
 * header), its type, its bounds and an optional predicate.  The pipeline
 * runs the endpoint's table before the handler, so handlers read typed
 * values from r->in[] only, indexed by the endpoint's own enum: strings
 * with their length checked, integers in range, booleans, one of a list
 * of words (as its index), or an id ("dlv_42" as 42).
 *
 * Rows shared by several endpoints (limit, sort, cursors, phone numbers,
 * modem and port, message text) are in ep/ep_fields.h.
 */
#ifndef IBIKI_HTTP_FIELDS_H
#define IBIKI_HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"
#include "http/status.h"

enum ftype {
	FT_STR,	 /* text; min/max bound its length in code points (max 0: none) */
	FT_INT,	 /* integer in min..max */
	FT_BOOL, /* true | false */
	FT_ENUM, /* one of `choices`; the value's i is its index */
	FT_ID,	 /* `prefix` then digits, min..max (msg_42, dlv_7; "" for bare ids) */
	FT_SET,	 /* JSON array of at least min of `choices`; i: their bits (1 << index) */
	FT__MAX
};

#define F_REQ	 0x01 /* must be present (and not null) */
#define F_NULL	 0x02 /* an explicit JSON null is accepted and reads as absent */
#define F_QUERY	 0x04 /* from the query string */
#define F_PATH	 0x08 /* from the path placeholder {name} */
#define F_HEADER 0x10 /* from the request header `name` (see req_header_in) */
#define F_BARE	 0x20 /* FT_ID: the digits alone are accepted too */

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	long long min, max;
	bool (*valid)(const char *s, size_t len); /* extra check on the text */
	const char *code;			  /* error code; default "invalid_request" */
	const char *message;			  /* error message; default names the field */
	const char *const *choices;		  /* FT_ENUM: NULL-terminated */
	const char *prefix;			  /* FT_ID */
	enum status status;			  /* when invalid; ST_OK means 400 */
};

/* Predicates for field.valid, shared by the endpoint tables. */
/* No C0 control character and no DEL: names, numbers, timestamps. */
bool fields_no_controls(const char *s, size_t len);
/* Printable ASCII without spaces (0x21 to 0x7e): ids, keys, secrets. */
bool fields_token(const char *s, size_t len);

/* Validate r's input against the table f (n rows) and fill r->in (one
 * value per row, in the arena).  Two passes, so that errors come in the
 * order clients expect: every row's presence and type first ("Missing
 * required field"), then each row's bounds and predicate in table order.
 * Returns ST_OK, or the error status with r->err set. */
enum status fields_validate(struct req *r, const struct field *f, size_t n);

/* Validate one row against r (presence, type, bounds) into *v: for checks
 * that run before the endpoint's table (headers read by authentication
 * and idempotency).  Returns ST_OK, or the error status with r->err set. */
enum status fields_check(struct req *r, const struct field *f, struct fval *v);

/* An optional integer's value, or def when absent. */
static inline long long fields_int_or(const struct fval *v, long long def)
{
	return v->present ? v->i : def;
}

#endif
