/*
 * JSON writer: appends a JSON document to a struct buf, placing commas and
 * escaping strings itself.  Any failure (the buffer's ceiling, nesting past
 * JSONW_DEPTH) is sticky: the writer stops writing and jsonw_failed() says so, so
 * callers check once at the end.
 */
#ifndef IBIKI_LIB_JSONW_H
#define IBIKI_LIB_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define JSONW_DEPTH 32

struct jsonw {
	struct buf *b;
	int depth;
	bool failed;
	bool need_comma[JSONW_DEPTH];
	bool after_key;
};

void jsonw_init(struct jsonw *w, struct buf *b);
bool jsonw_failed(const struct jsonw *w);

void jsonw_obj(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *k);

/* A NULL string is written as null. */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Append an already-serialised JSON value as is. */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);

/* key + value in one call */
void jsonw_kstr(struct jsonw *w, const char *k, const char *s);
void jsonw_kstrn(struct jsonw *w, const char *k, const char *s, size_t n);
void jsonw_kint(struct jsonw *w, const char *k, long long v);
void jsonw_kbool(struct jsonw *w, const char *k, bool v);
void jsonw_knull(struct jsonw *w, const char *k);

#endif
