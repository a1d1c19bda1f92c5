/*
 * Form and query-string pairs: split on '&' and '=', percent-decoded into
 * the arena, checked for valid UTF-8 and NUL bytes, at most KV_MAX_PAIRS.
 */
#include "lib/kv.h"

#include <string.h>

#include "lib/enc.h"
#include "lib/utf8.h"

static int decode(struct arena *a, const char *s, size_t len, const char **out, size_t *olen)
{
	char *p = arena_strndup(a, s, len);
	long n = enc_percent_decode(p, len, 1);

	if (n < 0)
		return -1;
	p[n] = '\0';
	if (memchr(p, '\0', (size_t)n) != NULL || !utf8_valid(p, (size_t)n))
		return -1;
	*out = p;
	*olen = (size_t)n;
	return 0;
}

int kv_parse(struct arena *a, const char *s, size_t len, struct kvs *out, const char **err)
{
	size_t i, count = 1, n = 0;
	const char *p = s, *end = s + len;

	out->v = NULL;
	out->n = 0;
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '&')
			count++;
	if (count > KV_MAX_PAIRS) {
		*err = "too many parameters";
		return -1;
	}
	out->v = arena_alloc(a, count * sizeof(struct kv));
	while (p <= end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *seg_end = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(seg_end - p));
		struct kv *kv = &out->v[n];

		if (seg_end > p) {
			const char *name_end = eq ? eq : seg_end;
			if (decode(a, p, (size_t)(name_end - p), &kv->name, &kv->nlen) < 0 ||
			    decode(a, eq ? eq + 1 : seg_end, eq ? (size_t)(seg_end - eq - 1) : 0,
				   &kv->value, &kv->vlen) < 0) {
				*err = "malformed percent-encoding or invalid UTF-8 in parameters";
				return -1;
			}
			n++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	out->n = n;
	return 0;
}

const struct kv *kv_get(const struct kvs *k, const char *name, size_t *count)
{
	const struct kv *first = NULL;
	size_t i, nl = strlen(name), c = 0;

	for (i = 0; i < k->n; i++) {
		if (k->v[i].nlen == nl && memcmp(k->v[i].name, name, nl) == 0) {
			if (first == NULL)
				first = &k->v[i];
			c++;
		}
	}
	if (count)
		*count = c;
	return first;
}
