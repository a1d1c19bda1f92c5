/*
 * Idempotency keys around a handler: the key is validated by its field row,
 * claimed before the handler runs (scoped to the route and the caller), and
 * the answer stored after it is rendered -- or the claim released, for an
 * answer not worth replaying.  A claim from a request whose worker died is
 * taken over after IDEM_STALE_S.
 */
#include "http/idem.h"

#include <string.h>

#include "lib/crypto.h"
#include "db/db.h"
#include "db/db_idem.h"
#include "http/fields.h"
#include "http/router.h"

static const struct field key_header = {
	.name = "Idempotency-Key",
	.type = FT_STR,
	.flags = F_HEADER,
	.min = 1,
	.max = 255,
	.valid = fields_token,
	.code = "invalid_idempotency_key",
	.message = "Idempotency-Key must be 1 to 255 printable characters"};

static const char *scope_of(struct req *r)
{
	if (r->actor.kind == ACTOR_KEY)
		return arena_printf(r->a, "%s key:%lld", r->route->pattern, r->actor.key_id);
	return arena_printf(r->a, "%s account:%lld", r->route->pattern, r->actor.account_id);
}

enum status idem_begin(struct req *r, struct idem *st, bool *replayed)
{
	unsigned char hash[CRYPTO_SHA256_LEN];
	struct idem_row old;
	struct fval key;
	const char *scope;
	enum db_rc rc;
	enum status ks;
	int attempt;

	st->active = false;
	*replayed = false;
	if ((ks = fields_check(r, &key_header, &key)) != ST_OK || !key.present)
		return ks;
	scope = scope_of(r);
	crypto_sha256(r->body ? r->body : "", r->body_len, hash);
	for (attempt = 0; attempt < 2; attempt++) {
		rc = db_idem_claim(r->db, r->a, r->actor.client_id, scope, key.s, hash, &st->row,
				   &old);
		if (rc == DB_OK) {
			st->active = true;
			return ST_OK;
		}
		if (rc == DB_RETRY)
			continue;
		if (rc != DB_DUP)
			return req_db_fail(r, rc);
		if (old.age_s >= 3600 * r->cfg->retention.idempotency_hours ||
		    (old.status_code == 0 && old.age_s >= IDEM_STALE_S)) {
			db_idem_release(r->db, r->a, old.id);
			continue;
		}
		if (!crypto_eq(old.hash, CRYPTO_SHA256_LEN, hash, CRYPTO_SHA256_LEN))
			return req_fail(r, ST_UNPROCESSABLE, "idempotency_key_reused",
					"This Idempotency-Key was used with a different request");
		if (old.status_code == 0)
			return req_fail(r, ST_CONFLICT, "request_in_progress",
					"A request with this Idempotency-Key is in progress");
		r->out->len = 0;
		buf_add(r->out, old.response ? old.response : "", old.response_len);
		req_header(r, "Idempotent-Replayed: true");
		*replayed = true;
		return status_from_code(old.status_code);
	}
	return req_fail(r, ST_CONFLICT, "request_in_progress",
			"A request with this Idempotency-Key is in progress");
}

/* Answers worth replaying: successes and attempted sends. */
static bool keep(struct req *r, enum status status)
{
	const char *code = r->err.code;

	if (status_code(status) < 400)
		return true;
	return code != NULL &&
	       (strcmp(code, "twilio_error") == 0 || strcmp(code, "upstream_error") == 0);
}

void idem_finish(struct req *r, struct idem *st, enum status status)
{
	if (!st->active)
		return;
	if (keep(r, status))
		db_idem_store(r->db, r->a, st->row, status_code(status), r->out->p ? r->out->p : "",
			      r->out->len);
	else
		db_idem_release(r->db, r->a, st->row);
	st->active = false;
}
