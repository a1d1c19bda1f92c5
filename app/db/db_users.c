/*
 * The users table (the seed's registered phone numbers), always scoped by
 * client: every statement names the client id, so one client can neither
 * read nor change another's users.
 */
#include "db/db_users.h"

/* A user with its number's opt-out state. */
#define USER_COLS                                                                                  \
	"u.id, u.phone, u.name, u.status, u.created_at, u.updated_at, " DB_OPTOUT_COLS("o.")
#define USER_FROM                                                                                  \
	" FROM users u LEFT JOIN optouts o FORCE INDEX (PRIMARY) ON o.client_id = u.client_id"     \
	" AND o.phone = u.phone"

enum { U_ID, U_PHONE, U_NAME, U_STATUS, U_CREATED, U_UPDATED, U_OPTOUT };

static const struct db_sql Q_INSERT = {
	"users_insert", "INSERT INTO users (client_id, phone, name, status) VALUES (?, ?, ?, ?)"};
static const struct db_sql Q_GET = {"users_get", "SELECT " USER_COLS USER_FROM
						 " WHERE u.client_id = ? AND u.phone = ?"};
static const struct db_sql Q_LIST = {"users_list", "SELECT " USER_COLS USER_FROM
						   " WHERE u.client_id = ? AND u.status = ?"
						   " ORDER BY u.name, u.phone LIMIT 10000"};
static const struct db_sql Q_LIST_ALL = {"users_list_all",
					 "SELECT " USER_COLS USER_FROM " WHERE u.client_id = ?"
					 " ORDER BY u.name, u.phone LIMIT 10000"};
/* From the suppressed numbers (ix_optouts_state) to their users. */
static const struct db_sql Q_LIST_OPTED = {
	"users_list_opted_out",
	"SELECT " USER_COLS " FROM optouts o FORCE INDEX (ix_optouts_state)"
	" JOIN users u FORCE INDEX (uq_user_phone) ON u.client_id = o.client_id"
	" AND u.phone = o.phone WHERE o.client_id = ? AND o.opted_out = 1"
	" ORDER BY u.name, u.phone LIMIT 10000"};
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
	db_optout_from_row(DB_AT(res, i, U_OPTOUT), &u->optout);
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

/* Every row of q as users. */
static enum db_rc list(struct db *db, struct arena *a, const struct db_sql *q,
		       const struct db_arg *args, size_t nargs, struct user **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = db_exec(db, q, args, nargs, &res);

	if (rc == DB_OK)
		*out = db_rows(&res, row, sizeof **out, n);
	return rc;
}

enum db_rc db_users_list(struct db *db, struct arena *a, long long client_id, const char *status,
			 struct user **out, size_t *n)
{
	struct db_arg args[] = {DBI(client_id), DBZ(status)};

	return list(db, a, status != NULL ? &Q_LIST : &Q_LIST_ALL, args, status != NULL ? 2 : 1,
		    out, n);
}

enum db_rc db_users_opted_out(struct db *db, struct arena *a, long long client_id,
			      struct user **out, size_t *n)
{
	struct db_arg arg = DBI(client_id);

	return list(db, a, &Q_LIST_OPTED, &arg, 1, out, n);
}

enum db_rc db_users_update(struct db *db, struct arena *a, long long client_id, const char *phone,
			   const char *name, size_t name_len, const char *status)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_UPDATE, &res, name ? DBS(name, name_len) : DBNULL,
				DBZ(status), DBI(client_id), DBZ(phone));

	return db_matched(rc, &res);
}
