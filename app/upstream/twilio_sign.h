/*
 * Twilio's X-Twilio-Signature: base64 HMAC-SHA1, keyed by the auth token,
 * over the URL Twilio called followed by every form field, sorted by name
 * then value (the same name and value twice are signed once), each name
 * immediately followed by its value -- as Twilio's own libraries compute
 * it.
 */
#ifndef IBIKI_UPSTREAM_TWILIO_SIGN_H
#define IBIKI_UPSTREAM_TWILIO_SIGN_H

#include <stdbool.h>

#include "lib/arena.h"
#include "lib/kv.h"

#define TWILIO_SIGN_LEN 28 /* base64 of 20 bytes */

/* out gets TWILIO_SIGN_LEN + 1 bytes.  Returns 0, or -1 if the signed
 * string would exceed 1 MiB. */
int twilio_sign_compute(const char *token, const char *url, const struct kvs *form, struct arena *a,
			char out[TWILIO_SIGN_LEN + 1]);

/* Whether sig is Twilio's signature for url and form under token.  The URL
 * is tried as given and with its default port added or removed (443 for
 * https, 80 for http), as Twilio's libraries do; the comparison is
 * constant-time. */
bool twilio_sign_valid(const char *token, const char *url, const struct kvs *form, const char *sig,
		       struct arena *a);

#endif
