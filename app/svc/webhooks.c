/*
 * Webhook registration.  See webhooks.h.
 */
#include "svc/webhooks.h"

#include <string.h>

#include "lib/crypto.h"
#include "db/db_clients.h"
#include "db/db_outbox.h"
#include "lib/enc.h"
#include "http/fields.h"
#include "lib/netcheck.h"

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

enum status webhook_set(struct req *r, long long client_id, const struct fval *url,
			const struct fval *secret, bool rotate)
{
	char generated[WEBHOOKS_SECRET_GEN_LEN + 1];
	const char *new_secret = NULL, *reason, *new_url;
	size_t new_url_len;
	struct client c;
	enum db_rc rc;
	struct jsonw *w = &r->w;

	rc = db_clients_get(r->db, r->a, client_id, &c);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	if (url != NULL && url->present) {
		new_url = url->s;
		new_url_len = url->len;
	} else if (c.webhook_url != NULL) {
		new_url = c.webhook_url;
		new_url_len = strlen(c.webhook_url);
	} else {
		return req_fail(r, ST_BAD_REQUEST, "invalid_webhook_url",
				"Missing required field: url");
	}
	reason = netcheck_url(new_url, new_url_len, r->cfg->push.allow_loopback, NULL);
	if (reason != NULL)
		return req_failf(r, ST_BAD_REQUEST, "invalid_webhook_url",
				 "Webhook URL refused: %s", reason);
	if (secret != NULL && secret->present) {
		if (rotate)
			return req_fail(r, ST_BAD_REQUEST, "invalid_request",
					"Give either secret or rotateSecret, not both");
		if (!webhooks_secret_ok(secret->s, secret->len))
			return req_fail(
				r, ST_BAD_REQUEST, "invalid_webhook_secret",
				"secret must be 16 to 128 printable characters without spaces");
		new_secret = arena_strndup(r->a, secret->s, secret->len);
	} else if (rotate || c.webhook_secret == NULL || *c.webhook_secret == '\0') {
		webhooks_new_secret(generated);
		new_secret = generated;
	}
	rc = db_clients_set_webhook(r->db, r->a, client_id, new_url, new_url_len, new_secret);
	if (rc == DB_NOTFOUND)
		return req_fail(r, ST_NOT_FOUND, "client_not_found", "No such client");
	/* Registering again lifts a 410's hold: held deliveries go out now. */
	if (rc == DB_OK)
		rc = db_outbox_reactivate(r->db, client_id);
	if (rc != DB_OK)
		return req_db_fail(r, rc);
	jsonw_obj(w);
	jsonw_kint(w, "clientId", client_id);
	jsonw_kstrn(w, "url", new_url, new_url_len);
	jsonw_kbool(w, "configured", true);
	jsonw_kbool(w, "secretSet", true);
	/* Shown once: only a secret we made. */
	if (new_secret == generated)
		jsonw_kstr(w, "secret", generated);
	jsonw_kstr(w, "deliveryMode", c.mode);
	jsonw_obj_end(w);
	return ST_OK;
}
