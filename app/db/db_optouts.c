/*
 * The suppression list.  See db_optouts.h; the procedures are in
 * sql/009_optout.sql.
 */
#include "db/db_optouts.h"

#include "db/db_incoming.h"

enum { O_ID, O_PHONE, O_OUT, O_KEYWORD, O_PROVIDER, O_SOURCE, O_AT, O_NOTE };

static const struct db_sql Q_GET = {
	"optouts_get", "SELECT " DB_OPTOUT_COLS("") " FROM optouts"
						    " WHERE client_id = ? AND phone = ?"};
static const struct db_sql Q_GUARD = {
	"optouts_guard", "SELECT opted_out FROM optouts WHERE client_id = ? AND phone = ?"
			 " LOCK IN SHARE MODE"};
static const struct db_sql Q_CHANGE = {"optouts_change",
				       "CALL ibiki_optout_change(?, ?, ?, ?, ?, ?, ?, ?, ?)"};
/* The feed reads like the v2 inbox (see db_incoming.c): a locking read
 * that waits for in-flight changes in its range, and a page that ends at
 * the first change younger than INBOX_SETTLE_MS. */
static const struct db_sql Q_FEED = {
	"optouts_feed",
	"SELECT id, phone, opted_out, keyword, provider, source, at, note,"
	" at <= NOW(3) - INTERVAL " INBOX_SETTLE_SQL " AS settled"
	" FROM optout_events FORCE INDEX (ix_optout_events_client)"
	" WHERE client_id = ? AND id > ? ORDER BY id ASC LIMIT ? LOCK IN SHARE MODE"};

void db_optout_from_row(const struct db_val *v, struct optout *o)
{
	o->id = v[O_ID].null ? 0 : v[O_ID].i;
	o->phone = v[O_PHONE].s;
	o->opted_out = !v[O_OUT].null && v[O_OUT].i != 0;
	o->keyword = v[O_KEYWORD].s;
	o->provider = v[O_PROVIDER].s;
	o->source = v[O_SOURCE].s;
	o->at = v[O_AT].s;
	o->note = NULL;
}

static void row(const struct db_res *res, size_t i, void *out)
{
	db_optout_from_row(DB_AT(res, i, 0), out);
}

static void feed_row(const struct db_res *res, size_t i, void *out)
{
	struct optout *o = out;

	db_optout_from_row(DB_AT(res, i, 0), o);
	o->note = DB_AT(res, i, O_NOTE)->s;
}

enum db_rc db_optouts_get(struct db *db, struct arena *a, long long client_id, const char *phone,
			  struct optout *out)
{
	struct db_arg args[] = {DBI(client_id), DBZ(phone)};

	return db_get(db, &Q_GET, args, 2, a, row, out);
}

enum db_rc db_optouts_guard(struct db *db, struct arena *a, long long client_id, const char *phone)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_GUARD, &res, DBI(client_id), DBZ(phone));

	if (rc != DB_OK)
		return rc;
	return res.nrows > 0 && DB_AT(&res, 0, 0)->i != 0 ? DB_REFUSED : DB_OK;
}

struct change_ctx {
	struct arena *a;
	long long client_id;
	const char *phone;
	const struct optout_change *c;
	bool changed;
};

static enum db_rc change_txn(struct db *db, void *arg)
{
	struct change_ctx *x = arg;
	const struct optout_change *c = x->c;
	struct db_res res = {.a = x->a};
	enum db_rc rc =
		DB_EXEC(db, &Q_CHANGE, &res, DBI(x->client_id), DBZ(x->phone), DBI(c->opted_out),
			DBZ(c->keyword), DBZ(c->provider), DBZ(c->source), DBZ(c->actor),
			DBZ(c->note), c->outgoing_id > 0 ? DBI(c->outgoing_id) : DBNULL);

	if (rc != DB_OK)
		return rc;
	if (res.nrows != 1)
		return DB_ERROR;
	x->changed = DB_AT(&res, 0, 0)->i != 0;
	return DB_OK;
}

enum db_rc db_optouts_change(struct db *db, struct arena *a, long long client_id, const char *phone,
			     const struct optout_change *c, bool *changed)
{
	struct change_ctx x = {a, client_id, phone, c, false};
	enum db_rc rc = db_txn(db, change_txn, &x);

	*changed = rc == DB_OK && x.changed;
	return rc;
}

enum db_rc db_optouts_feed(struct db *db, struct arena *a, long long client_id, long long after,
			   long long limit, struct optout **out, size_t *n, long long *next)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	enum db_rc rc = DB_EXEC(db, &Q_FEED, &res, DBI(client_id), DBI(after), DBI(limit));

	if (rc == DB_OK)
		*out = db_feed_rows(&res, O_NOTE + 1, after, feed_row, sizeof **out, n, next);
	return rc;
}
