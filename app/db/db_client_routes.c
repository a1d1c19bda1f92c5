/*
 * The client_routes table: which client an inbound number or Extreme
 * (usemodem, port) pair belongs to.  The unique keys of sql/001 make a
 * second route for a taken number or pair a DB_DUP; the ingest procedure
 * reads this table itself, these statements serve the admin API and
 * sendsingle's ownership check.
 */
#include "db/db_client_routes.h"

#define ROUTE_COLS "id, client_id, provider, number, usemodem, port, created_at, mps"

enum { R_ID, R_CLIENT, R_PROVIDER, R_NUMBER, R_MODEM, R_PORT, R_CREATED, R_MPS };

static const struct db_sql Q_INSERT = {
	"routes_insert", "INSERT INTO client_routes (client_id, provider, number, usemodem, port,"
			 " mps) VALUES (?, ?, ?, ?, ?, ?)"};
static const struct db_sql Q_SET_MPS = {
	"routes_set_mps", "UPDATE client_routes SET mps = ? WHERE client_id = ? AND id = ?"};
static const struct db_sql Q_DELETE = {"routes_delete",
				       "DELETE FROM client_routes WHERE client_id = ? AND id = ?"};
static const struct db_sql Q_LIST = {
	"routes_list", "SELECT " ROUTE_COLS " FROM client_routes WHERE client_id = ? ORDER BY id"};
static const struct db_sql Q_GET = {
	"routes_get", "SELECT " ROUTE_COLS " FROM client_routes WHERE client_id = ? AND id = ?"};
static const struct db_sql Q_BY_MODEM = {
	"routes_by_modem", "SELECT " ROUTE_COLS " FROM client_routes"
			   " WHERE provider = 'extreme' AND usemodem = ? AND port = ?"};

static void row(const struct db_res *res, size_t i, void *out)
{
	struct client_route *r = out;

	r->id = DB_AT(res, i, R_ID)->i;
	r->client_id = DB_AT(res, i, R_CLIENT)->i;
	r->provider = DB_AT(res, i, R_PROVIDER)->s;
	r->number = DB_AT(res, i, R_NUMBER)->s;
	r->usemodem = DB_AT(res, i, R_MODEM)->null ? -1 : DB_AT(res, i, R_MODEM)->i;
	r->port = DB_AT(res, i, R_PORT)->null ? -1 : DB_AT(res, i, R_PORT)->i;
	r->created_at = DB_AT(res, i, R_CREATED)->s;
	r->mps = DB_AT(res, i, R_MPS)->null ? -1 : DB_AT(res, i, R_MPS)->i;
}

enum db_rc db_client_routes_insert(struct db *db, struct arena *a, long long client_id,
				   const char *provider, const char *number, long long usemodem,
				   long long port, long long mps, long long *id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_INSERT, &res, DBI(client_id), DBZ(provider), DBZ(number),
				usemodem >= 0 ? DBI(usemodem) : DBNULL,
				port >= 0 ? DBI(port) : DBNULL, mps >= 0 ? DBI(mps) : DBNULL);

	if (rc == DB_OK)
		*id = (long long)res.insert_id;
	return rc;
}

static enum db_rc list(struct db *db, struct arena *a, const struct db_sql *q,
		       const struct db_arg *args, size_t nargs, struct client_route **out,
		       size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = db_exec(db, q, args, nargs, &res);

	if (rc == DB_OK)
		*out = db_rows(&res, row, sizeof **out, n);
	return rc;
}

enum db_rc db_client_routes_list(struct db *db, struct arena *a, long long client_id,
				 struct client_route **out, size_t *n)
{
	struct db_arg args[] = {DBI(client_id)};

	return list(db, a, &Q_LIST, args, 1, out, n);
}

enum db_rc db_client_routes_by_modem(struct db *db, struct arena *a, long long usemodem,
				     long long port, struct client_route *out)
{
	struct db_arg args[] = {DBI(usemodem), DBI(port)};

	return db_get(db, &Q_BY_MODEM, args, 2, a, row, out);
}

enum db_rc db_client_routes_get(struct db *db, struct arena *a, long long client_id, long long id,
				struct client_route *out)
{
	struct db_arg args[] = {DBI(client_id), DBI(id)};

	return db_get(db, &Q_GET, args, 2, a, row, out);
}

enum db_rc db_client_routes_set_mps(struct db *db, struct arena *a, long long client_id,
				    long long id, long long mps)
{
	struct db_res res = {.a = a};

	return db_matched(DB_EXEC(db, &Q_SET_MPS, &res, mps >= 0 ? DBI(mps) : DBNULL,
				  DBI(client_id), DBI(id)),
			  &res);
}

enum db_rc db_client_routes_delete(struct db *db, struct arena *a, long long client_id,
				   long long id)
{
	struct db_res res = {.a = a};

	return db_matched(DB_EXEC(db, &Q_DELETE, &res, DBI(client_id), DBI(id)), &res);
}
