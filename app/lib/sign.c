/*
 * Signatures.  See sign.h.
 */
#include "lib/sign.h"

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

int sign_twilio(const char *token, const char *url, const struct kvs *form, struct arena *a,
		char out[TWILIO_SIG_LEN + 1])
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

bool sign_twilio_valid(const char *token, const char *url, const struct kvs *form, const char *sig,
		       struct arena *a)
{
	char want[TWILIO_SIG_LEN + 1];
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
		if (sign_twilio(token, variants[i], form, a, want) < 0)
			continue;
		ok = crypto_eq(want, TWILIO_SIG_LEN, sig, slen);
	}
	return ok;
}

void sign_ibiki(const char *secret, size_t slen, const char *body, size_t n, char out[65])
{
	unsigned char mac[CRYPTO_SHA256_LEN];

	crypto_hmac_sha256(secret, slen, body, n, mac);
	enc_hex(mac, sizeof(mac), out);
}

size_t sign_standard_key(const char *secret, unsigned char key[256])
{
	size_t n = strlen(secret);
	long k;

	if (n > 6 && strncmp(secret, "whsec_", 6) == 0 && n - 6 <= 340) {
		k = enc_b64_decode(secret + 6, n - 6, key);
		if (k > 0)
			return (size_t)k;
	}
	if (n > 256)
		n = 256;
	memcpy(key, secret, n);
	return n;
}

void sign_standard(const unsigned char *key, size_t klen, const char *id, long long ts,
		   const char *body, size_t n, char *out, size_t outlen)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	char b64[ENC_B64_SIZE(CRYPTO_SHA256_LEN)];
	char prefix[256];
	struct buf b;
	int pl = snprintf(prefix, sizeof(prefix), "%s.%lld.", id, ts);

	buf_init(&b, (size_t)pl + n + 1);
	if (buf_add(&b, prefix, (size_t)pl) < 0 || buf_add(&b, body, n) < 0) {
		buf_free(&b);
		snprintf(out, outlen, "v1,");
		return;
	}
	crypto_hmac_sha256(key, klen, b.p, b.len, mac);
	buf_free(&b);
	enc_b64(mac, sizeof(mac), b64);
	snprintf(out, outlen, "v1,%s", b64);
}
