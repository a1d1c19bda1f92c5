/*
 * The accounts table: prepared statements and their row reader.  An
 * account is read together with its client's status (LEFT JOIN), so that
 * http/auth.c can refuse the operators of a disabled client in the same
 * round trip that finds the account.
 */
#include "db/db_accounts.h"

/* An operator's client status comes along: a disabled client's operators
 * are refused (auth.c). */
#define ACCOUNT_SELECT                                                                             \
	"SELECT a.id, a.username, a.password_hash, a.role, a.client_id, a.display_name,"           \
	" a.status, a.created_at, c.status"                                                        \
	" FROM accounts a LEFT JOIN client_profiles c ON c.id = a.client_id"

enum { A_ID, A_USERNAME, A_HASH, A_ROLE, A_CLIENT, A_DISPLAY, A_STATUS, A_CREATED, A_CSTATUS };

static const struct db_sql Q_INSERT = {
	"accounts_insert",
	"INSERT INTO accounts (username, password_hash, role, client_id, display_name)"
	" VALUES (?, ?, ?, ?, ?)"};
static const struct db_sql Q_BY_USERNAME = {"accounts_by_username",
					    ACCOUNT_SELECT " WHERE a.username = ?"};
static const struct db_sql Q_BY_ID = {"accounts_by_id", ACCOUNT_SELECT " WHERE a.id = ?"};
static const struct db_sql Q_LIST = {"accounts_list", ACCOUNT_SELECT " ORDER BY a.id LIMIT 10000"};
static const struct db_sql Q_LIST_CLIENT = {"accounts_list_client", ACCOUNT_SELECT
					    " WHERE a.client_id = ? ORDER BY a.id LIMIT 10000"};
static const struct db_sql Q_UPDATE = {"accounts_update",
				       "UPDATE accounts SET status = COALESCE(?, status),"
				       " password_hash = COALESCE(?, password_hash),"
				       " display_name = COALESCE(?, display_name) WHERE id = ?"};
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

static void row(const struct db_res *res, size_t i, void *out)
{
	struct account *ac = out;
	const struct db_val *v = DB_AT(res, i, 0);

	ac->id = v[A_ID].i;
	ac->username = v[A_USERNAME].s;
	ac->password_hash = v[A_HASH].s;
	ac->role = v[A_ROLE].s;
	ac->client_id = v[A_CLIENT].null ? 0 : v[A_CLIENT].i;
	ac->display_name = v[A_DISPLAY].s;
	ac->status = v[A_STATUS].s;
	ac->created_at = v[A_CREATED].s;
	ac->client_status = v[A_CSTATUS].s;
}

enum db_rc db_accounts_get_by_username(struct db *db, struct arena *a, const char *username,
				       struct account *out)
{
	struct db_arg arg = DBZ(username);

	return db_get(db, &Q_BY_USERNAME, &arg, 1, a, row, out);
}

enum db_rc db_accounts_get_by_id(struct db *db, struct arena *a, long long id, struct account *out)
{
	struct db_arg arg = DBI(id);

	return db_get(db, &Q_BY_ID, &arg, 1, a, row, out);
}

enum db_rc db_accounts_set_password(struct db *db, struct arena *a, const char *username,
				    const char *hash)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_SET_PASSWORD, &res, DBZ(hash), DBZ(username));

	return db_matched(rc, &res);
}

enum db_rc db_accounts_list(struct db *db, struct arena *a, long long client_id,
			    struct account **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = client_id > 0 ? DB_EXEC(db, &Q_LIST_CLIENT, &res, DBI(client_id))
				      : db_exec(db, &Q_LIST, NULL, 0, &res);

	if (rc == DB_OK)
		*out = db_rows(&res, row, sizeof **out, n);
	return rc;
}

enum db_rc db_accounts_update(struct db *db, struct arena *a, long long id, const char *status,
			      const char *hash, const char *display_name)
{
	struct db_res res = {.a = a};
	enum db_rc rc =
		DB_EXEC(db, &Q_UPDATE, &res, DBZ(status), DBZ(hash), DBZ(display_name), DBI(id));

	return db_matched(rc, &res);
}
