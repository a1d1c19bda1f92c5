/*
 * JSON writer.  See jsonw.h.  Strings are copied in runs: only the bytes
 * that need escaping (quote, backslash, control characters, invalid UTF-8)
 * break a run.
 */
#include "lib/jsonw.h"

#include <stdio.h>
#include <string.h>

#include "lib/utf8.h"

void jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

bool jw_failed(const struct jw *w)
{
	return w->failed;
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (!w->failed && buf_add(w->b, s, n) < 0)
		w->failed = true;
}

/* Called before every value: a comma when the container already has one. */
static void pre_value(struct jw *w)
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

static void open(struct jw *w, const char *c)
{
	pre_value(w);
	if (w->depth >= JW_DEPTH) {
		w->failed = true;
		return;
	}
	put(w, c, 1);
	w->need_comma[w->depth++] = false;
}

static void close_(struct jw *w, const char *c)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	put(w, c, 1);
}

void jw_obj(struct jw *w)
{
	open(w, "{");
}
void jw_obj_end(struct jw *w)
{
	close_(w, "}");
}
void jw_arr(struct jw *w)
{
	open(w, "[");
}
void jw_arr_end(struct jw *w)
{
	close_(w, "]");
}

void jw_key(struct jw *w, const char *k)
{
	pre_value(w);
	if (!w->failed && json_escape(w->b, k, strlen(k)) < 0)
		w->failed = true;
	put(w, ":", 1);
	w->after_key = true;
}

int json_escape(struct buf *b, const char *s, size_t n)
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

void jw_strn(struct jw *w, const char *s, size_t n)
{
	if (s == NULL) {
		jw_null(w);
		return;
	}
	pre_value(w);
	if (!w->failed && json_escape(w->b, s, n) < 0)
		w->failed = true;
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void jw_int(struct jw *w, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	pre_value(w);
	put(w, tmp, (size_t)n);
}

void jw_bool(struct jw *w, bool v)
{
	pre_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	pre_value(w);
	put(w, "null", 4);
}

void jw_raw(struct jw *w, const char *s, size_t n)
{
	pre_value(w);
	put(w, s, n);
}

void jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}
void jw_kstrn(struct jw *w, const char *k, const char *s, size_t n)
{
	jw_key(w, k);
	jw_strn(w, s, n);
}
void jw_kint(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}
void jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}
void jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}
