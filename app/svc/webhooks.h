/*
 * Webhook secrets: the rule a client's own secret must meet, and the
 * secrets Ibiki generates ("whsec_" + base64, as Standard Webhooks
 * libraries expect).
 */
#ifndef IBIKI_SVC_WEBHOOKS_H
#define IBIKI_SVC_WEBHOOKS_H

#include <stdbool.h>
#include <stddef.h>

#define WEBHOOKS_SECRET_MIN	16
#define WEBHOOKS_SECRET_MAX	128
#define WEBHOOKS_SECRET_GEN_LEN 38 /* "whsec_" + base64 of 24 bytes */

/* A new secret: "whsec_" + base64 of 24 random bytes; out needs 39 bytes. */
void webhooks_new_secret(char *out);
/* 16..128 printable ASCII characters, no spaces. */
bool webhooks_secret_ok(const char *s, size_t len);

#endif
