/*
 * JSON writer: appends a JSON document to a struct buf, placing commas and
 * escaping strings itself.  Any failure (the buffer's ceiling, nesting past
 * JW_DEPTH) is sticky: the writer stops writing and jw_failed() says so, so
 * callers check once at the end.
 */
#ifndef IBIKI_JSONW_H
#define IBIKI_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define JW_DEPTH 32

struct jw {
	struct buf *b;
	int depth;
	bool failed;
	bool need_comma[JW_DEPTH];
	bool after_key;
};

void jw_init(struct jw *w, struct buf *b);
bool jw_failed(const struct jw *w);

void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);

/* A NULL string is written as null. */
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Append an already-serialised JSON value as is. */
void jw_raw(struct jw *w, const char *s, size_t n);

/* key + value in one call */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kstrn(struct jw *w, const char *k, const char *s, size_t n);
void jw_kint(struct jw *w, const char *k, long long v);
void jw_kbool(struct jw *w, const char *k, bool v);
void jw_knull(struct jw *w, const char *k);

/* Append s (n bytes, UTF-8) to b as a quoted, escaped JSON string.  Bytes
 * that are not valid UTF-8 become U+FFFD.  Returns 0 or -1 (ceiling). */
int json_escape(struct buf *b, const char *s, size_t n);

#endif
