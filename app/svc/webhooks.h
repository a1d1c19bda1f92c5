/*
 * Setting a client's webhook, shared by the admin API and the client's own
 * v2 API: URL rules (netcheck), secret rules, secret generation, the
 * update and the answer.
 */
#ifndef IBIKI_WEBHOOKS_H
#define IBIKI_WEBHOOKS_H

#include <stdbool.h>

#include "http/req.h"

#define WEBHOOKS_SECRET_MIN	16
#define WEBHOOKS_SECRET_MAX	128
#define WEBHOOKS_SECRET_GEN_LEN 38 /* "whsec_" + base64 of 24 bytes */

/* A new secret: "whsec_" + base64 of 24 random bytes; out needs 39 bytes. */
void webhooks_new_secret(char *out);
/* 16..128 printable ASCII characters, no spaces. */
bool webhooks_secret_ok(const char *s, size_t len);

/*
 * Set client_id's webhook to url (NULL: keep the current URL; then it must
 * have one).  secret: the client's own, or NULL to keep the current one or
 * generate one when none is set; rotate: generate a new one regardless.
 * A generated secret is returned once, in the answer.
 *   200 {clientId, url, configured, secretSet, secret?}
 *   400 invalid_webhook_url (with the reason) / invalid_webhook_secret
 *   404 client_not_found
 */
enum status webhook_set(struct req *r, long long client_id, const struct fval *url,
			const struct fval *secret, bool rotate);

#endif
