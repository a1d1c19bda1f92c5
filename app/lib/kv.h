/*
 * application/x-www-form-urlencoded pairs, as found in query strings and
 * form bodies (Twilio's webhooks).  Names and values are percent-decoded
 * ('+' is a space) into the arena and must be valid UTF-8 without NUL.
 */
#ifndef IBIKI_LIB_KV_H
#define IBIKI_LIB_KV_H

#include <stddef.h>

#include "lib/arena.h"

#define KV_MAX_PAIRS 256

struct kv {
	const char *name;
	size_t nlen;
	const char *value;
	size_t vlen;
};

struct kvs {
	struct kv *v;
	size_t n;
};

/* Parse s (len bytes).  Returns 0, or -1 with *err set on a malformed
 * escape, invalid UTF-8, a NUL, or more than KV_MAX_PAIRS pairs. */
int kv_parse(struct arena *a, const char *s, size_t len, struct kvs *out, const char **err);
/* The first value named `name`, or NULL; *count (if given) gets how many
 * pairs have that name. */
const struct kv *kv_get(const struct kvs *k, const char *name, size_t *count);

#endif
