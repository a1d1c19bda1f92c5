/*
 * Webhook secrets: the rule for a client's own (16 to 128 printable
 * characters) and the secret Ibiki generates, "whsec_" + base64 of 24
 * random bytes.
 */
#include "svc/webhooks.h"

#include <string.h>

#include "lib/crypto.h"
#include "lib/enc.h"
#include "http/fields.h"

void webhooks_new_secret(char *out)
{
	unsigned char raw[24];

	crypto_random(raw, sizeof(raw));
	memcpy(out, "whsec_", 6);
	enc_b64(raw, sizeof(raw), out + 6);
}

bool webhooks_secret_ok(const char *s, size_t len)
{
	return len >= WEBHOOKS_SECRET_MIN && len <= WEBHOOKS_SECRET_MAX && fields_token(s, len);
}
