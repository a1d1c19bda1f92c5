/*
 * accounts.  See db_accounts.h.
 */
#include "db_accounts.h"

#define ACCOUNT_COLS "id, username, password_hash, role, client_id, display_name, status, created_at"

enum { A_ID, A_USERNAME, A_HASH, A_ROLE, A_CLIENT, A_DISPLAY, A_STATUS, A_CREATED };

static const struct db_sql Q_INSERT = {
	"accounts_insert",
	"INSERT INTO accounts (username, password_hash, role, client_id, display_name)"
	" VALUES (?, ?, ?, ?, ?)"};
static const struct db_sql Q_BY_USERNAME = {
	"accounts_by_username", "SELECT " ACCOUNT_COLS " FROM accounts WHERE username = ?"};
static const struct db_sql Q_BY_ID = {
	"accounts_by_id", "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?"};
static const struct db_sql Q_SET_PASSWORD = {
	"accounts_set_password", "UPDATE accounts SET password_hash = ? WHERE username = ?"};

enum db_rc db_accounts_insert(struct db *db, struct arena *a, const char *username,
			      const char *hash, const char *role, long long client_id,
			      const char *display_name, long long *id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_INSERT, &res, DBZ(username), DBZ(hash), DBZ(role),
				client_id > 0 ? DBI(client_id) : DBNULL, DBZ(display_name));

	if (rc == DB_OK)
		*id = (long long)res.insert_id;
	return rc;
}

static enum db_rc get_one(struct db *db, struct arena *a, const struct db_sql *q,
			  struct db_arg arg, struct account *out)
{
	struct db_res res = {.a = a};
	enum db_rc rc = db_exec(db, q, &arg, 1, &res);

	if (rc != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = DB_AT(&res, 0, A_ID)->i;
	out->username = DB_AT(&res, 0, A_USERNAME)->s;
	out->password_hash = DB_AT(&res, 0, A_HASH)->s;
	out->role = DB_AT(&res, 0, A_ROLE)->s;
	out->client_id = DB_AT(&res, 0, A_CLIENT)->null ? 0 : DB_AT(&res, 0, A_CLIENT)->i;
	out->display_name = DB_AT(&res, 0, A_DISPLAY)->s;
	out->status = DB_AT(&res, 0, A_STATUS)->s;
	out->created_at = DB_AT(&res, 0, A_CREATED)->s;
	return DB_OK;
}

enum db_rc db_accounts_get_by_username(struct db *db, struct arena *a, const char *username,
				       struct account *out)
{
	return get_one(db, a, &Q_BY_USERNAME, DBZ(username), out);
}

enum db_rc db_accounts_get_by_id(struct db *db, struct arena *a, long long id,
				 struct account *out)
{
	return get_one(db, a, &Q_BY_ID, DBI(id), out);
}

enum db_rc db_accounts_set_password(struct db *db, struct arena *a, const char *username,
				    const char *hash)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_SET_PASSWORD, &res, DBZ(hash), DBZ(username));

	if (rc == DB_OK && res.affected == 0)
		return DB_NOTFOUND;
	return rc;
}
