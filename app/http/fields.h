/*
 * Input validation from a per-endpoint table (after kcgi's khttp_parse
 * validators): each field names its source (JSON or form body, or the
 * query string), type, bounds and an optional predicate.  handle.c runs
 * the table before the handler, so handlers read typed values from
 * r->in[] only, indexed by the endpoint's own enum.
 */
#ifndef IBIKI_FIELDS_H
#define IBIKI_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/req.h"

enum ftype { FT_STR, FT_INT, FT_BOOL, FT__MAX };

#define F_REQ	0x1 /* must be present (and not null) */
#define F_QUERY 0x2 /* read from the query string, not the body */
#define F_NULL	0x4 /* an explicit null is accepted and reads as absent */

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	long long min, max; /* FT_STR: length in code points (max 0: none); FT_INT: range */
	bool (*valid)(const char *s, size_t len); /* extra check on FT_STR */
	const char *code;    /* error code when invalid; default "invalid_request" */
	const char *message; /* message when invalid; default names the field */
};

/* Predicates for field.valid, shared by the endpoint tables. */
/* No C0 control character and no DEL: names, numbers, timestamps. */
bool fields_no_controls(const char *s, size_t len);
/* Printable ASCII without spaces (0x21 to 0x7e): ids, keys, secrets. */
bool fields_token(const char *s, size_t len);

/* Validate r's input against the table; fill r->in.  Returns ST_OK, or an
 * error status with r->err set. */
enum status fields_validate(struct req *r, const struct field *f, size_t n);

#endif
