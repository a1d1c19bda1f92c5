/*
 * The idempotency_keys table: claiming a key is an INSERT against its
 * unique (client, scope, key) index, so two requests racing for one key
 * cannot both win; the loser reads the winner's row.
 */
#include "db/db_idem.h"

static const struct db_sql Q_CLAIM = {"idem_claim",
				      "INSERT INTO idempotency_keys (client_id, scope, idem_key, "
				      "request_hash) VALUES (?, ?, ?, ?)"};
static const struct db_sql Q_GET = {
	"idem_get", "SELECT id, request_hash, status_code, response,"
		    " TIMESTAMPDIFF(SECOND, created_at, NOW(3)) FROM idempotency_keys"
		    " WHERE client_id = ? AND scope = ? AND idem_key = ?"};
static const struct db_sql Q_STORE = {
	"idem_store", "UPDATE idempotency_keys SET status_code = ?, response = ? WHERE id = ?"};
static const struct db_sql Q_DELETE = {"idem_delete", "DELETE FROM idempotency_keys WHERE id = ?"};

enum db_rc db_idem_claim(struct db *db, struct arena *a, long long client_id, const char *scope,
			 const char *key, const unsigned char hash[32], long long *id,
			 struct idem_row *existing)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_CLAIM, &res, DBI(client_id), DBZ(scope), DBZ(key),
				DBS((const char *)hash, 32));

	if (rc == DB_OK) {
		*id = (long long)res.insert_id;
		return DB_OK;
	}
	if (rc != DB_DUP)
		return rc;
	rc = DB_EXEC(db, &Q_GET, &res, DBI(client_id), DBZ(scope), DBZ(key));
	if (rc != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_RETRY; /* deleted in between: the caller may try again */
	existing->id = DB_AT(&res, 0, 0)->i;
	existing->hash = (const unsigned char *)DB_AT(&res, 0, 1)->s;
	existing->status_code = DB_AT(&res, 0, 2)->null ? 0 : (int)DB_AT(&res, 0, 2)->i;
	existing->response = DB_AT(&res, 0, 3)->s;
	existing->response_len = DB_AT(&res, 0, 3)->len;
	existing->age_s = DB_AT(&res, 0, 4)->i;
	return DB_DUP;
}

enum db_rc db_idem_store(struct db *db, struct arena *a, long long id, int status,
			 const char *response, size_t len)
{
	(void)a;
	return DB_EXEC(db, &Q_STORE, NULL, DBI(status), DBS(response, len), DBI(id));
}

enum db_rc db_idem_release(struct db *db, struct arena *a, long long id)
{
	(void)a;
	return DB_EXEC(db, &Q_DELETE, NULL, DBI(id));
}
