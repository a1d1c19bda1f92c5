/*
 * Twilio's request signature: the form's pairs are sorted by name then
 * value (one copy of an identical pair is signed), appended to the URL
 * without separators, and HMAC-SHA1'd with the auth token; the check also
 * accepts the URL with its default port added or removed, as Twilio's
 * libraries do, and compares in constant time.
 */
#include "upstream/twilio_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/enc.h"

static int cmp_kv(const void *x, const void *y)
{
	const struct kv *a = *(const struct kv *const *)x, *b = *(const struct kv *const *)y;
	size_t n = a->nlen < b->nlen ? a->nlen : b->nlen;
	int c = memcmp(a->name, b->name, n);

	if (c != 0 || a->nlen != b->nlen)
		return c != 0 ? c : (a->nlen < b->nlen ? -1 : 1);
	n = a->vlen < b->vlen ? a->vlen : b->vlen;
	c = memcmp(a->value, b->value, n);
	if (c != 0 || a->vlen == b->vlen)
		return c;
	return a->vlen < b->vlen ? -1 : 1;
}

int twilio_sign_compute(const char *token, const char *url, const struct kvs *form, struct arena *a,
			char out[TWILIO_SIGN_LEN + 1])
{
	const struct kv **sorted = arena_alloc(a, (form->n ? form->n : 1) * sizeof(*sorted));
	unsigned char mac[CRYPTO_SHA1_LEN];
	struct buf b;
	size_t i;
	int ret = -1;

	buf_init(&b, 1 << 20);
	for (i = 0; i < form->n; i++)
		sorted[i] = &form->v[i];
	qsort(sorted, form->n, sizeof(*sorted), cmp_kv);
	if (buf_addz(&b, url) < 0)
		goto out;
	for (i = 0; i < form->n; i++) {
		if (i > 0 && cmp_kv(&sorted[i - 1], &sorted[i]) == 0)
			continue; /* the same name and value twice: signed once */
		if (buf_add(&b, sorted[i]->name, sorted[i]->nlen) < 0 ||
		    buf_add(&b, sorted[i]->value, sorted[i]->vlen) < 0)
			goto out;
	}
	crypto_hmac_sha1(token, strlen(token), b.p, b.len, mac);
	enc_b64(mac, sizeof(mac), out);
	ret = 0;
out:
	buf_free(&b);
	return ret;
}

/* Split url into scheme://host, :port (may be empty) and the rest. */
static int split_url(const char *url, size_t *host_end, size_t *auth_end, bool *https)
{
	const char *p = strstr(url, "://");
	const char *slash;

	if (p == NULL)
		return -1;
	*https = strncmp(url, "https", 5) == 0;
	p += 3;
	slash = strchr(p, '/');
	*auth_end = slash ? (size_t)(slash - url) : strlen(url);
	/* A port is the digits after the last ':' of the authority, outside
	 * IPv6 brackets. */
	*host_end = *auth_end;
	for (size_t i = *auth_end; i > (size_t)(p - url); i--) {
		if (url[i - 1] == ']')
			break;
		if (url[i - 1] == ':') {
			*host_end = i - 1;
			break;
		}
	}
	return 0;
}

bool twilio_sign_valid(const char *token, const char *url, const struct kvs *form, const char *sig,
		       struct arena *a)
{
	char want[TWILIO_SIGN_LEN + 1];
	size_t host_end, auth_end, slen = strlen(sig);
	bool https, ok = false;
	const char *variants[2] = {url, NULL};
	int i;

	if (split_url(url, &host_end, &auth_end, &https) == 0) {
		const char *def = https ? ":443" : ":80";
		if (host_end == auth_end) { /* no port: also try with the default */
			variants[1] = arena_printf(a, "%.*s%s%s", (int)host_end, url, def,
						   url + auth_end);
		} else if (auth_end - host_end == strlen(def) &&
			   strncmp(url + host_end, def, strlen(def)) == 0) {
			variants[1] = arena_printf(a, "%.*s%s", (int)host_end, url, url + auth_end);
		}
	}
	/* Which URL form matched is not secret; the signature comparison
	 * itself is constant-time. */
	for (i = 0; i < 2 && variants[i] != NULL && !ok; i++) {
		if (twilio_sign_compute(token, variants[i], form, a, want) < 0)
			continue;
		ok = crypto_eq(want, TWILIO_SIGN_LEN, sig, slen);
	}
	return ok;
}
