/*
 * Webhook signatures, as receivers verify them:
 *  - X-Ibiki-Signature: lowercase hex HMAC-SHA256 of the body.
 *  - Standard Webhooks' webhook-signature: "v1," + base64 HMAC-SHA256 of
 *    "id.timestamp.body", keyed by the base64 part of a whsec_ secret.
 */
#ifndef IBIKI_LIB_SIGN_H
#define IBIKI_LIB_SIGN_H

#include <stdbool.h>
#include <stddef.h>

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
