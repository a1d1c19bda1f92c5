/*
 * The incoming_messages table: storing one inbound message (a CALL of the
 * ingest procedure), the operator lists, the v2 inbox and its gap-free
 * cursor, the last message of a conversation, and marking a phone's
 * messages read.  Lists pick their statement (and so their index) by sort
 * and filter, with the optional filters as nullable arguments.
 */
#include "db/db_incoming.h"

#include <string.h>

#define IN_COLS DB_INCOMING_COLS("")

enum {
	I_ID,
	I_PROVIDER,
	I_PID,
	I_CLIENT,
	I_FROM,
	I_TO,
	I_BODY,
	I_MEDIA,
	I_MODEM,
	I_PORT,
	I_REG,
	I_RESP,
	I_PTS,
	I_RECEIVED,
	I_READ,
	I_KEYWORD,
	I_MEDIA_LIST
};

static const struct db_sql Q_STORE = {
	"incoming_store", "CALL ibiki_store_inbound(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
static const struct db_sql Q_LAST_FROM = {
	"incoming_last_from",
	"SELECT " IN_COLS " FROM incoming_messages WHERE client_id = ? AND from_number = ?"
	" ORDER BY id DESC LIMIT 1"};

/*
 * Operator lists: [asc][plan].  The plan is the filter that leads, read on
 * its own index in id order from the cursor (ids below `before` and above
 * `after`): the phone number, else the registered flag, else the client
 * alone.  A second filter (registered with a phone) is checked on the rows
 * of the first.  See docs/operations.md, "Query plans".
 */
#define KEYSET	   " AND id < ? AND id > ?"
#define REG_FILTER " AND (? IS NULL OR is_registered = ?)"
#define IN_LIST(nm, idx, lead, dir)                                                                \
	{                                                                                          \
		nm, "SELECT " IN_COLS " FROM incoming_messages FORCE INDEX (" idx ")"              \
		    " WHERE client_id = ?" lead KEYSET " ORDER BY id " dir " LIMIT ?"              \
	}
enum { PLAN_CLIENT, PLAN_PHONE, PLAN_REG };
static const struct db_sql Q_LIST[2][3] = {
	{IN_LIST("incoming_list_desc", "ix_incoming_client", "", "DESC"),
	 IN_LIST("incoming_list_desc_phone", "ix_incoming_client_from",
		 " AND from_number = ?" REG_FILTER, "DESC"),
	 IN_LIST("incoming_list_desc_reg", "ix_incoming_registered", " AND is_registered = ?",
		 "DESC")},
	{IN_LIST("incoming_list_asc", "ix_incoming_client", "", "ASC"),
	 IN_LIST("incoming_list_asc_phone", "ix_incoming_client_from",
		 " AND from_number = ?" REG_FILTER, "ASC"),
	 IN_LIST("incoming_list_asc_reg", "ix_incoming_registered", " AND is_registered = ?",
		 "ASC")},
};

/*
 * v2 inbox: [cursor][from filter].
 *
 * The cursor feed must never skip a message, though ids are handed out
 * before their transactions commit, in any order.  Two guards:
 *  - a locking read (LOCK IN SHARE MODE) waits for every in-flight insert
 *    whose row is already in the index range, and then sees it;
 *  - received_at is the database clock at insert (SYSDATE in
 *    ibiki_store_inbound), and the page ends at the first row younger
 *    than INBOX_SETTLE_MS: every message with a smaller id got its id
 *    before that row was inserted, so its own row has existed for about
 *    that long, and the locking read waited for it.
 * The newest-first page reads the same way, so the cursor it hands out
 * (the newest settled message) is just as safe to continue from.
 */
#define SETTLED " , received_at <= NOW(3) - INTERVAL " INBOX_SETTLE_SQL " AS settled"
static const struct db_sql Q_INBOX[2][2] = {
	{{"inbox_newest", "SELECT " IN_COLS SETTLED " FROM incoming_messages"
			  " FORCE INDEX (ix_incoming_client) WHERE client_id = ?"
			  " ORDER BY id DESC LIMIT ? LOCK IN SHARE MODE"},
	 {"inbox_newest_from", "SELECT " IN_COLS SETTLED " FROM incoming_messages"
			       " FORCE INDEX (ix_incoming_client_from)"
			       " WHERE client_id = ? AND from_number = ? ORDER BY id DESC LIMIT ?"
			       " LOCK IN SHARE MODE"}},
	/* The index is forced: left alone, the optimizer reads the client's
	 * rows from the first one up to the cursor (docs/operations.md). */
	{{"inbox_after",
	  "SELECT " IN_COLS SETTLED " FROM incoming_messages FORCE INDEX (ix_incoming_client)"
	  " WHERE client_id = ? AND id > ? ORDER BY id ASC LIMIT ? LOCK IN SHARE MODE"},
	 {"inbox_after_from", "SELECT " IN_COLS SETTLED " FROM incoming_messages"
			      " FORCE INDEX (ix_incoming_client_from)"
			      " WHERE client_id = ? AND from_number = ? AND id > ?"
			      " ORDER BY id ASC LIMIT ? LOCK IN SHARE MODE"}},
};

static const struct db_sql Q_MARK_READ = {
	"incoming_mark_read", "UPDATE incoming_messages SET read_at = NOW(3)"
			      " WHERE client_id = ? AND from_number = ? AND read_at IS NULL"};

static void row(const struct db_res *res, size_t i, void *m)
{
	db_incoming_from_row(DB_AT(res, i, 0), m);
}

void db_incoming_from_row(const struct db_val *v, struct incoming *m)
{
	m->id = v[I_ID].i;
	m->provider = v[I_PROVIDER].s;
	m->provider_message_id = v[I_PID].s;
	m->client_id = v[I_CLIENT].null ? 0 : v[I_CLIENT].i;
	m->from = v[I_FROM].s;
	m->to = v[I_TO].s;
	m->body = v[I_BODY].s;
	m->body_len = v[I_BODY].len;
	m->num_media = v[I_MEDIA].i;
	m->usemodem = v[I_MODEM].null ? -1 : v[I_MODEM].i;
	m->port = v[I_PORT].null ? -1 : v[I_PORT].i;
	m->is_registered = v[I_REG].i != 0;
	m->response_sent = v[I_RESP].i != 0;
	m->provider_timestamp = v[I_PTS].s;
	m->received_at = v[I_RECEIVED].s;
	m->read_at = v[I_READ].s;
	m->keyword = v[I_KEYWORD].s;
	m->media = v[I_MEDIA_LIST].s;
}

enum db_rc db_incoming_store(struct db *db, struct arena *a, const struct incoming *m,
			     const struct inbound_how *how, struct inbound_stored *out)
{
	struct db_res res = {.a = a};
	bool media = m->media != NULL && *m->media != '\0';
	enum db_rc rc = DB_EXEC(
		db, &Q_STORE, &res, DBZ(m->provider), DBZ(m->provider_message_id), DBZ(m->from),
		DBZ(m->to), DBS(m->body, m->body_len), DBI(m->num_media),
		media ? DBZ(m->media) : DBNULL, m->usemodem >= 0 ? DBI(m->usemodem) : DBNULL,
		m->port >= 0 ? DBI(m->port) : DBNULL, DBZ(m->provider_timestamp), DBZ(m->keyword),
		DBZ(how->word), DBI(how->reply), DBZ(how->evt_ack), DBZ(how->evt_push));

	if (rc != DB_OK)
		return rc;
	if (res.nrows != 1 || res.ncols != 7)
		return DB_ERROR;
	out->id = DB_AT(&res, 0, 0)->i;
	out->duplicate = DB_AT(&res, 0, 1)->i != 0;
	out->client_id = DB_AT(&res, 0, 2)->null ? 0 : DB_AT(&res, 0, 2)->i;
	out->is_registered = DB_AT(&res, 0, 3)->i != 0;
	out->response_sent = DB_AT(&res, 0, 4)->i != 0;
	out->ack_queued = DB_AT(&res, 0, 5)->i != 0;
	out->push_queued = DB_AT(&res, 0, 6)->i != 0;
	return DB_OK;
}

enum db_rc db_incoming_last_from(struct db *db, struct arena *a, long long client_id,
				 const char *from, struct incoming *out)
{
	struct db_arg args[] = {DBI(client_id), DBZ(from)};

	return db_get(db, &Q_LAST_FROM, args, 2, a, row, out);
}

enum db_rc db_incoming_list(struct db *db, struct arena *a, long long client_id,
			    const struct db_page *pg, const char *phone, int registered,
			    struct incoming **out, size_t *n, bool *more)
{
	struct db_arg reg = registered < 0 ? DBNULL : DBI(registered);
	struct db_arg args[7];
	size_t k = 0;
	int plan = phone != NULL ? PLAN_PHONE : registered >= 0 ? PLAN_REG : PLAN_CLIENT;

	args[k++] = DBI(client_id);
	if (plan == PLAN_PHONE) {
		args[k++] = DBZ(phone);
		args[k++] = reg;
		args[k++] = reg;
	} else if (plan == PLAN_REG) {
		args[k++] = reg;
	}
	return db_page_fetch(db, &Q_LIST[pg->asc][plan], args, k, pg, a, row, sizeof **out,
			     (void **)out, n, more);
}

enum db_rc db_incoming_inbox(struct db *db, struct arena *a, long long client_id, long long after,
			     const char *from, long long limit, struct incoming **out, size_t *n,
			     long long *next)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	struct db_arg args[4];
	bool cursor = after >= 0;
	size_t k = 0;
	enum db_rc rc;

	args[k++] = DBI(client_id);
	if (from != NULL)
		args[k++] = DBZ(from);
	if (cursor)
		args[k++] = DBI(after);
	args[k++] = DBI(limit);
	rc = db_exec(db, &Q_INBOX[cursor][from != NULL], args, k, &res);
	if (rc == DB_OK)
		*out = db_feed_rows(&res, I_MEDIA_LIST + 1, after, row, sizeof **out, n, next);
	return rc;
}

enum db_rc db_incoming_mark_read(struct db *db, struct arena *a, long long client_id,
				 const char *phone)
{
	struct db_res res = {.a = a};

	return DB_EXEC(db, &Q_MARK_READ, &res, DBI(client_id), DBZ(phone));
}
