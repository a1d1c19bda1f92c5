/*
 * The api_keys table.  A key is looked up by the SHA-256 of what the
 * caller sent, never by the key itself, and only while neither the key is
 * revoked nor its client disabled; revoking matches the client too, so one
 * client cannot revoke another's key.
 */
#include "db/db_api_keys.h"

enum { K_ID, K_CLIENT, K_PREFIX, K_LABEL, K_CREATED, K_REVOKED };

static const struct db_sql Q_INSERT = {
	"api_keys_insert",
	"INSERT INTO api_keys (client_id, key_hash, key_prefix, label) VALUES (?, ?, ?, ?)"};
static const struct db_sql Q_LOOKUP = {
	"api_keys_lookup",
	"SELECT k.id, k.client_id, k.key_prefix, k.label, k.created_at, k.revoked_at"
	" FROM api_keys k JOIN client_profiles c ON c.id = k.client_id"
	" WHERE k.key_hash = ? AND k.revoked_at IS NULL AND c.status = 'active'"};
static const struct db_sql Q_REVOKE = {"api_keys_revoke",
				       "UPDATE api_keys SET revoked_at = NOW(3)"
				       " WHERE id = ? AND client_id = ? AND revoked_at IS NULL"};
static const struct db_sql Q_LIST = {
	"api_keys_list",
	"SELECT id, client_id, key_prefix, label, created_at, revoked_at FROM api_keys"
	" WHERE client_id = ? ORDER BY id"};

static void row(const struct db_res *res, size_t i, void *out)
{
	struct api_key *k = out;

	k->id = DB_AT(res, i, K_ID)->i;
	k->client_id = DB_AT(res, i, K_CLIENT)->i;
	k->prefix = DB_AT(res, i, K_PREFIX)->s;
	k->label = DB_AT(res, i, K_LABEL)->s;
	k->created_at = DB_AT(res, i, K_CREATED)->s;
	k->revoked_at = DB_AT(res, i, K_REVOKED)->s;
}

enum db_rc db_api_keys_insert(struct db *db, struct arena *a, long long client_id,
			      const unsigned char hash[32], const char *prefix, const char *label,
			      size_t label_len, long long *id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_INSERT, &res, DBI(client_id), DBS((const char *)hash, 32),
				DBZ(prefix), label ? DBS(label, label_len) : DBNULL);

	if (rc == DB_OK)
		*id = (long long)res.insert_id;
	return rc;
}

enum db_rc db_api_keys_lookup(struct db *db, struct arena *a, const unsigned char hash[32],
			      struct api_key *out)
{
	struct db_arg arg = DBS((const char *)hash, 32);

	return db_get(db, &Q_LOOKUP, &arg, 1, a, row, out);
}

enum db_rc db_api_keys_revoke(struct db *db, struct arena *a, long long client_id, long long key_id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_REVOKE, &res, DBI(key_id), DBI(client_id));

	return db_matched(rc, &res);
}

enum db_rc db_api_keys_list(struct db *db, struct arena *a, long long client_id,
			    struct api_key **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_LIST, &res, DBI(client_id));

	if (rc == DB_OK)
		*out = db_rows(&res, row, sizeof **out, n);
	return rc;
}
