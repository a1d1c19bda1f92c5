/*
 * The users table (the seed's registered phone numbers), always scoped by
 * client: every statement names the client id, so one client can neither
 * read nor change another's users.
 */
#include "db/db_users.h"

#define USER_COLS "id, phone, name, status, created_at, updated_at"

enum { U_ID, U_PHONE, U_NAME, U_STATUS, U_CREATED, U_UPDATED };

static const struct db_sql Q_INSERT = {
	"users_insert", "INSERT INTO users (client_id, phone, name, status) VALUES (?, ?, ?, ?)"};
static const struct db_sql Q_GET = {"users_get", "SELECT " USER_COLS
						 " FROM users WHERE client_id = ? AND phone = ?"};
static const struct db_sql Q_LIST = {"users_list", "SELECT " USER_COLS
						   " FROM users WHERE client_id = ? AND status = ?"
						   " ORDER BY name, phone LIMIT 10000"};
static const struct db_sql Q_LIST_ALL = {"users_list_all",
					 "SELECT " USER_COLS " FROM users WHERE client_id = ?"
					 " ORDER BY name, phone LIMIT 10000"};
static const struct db_sql Q_UPDATE = {
	"users_update", "UPDATE users SET name = COALESCE(?, name), status = COALESCE(?, status)"
			" WHERE client_id = ? AND phone = ?"};

static void row(const struct db_res *res, size_t i, void *out)
{
	struct user *u = out;

	u->id = DB_AT(res, i, U_ID)->i;
	u->phone = DB_AT(res, i, U_PHONE)->s;
	u->name = DB_AT(res, i, U_NAME)->s;
	u->status = DB_AT(res, i, U_STATUS)->s;
	u->created_at = DB_AT(res, i, U_CREATED)->s;
	u->updated_at = DB_AT(res, i, U_UPDATED)->s;
}

enum db_rc db_users_insert(struct db *db, struct arena *a, long long client_id, const char *phone,
			   const char *name, size_t name_len, const char *status)
{
	struct db_res res = {.a = a};

	return DB_EXEC(db, &Q_INSERT, &res, DBI(client_id), DBZ(phone), DBS(name, name_len),
		       DBZ(status));
}

enum db_rc db_users_get(struct db *db, struct arena *a, long long client_id, const char *phone,
			struct user *out)
{
	struct db_arg args[] = {DBI(client_id), DBZ(phone)};

	return db_get(db, &Q_GET, args, 2, a, row, out);
}

enum db_rc db_users_list(struct db *db, struct arena *a, long long client_id, const char *status,
			 struct user **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc;

	if (status != NULL)
		rc = DB_EXEC(db, &Q_LIST, &res, DBI(client_id), DBZ(status));
	else
		rc = DB_EXEC(db, &Q_LIST_ALL, &res, DBI(client_id));
	if (rc == DB_OK)
		*out = db_rows(&res, row, sizeof **out, n);
	return rc;
}

enum db_rc db_users_update(struct db *db, struct arena *a, long long client_id, const char *phone,
			   const char *name, size_t name_len, const char *status)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_UPDATE, &res, name ? DBS(name, name_len) : DBNULL,
				DBZ(status), DBI(client_id), DBZ(phone));

	return db_matched(rc, &res);
}
