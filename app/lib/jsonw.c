/*
 * JSON writer.  See jsonw.h.  Strings are copied in runs: only the bytes
 * that need escaping (quote, backslash, control characters, invalid UTF-8)
 * break a run.
 */
#include "lib/jsonw.h"

#include <stdio.h>
#include <string.h>

#include "lib/utf8.h"

void jsonw_init(struct jsonw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

bool jsonw_failed(const struct jsonw *w)
{
	return w->failed;
}

static int escape(struct buf *b, const char *s, size_t n);

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (!w->failed && buf_add(w->b, s, n) < 0)
		w->failed = true;
}

/* Called before every value: a comma when the container already has one. */
static void pre_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			put(w, ",", 1);
		w->need_comma[w->depth - 1] = true;
	}
}

static void open(struct jsonw *w, const char *c)
{
	pre_value(w);
	if (w->depth >= JSONW_DEPTH) {
		w->failed = true;
		return;
	}
	put(w, c, 1);
	w->need_comma[w->depth++] = false;
}

static void close_(struct jsonw *w, const char *c)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	put(w, c, 1);
}

void jsonw_obj(struct jsonw *w)
{
	open(w, "{");
}
void jsonw_obj_end(struct jsonw *w)
{
	close_(w, "}");
}
void jsonw_arr(struct jsonw *w)
{
	open(w, "[");
}
void jsonw_arr_end(struct jsonw *w)
{
	close_(w, "]");
}

void jsonw_key(struct jsonw *w, const char *k)
{
	pre_value(w);
	if (!w->failed && escape(w->b, k, strlen(k)) < 0)
		w->failed = true;
	put(w, ":", 1);
	w->after_key = true;
}

/* Append s (n bytes, UTF-8) to b as a quoted, escaped JSON string; bytes
 * that are not valid UTF-8 become U+FFFD.  Returns 0, or -1 at the
 * buffer's ceiling. */
static int escape(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	char esc[8];

	if (buf_addc(b, '"') < 0)
		return -1;
	while (i < n) {
		unsigned char c = p[i];
		const char *rep = NULL;
		size_t replen = 0, adv = 1;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t l = utf8_valid_len(p + i, n - i);
			if (l > 0) {
				i += l;
				continue;
			}
			rep = "\xef\xbf\xbd";
			replen = 3;
		} else if (c == '"') {
			rep = "\\\"", replen = 2;
		} else if (c == '\\') {
			rep = "\\\\", replen = 2;
		} else if (c == '\n') {
			rep = "\\n", replen = 2;
		} else if (c == '\r') {
			rep = "\\r", replen = 2;
		} else if (c == '\t') {
			rep = "\\t", replen = 2;
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			rep = esc, replen = 6;
		}
		if (buf_add(b, s + run, i - run) < 0 || buf_add(b, rep, replen) < 0)
			return -1;
		i += adv;
		run = i;
	}
	if (buf_add(b, s + run, i - run) < 0 || buf_addc(b, '"') < 0)
		return -1;
	return 0;
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	pre_value(w);
	if (!w->failed && escape(w->b, s, n) < 0)
		w->failed = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	jsonw_strn(w, s, s ? strlen(s) : 0);
}

void jsonw_int(struct jsonw *w, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	pre_value(w);
	put(w, tmp, (size_t)n);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	pre_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
	pre_value(w);
	put(w, "null", 4);
}

void jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	pre_value(w);
	put(w, s, n);
}

void jsonw_kstr(struct jsonw *w, const char *k, const char *s)
{
	jsonw_key(w, k);
	jsonw_str(w, s);
}
void jsonw_kstrn(struct jsonw *w, const char *k, const char *s, size_t n)
{
	jsonw_key(w, k);
	jsonw_strn(w, s, n);
}
void jsonw_kint(struct jsonw *w, const char *k, long long v)
{
	jsonw_key(w, k);
	jsonw_int(w, v);
}
void jsonw_kbool(struct jsonw *w, const char *k, bool v)
{
	jsonw_key(w, k);
	jsonw_bool(w, v);
}
void jsonw_knull(struct jsonw *w, const char *k)
{
	jsonw_key(w, k);
	jsonw_null(w);
}
