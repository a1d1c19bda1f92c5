/*
 * The client_profiles table: every statement that reads or writes it.
 * Updates report DB_NOTFOUND through db_matched when the client does not
 * exist (the connection counts matched rows, so an update that changes
 * nothing still matches).
 */
#include "db/db_clients.h"

#define CLIENT_COLS                                                                                \
	"id, name, status, delivery_mode, webhook_url, webhook_secret, created_at, updated_at,"    \
	" webhook_disabled_at IS NOT NULL, webhook_events"

enum {
	C_ID,
	C_NAME,
	C_STATUS,
	C_MODE,
	C_URL,
	C_SECRET,
	C_CREATED,
	C_UPDATED,
	C_DISABLED,
	C_EVENTS
};

static const struct db_sql Q_INSERT = {"clients_insert",
				       "INSERT INTO client_profiles (name) VALUES (?)"};
static const struct db_sql Q_GET = {"clients_get",
				    "SELECT " CLIENT_COLS " FROM client_profiles WHERE id = ?"};
static const struct db_sql Q_GET_BY_NAME = {
	"clients_get_by_name", "SELECT " CLIENT_COLS " FROM client_profiles WHERE name = ?"};
static const struct db_sql Q_LIST = {"clients_list",
				     "SELECT " CLIENT_COLS " FROM client_profiles ORDER BY id"};
static const struct db_sql Q_SET_MODE = {
	"clients_set_mode", "UPDATE client_profiles SET delivery_mode = ? WHERE id = ?"};
static const struct db_sql Q_SET_WEBHOOK = {
	"clients_set_webhook",
	"UPDATE client_profiles SET webhook_url = ?, webhook_secret = COALESCE(?, webhook_secret),"
	" webhook_events = COALESCE(?, webhook_events), webhook_disabled_at = NULL"
	" WHERE id = ?"};

static const struct db_sql Q_UPDATE = {"clients_update",
				       "UPDATE client_profiles SET name = COALESCE(?, name),"
				       " status = COALESCE(?, status) WHERE id = ?"};
static const struct db_sql Q_CLEAR_WEBHOOK = {
	"clients_clear_webhook",
	"UPDATE client_profiles SET webhook_url = NULL, webhook_secret = NULL,"
	" webhook_disabled_at = NULL WHERE id = ?"};
static const struct db_sql Q_WEBHOOK_GONE = {
	"clients_webhook_gone",
	"UPDATE client_profiles SET webhook_disabled_at = NOW(3) WHERE id = ?"};

static void row(const struct db_res *res, size_t i, void *out)
{
	struct client *c = out;

	c->id = DB_AT(res, i, C_ID)->i;
	c->name = DB_AT(res, i, C_NAME)->s;
	c->status = DB_AT(res, i, C_STATUS)->s;
	c->mode = DB_AT(res, i, C_MODE)->s;
	c->webhook_url = DB_AT(res, i, C_URL)->s;
	c->webhook_secret = DB_AT(res, i, C_SECRET)->s;
	c->created_at = DB_AT(res, i, C_CREATED)->s;
	c->updated_at = DB_AT(res, i, C_UPDATED)->s;
	c->webhook_disabled = DB_AT(res, i, C_DISABLED)->i != 0;
	c->webhook_events = DB_AT(res, i, C_EVENTS)->s;
}

enum db_rc db_clients_insert(struct db *db, struct arena *a, const char *name, size_t len,
			     long long *id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_INSERT, &res, DBS(name, len));

	if (rc == DB_OK)
		*id = (long long)res.insert_id;
	return rc;
}

enum db_rc db_clients_get(struct db *db, struct arena *a, long long id, struct client *out)
{
	struct db_arg arg = DBI(id);

	return db_get(db, &Q_GET, &arg, 1, a, row, out);
}

enum db_rc db_clients_get_by_name(struct db *db, struct arena *a, const char *name,
				  struct client *out)
{
	struct db_arg arg = DBZ(name);

	return db_get(db, &Q_GET_BY_NAME, &arg, 1, a, row, out);
}

enum db_rc db_clients_list(struct db *db, struct arena *a, struct client **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = db_exec(db, &Q_LIST, NULL, 0, &res);

	if (rc == DB_OK)
		*out = db_rows(&res, row, sizeof **out, n);
	return rc;
}

static enum db_rc update(struct db *db, struct arena *a, const struct db_sql *q,
			 const struct db_arg *args, size_t n)
{
	struct db_res res = {.a = a};
	return db_matched(db_exec(db, q, args, n, &res), &res);
}

enum db_rc db_clients_set_mode(struct db *db, struct arena *a, long long id, const char *mode)
{
	struct db_arg args[] = {DBZ(mode), DBI(id)};

	return update(db, a, &Q_SET_MODE, args, 2);
}

enum db_rc db_clients_set_webhook(struct db *db, struct arena *a, long long id, const char *url,
				  size_t ulen, const char *secret, const char *events)
{
	struct db_arg args[] = {url ? DBS(url, ulen) : DBNULL, DBZ(secret), DBZ(events), DBI(id)};

	return update(db, a, &Q_SET_WEBHOOK, args, 4);
}

enum db_rc db_clients_webhook_gone(struct db *db, long long id)
{
	return DB_EXEC(db, &Q_WEBHOOK_GONE, NULL, DBI(id));
}

enum db_rc db_clients_update(struct db *db, struct arena *a, long long id, const char *name,
			     size_t len, const char *status)
{
	struct db_arg args[] = {name ? DBS(name, len) : DBNULL, DBZ(status), DBI(id)};

	return update(db, a, &Q_UPDATE, args, 3);
}

enum db_rc db_clients_clear_webhook(struct db *db, struct arena *a, long long id)
{
	struct db_arg arg = DBI(id);

	return update(db, a, &Q_CLEAR_WEBHOOK, &arg, 1);
}
