/*
 * Request and webhook signatures:
 *  - Twilio's X-Twilio-Signature: base64 HMAC-SHA1 over the URL followed by
 *    every form field, sorted by name then value, duplicates dropped, each
 *    name immediately followed by its value (as Twilio's own libraries).
 *  - Ibiki's X-Ibiki-Signature: lowercase hex HMAC-SHA256 of the body.
 *  - Standard Webhooks' webhook-signature: "v1," + base64 HMAC-SHA256 of
 *    "id.timestamp.body", keyed by the base64 part of a whsec_ secret.
 */
#ifndef IBIKI_SIGN_H
#define IBIKI_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/kv.h"

#define TWILIO_SIG_LEN 28 /* base64 of 20 bytes */

/* out gets TWILIO_SIG_LEN + 1 bytes.  Returns 0, or -1 if the signed
 * string would exceed 1 MiB. */
int sign_twilio(const char *token, const char *url, const struct kvs *form, struct arena *a,
		char out[TWILIO_SIG_LEN + 1]);

/* Whether sig is Twilio's signature for url and form under token.  The URL
 * is tried as given and with its default port added or removed (443 for
 * https, 80 for http), as Twilio's libraries do; the comparison is
 * constant-time. */
bool sign_twilio_valid(const char *token, const char *url, const struct kvs *form, const char *sig,
		       struct arena *a);

/* out gets 65 bytes. */
void sign_ibiki(const char *secret, size_t slen, const char *body, size_t n, char out[65]);

/* The Standard Webhooks key: the base64 after "whsec_", or the secret's
 * own bytes when it has no such prefix.  key needs 256 bytes; returns its
 * length. */
size_t sign_standard_key(const char *secret, unsigned char key[256]);
/* "v1,<base64>" into out (at least 48 bytes). */
void sign_standard(const unsigned char *key, size_t klen, const char *id, long long ts,
		   const char *body, size_t n, char *out, size_t outlen);

#endif
