/*
 * Strict JSON reader: parses a request body into a tree held in the
 * request's arena, using yajl's event parser.  Stricter than yajl's tree
 * API: comments, duplicate keys within one object, NUL bytes (raw or
 * \u0000), invalid UTF-8, lone or misordered surrogate escapes, trailing
 * data, nesting deeper than JSON_MAX_DEPTH and more than JSON_MAX_NODES
 * values are all rejected.
 */
#ifndef IBIKI_LIB_JSON_H
#define IBIKI_LIB_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"

#define JSON_MAX_DEPTH 32
#define JSON_MAX_NODES 10000

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
	JSON_TYPE__MAX
};

struct json {
	enum json_type type;
	bool b;	       /* JSON_BOOL */
	const char *s; /* JSON_STRING value or JSON_NUMBER text, NUL-terminated */
	size_t len;
	const char *key; /* member name when inside an object */
	size_t keylen;
	struct json *first; /* children of arrays and objects, in order */
	struct json *last;
	struct json *next;
	struct json *parent;
	size_t n; /* number of children */
};

/* Parse len bytes.  Returns 0 with *out set, or -1 with *err set to a
 * static message fit for a client.  Everything lives in the arena. */
int json_parse(struct arena *a, const char *p, size_t len, struct json **out, const char **err);

/* Member `key` of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The text of member `key` when it is a string or a number (in the arena
 * of the parse), else NULL; obj may be NULL. */
const char *json_text(const struct json *obj, const char *key);
/* The number as an integer: 0, or -1 when it has a fraction, an exponent
 * or does not fit in a long long. */
int json_int(const struct json *v, long long *out);

#endif
