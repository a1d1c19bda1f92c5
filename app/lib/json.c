/*
 * Strict JSON reader.  See json.h.
 *
 * Two passes.  A byte scan first rejects what yajl would let through or
 * silently change: raw NUL bytes, invalid UTF-8 (yajl accepts overlong
 * forms and encoded surrogates), the escape \u0000, and surrogate escapes
 * that do not form a pair (yajl turns a lone high surrogate into '?' and
 * writes a lone low one as CESU-8).  Then yajl's event parser, with
 * comments off and UTF-8 validation on, drives a builder that enforces
 * depth, node count and key uniqueness.
 */
#include "lib/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "lib/enc.h"
#include "lib/log.h"
#include "lib/utf8.h"

struct builder {
	struct arena *a;
	struct json *root;
	struct json *cur;	 /* open container */
	const char *pending_key; /* key waiting for its value */
	size_t pending_keylen;
	size_t nodes;
	int depth;
	const char *err;
};

/* Read \uXXXX at p (p points at the backslash); -1 if malformed. */
static long read_u(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		int h = enc_hex_digit(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static const char *prescan(const char *p, size_t len)
{
	const char *end = p + len;
	bool in_str = false;

	if (memchr(p, '\0', len) != NULL)
		return "NUL byte in request body";
	/* yajl's own check lets overlong forms and encoded surrogates by. */
	if (!utf8_valid(p, len))
		return "invalid UTF-8 in request body";
	while (p < end) {
		if (!in_str) {
			if (*p == '"')
				in_str = true;
			p++;
			continue;
		}
		if (*p == '"') {
			in_str = false;
			p++;
		} else if (*p == '\\' && p + 1 < end) {
			if (p[1] == 'u') {
				long u = read_u(p, end);
				if (u == 0)
					return "\\u0000 is not allowed in strings";
				if (u >= 0xd800 && u <= 0xdbff) {
					long lo = read_u(p + 6, end);
					if (lo < 0xdc00 || lo > 0xdfff)
						return "unpaired surrogate escape in string";
					p += 12;
					continue;
				}
				if (u >= 0xdc00 && u <= 0xdfff)
					return "unpaired surrogate escape in string";
				/* malformed escapes are left to yajl */
				p += 2;
				continue;
			}
			p += 2;
		} else {
			p++;
		}
	}
	return NULL;
}

static struct json *add(struct builder *bd, enum json_type t)
{
	struct json *v;

	if (++bd->nodes > JSON_MAX_NODES) {
		bd->err = "too many values in JSON document";
		return NULL;
	}
	v = arena_alloc(bd->a, sizeof(*v));
	v->type = t;
	if (bd->cur == NULL) {
		bd->root = v;
		return v;
	}
	if (bd->cur->type == JSON_OBJECT) {
		v->key = bd->pending_key;
		v->keylen = bd->pending_keylen;
		bd->pending_key = NULL;
	}
	v->parent = bd->cur;
	if (bd->cur->last)
		bd->cur->last->next = v;
	else
		bd->cur->first = v;
	bd->cur->last = v;
	bd->cur->n++;
	return v;
}

static int cb_null(void *ctx)
{
	return add(ctx, JSON_NULL) != NULL;
}

static int cb_bool(void *ctx, int b)
{
	struct json *v = add(ctx, JSON_BOOL);

	if (v)
		v->b = b != 0;
	return v != NULL;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct builder *bd = ctx;
	struct json *v = add(bd, JSON_NUMBER);

	if (v == NULL)
		return 0;
	v->s = arena_strndup(bd->a, s, len);
	v->len = len;
	return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct builder *bd = ctx;
	struct json *v = add(bd, JSON_STRING);

	if (v == NULL)
		return 0;
	v->s = arena_strndup(bd->a, (const char *)s, len);
	v->len = len;
	return 1;
}

static int open_container(struct builder *bd, enum json_type t)
{
	struct json *v;

	if (bd->depth >= JSON_MAX_DEPTH) {
		bd->err = "JSON nested too deeply";
		return 0;
	}
	v = add(bd, t);
	if (v == NULL)
		return 0;
	bd->cur = v;
	bd->depth++;
	return 1;
}

static int close_container(struct builder *bd)
{
	bd->cur = bd->cur->parent;
	bd->depth--;
	return 1;
}

static int cb_start_map(void *ctx)
{
	return open_container(ctx, JSON_OBJECT);
}

static int cb_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct builder *bd = ctx;

	bd->pending_key = arena_strndup(bd->a, (const char *)k, len);
	bd->pending_keylen = len;
	return 1;
}

static int cb_end(void *ctx)
{
	return close_container(ctx);
}

static int key_cmp(const void *a, const void *b)
{
	const struct json *x = *(const struct json *const *)a, *y = *(const struct json *const *)b;

	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	return memcmp(x->key, y->key, x->keylen);
}

/* An object is closed: its keys, sorted, must all differ (O(n log n) per
 * object, however many keys a hostile body holds). */
static int cb_end_map(void *ctx)
{
	struct builder *bd = ctx;
	const struct json *m, **keys;
	size_t n = bd->cur->n, i = 0;

	if (n > 1) {
		keys = arena_alloc(bd->a, n * sizeof(*keys));
		for (m = bd->cur->first; m != NULL; m = m->next)
			keys[i++] = m;
		qsort(keys, n, sizeof(*keys), key_cmp);
		for (i = 1; i < n; i++) {
			if (key_cmp(&keys[i - 1], &keys[i]) == 0) {
				bd->err = "duplicate key in JSON object";
				return 0;
			}
		}
	}
	return close_container(bd);
}

static int cb_start_array(void *ctx)
{
	return open_container(ctx, JSON_ARRAY);
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_bool,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end_map,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end,
};

int json_parse(struct arena *a, const char *p, size_t len, struct json **out, const char **err)
{
	struct builder bd = {.a = a};
	yajl_handle h;
	yajl_status st;
	int ret = -1;

	*out = NULL;
	*err = prescan(p, len);
	if (*err != NULL)
		return -1;
	h = yajl_alloc(&callbacks, NULL, &bd);
	if (h == NULL)
		log_fatal("json", "out of memory");
	/* Defaults of a fresh handle: no comments, strings validated, no
	 * trailing garbage, one value.  Set explicitly so a yajl change of
	 * defaults cannot loosen us. */
	yajl_config(h, yajl_allow_comments, 0);
	yajl_config(h, yajl_dont_validate_strings, 0);
	yajl_config(h, yajl_allow_trailing_garbage, 0);
	yajl_config(h, yajl_allow_multiple_values, 0);
	yajl_config(h, yajl_allow_partial_values, 0);
	st = yajl_parse(h, (const unsigned char *)p, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok || bd.root == NULL) {
		*err = bd.err ? bd.err : "malformed JSON";
		goto out;
	}
	*out = bd.root;
	ret = 0;
out:
	yajl_free(h);
	return ret;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	const struct json *m;
	size_t kl = strlen(key);

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (m = obj->first; m != NULL; m = m->next)
		if (m->keylen == kl && memcmp(m->key, key, kl) == 0)
			return m;
	return NULL;
}

const char *json_text(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	return v != NULL && (v->type == JSON_STRING || v->type == JSON_NUMBER) ? v->s : NULL;
}

int json_int(const struct json *v, long long *out)
{
	char *end;
	long long x;

	if (v == NULL || v->type != JSON_NUMBER)
		return -1;
	if (strpbrk(v->s, ".eE") != NULL)
		return -1;
	errno = 0;
	x = strtoll(v->s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = x;
	return 0;
}
