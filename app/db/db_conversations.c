/*
 * The web inbox's reads: a client's conversations, from the summary table
 * the triggers of sql/006_conversations.sql keep on every write, and one
 * conversation's thread, a page of each direction read newest first on
 * its (client, phone, time, id) index and merged.  Neither reads more than
 * the page it returns, whatever the client's history.
 */
#include "db/db_conversations.h"

/* The columns of a conversation row: the summary, its opt-out state and
 * its registered user, each joined on its primary or unique key. */
#define CONV_COLUMNS                                                                               \
	"SELECT c.phone, c.last_direction, c.last_body, c.last_at, c.last_provider, c.unread,"     \
	" c.messages, COALESCE(o.opted_out, 0), u.name, u.status"
#define CONV_JOINS                                                                                 \
	" LEFT JOIN optouts o FORCE INDEX (PRIMARY) ON o.client_id = c.client_id"                  \
	" AND o.phone = c.phone"                                                                   \
	" LEFT JOIN users u FORCE INDEX (uq_user_phone) ON u.client_id = c.client_id"              \
	" AND u.phone = c.phone"

/* The most recent first, from a place (last_at, phone) in that order. */
static const struct db_sql Q_CONVERSATIONS = {
	"inbox_conversations",
	CONV_COLUMNS " FROM conversations c FORCE INDEX (ix_conversations_recent)" CONV_JOINS
		     " WHERE c.client_id = ? AND (c.last_at < ? OR (c.last_at = ? AND c.phone < ?))"
		     " ORDER BY c.last_at DESC, c.phone DESC LIMIT ?"};

/* A number prefix: a range of the primary key, in number order. */
static const struct db_sql Q_BY_PHONE = {
	"inbox_search_phone",
	CONV_COLUMNS " FROM conversations c FORCE INDEX (PRIMARY)" CONV_JOINS
		     " WHERE c.client_id = ? AND c.phone LIKE ? ORDER BY c.phone LIMIT ?"};

/* A name prefix: for each status a range of ix_user_name in name order,
 * joined to the conversation, at most the page each; then the page of
 * the two.  No more than the page is read, whatever the prefix matches. */
#define BY_NAME_BRANCH(st)                                                                         \
	"(" CONV_COLUMNS " FROM users u FORCE INDEX (ix_user_name)"                                \
	" JOIN conversations c FORCE INDEX (PRIMARY) ON c.client_id = u.client_id"                 \
	" AND c.phone = u.phone"                                                                   \
	" LEFT JOIN optouts o FORCE INDEX (PRIMARY) ON o.client_id = c.client_id"                  \
	" AND o.phone = c.phone"                                                                   \
	" WHERE u.client_id = ? AND u.status = '" st "' AND u.name LIKE ?"                         \
	" ORDER BY u.name, u.phone LIMIT ?)"
static const struct db_sql Q_BY_NAME = {
	"inbox_search_name",
	"SELECT * FROM (" BY_NAME_BRANCH("active") " UNION ALL " BY_NAME_BRANCH(
		"inactive") ") t ORDER BY name, phone LIMIT ?"};

/* At most DB_UNREAD_MAX + 1 unread conversations are read: past that the
 * totals say so (capped) rather than cost more. */
static const struct db_sql Q_UNREAD = {
	"inbox_unread",
	"SELECT COUNT(*), COALESCE(SUM(unread), 0) FROM (SELECT unread FROM conversations"
	" FORCE INDEX (ix_conversations_unread) WHERE client_id = ? AND unread > 0"
	" LIMIT " DB_UNREAD_MAX_SQL ") t"};

static const struct db_sql Q_PEER = {
	"inbox_peer", "SELECT u.name, u.status, EXISTS (SELECT 1 FROM incoming_messages"
		      " FORCE INDEX (ix_incoming_thread) WHERE client_id = ? AND from_number = ?)"
		      " FROM (SELECT 1) one LEFT JOIN users u FORCE INDEX (uq_user_phone)"
		      " ON u.client_id = ? AND u.phone = ?"};

/*
 * The thread's order is (time, id, direction) descending, direction 'in'
 * before 'out' at the same time and id; a page is the rows before the
 * cursor (c_at, c_id, c_dir) in that order.  Each branch reads at most
 * `limit` rows of its index; the outer query keeps the newest `limit`.
 */
static const struct db_sql Q_THREAD = {
	"inbox_thread",
	"SELECT id, direction, body, at, status, provider, keyword, media FROM ("
	" (SELECT id, 'in' AS direction, body, received_at AS at, CAST(NULL AS CHAR) AS status,"
	"  provider, CAST(keyword AS CHAR) AS keyword, media"
	"  FROM incoming_messages FORCE INDEX (ix_incoming_thread)"
	"  WHERE client_id = ? AND from_number = ? AND received_at <= ?"
	"  AND (received_at < ? OR id < ? OR (id = ? AND ? = 'out'))"
	"  ORDER BY received_at DESC, id DESC LIMIT ?)"
	" UNION ALL"
	" (SELECT id, 'out', body, queued_at, status, provider, NULL, NULL"
	"  FROM outgoing_messages FORCE INDEX (ix_outgoing_thread)"
	"  WHERE client_id = ? AND to_number = ? AND queued_at <= ? AND (queued_at < ? OR id < ?)"
	"  ORDER BY queued_at DESC, id DESC LIMIT ?)"
	") t ORDER BY at DESC, id DESC, direction DESC LIMIT ?"};

/* A cursor's place in the thread: its message's time, within this client
 * and phone only. */
static const struct db_sql Q_AT[2] = {
	{"inbox_cursor_in", "SELECT received_at FROM incoming_messages"
			    " WHERE id = ? AND client_id = ? AND from_number = ?"},
	{"inbox_cursor_out", "SELECT queued_at FROM outgoing_messages"
			     " WHERE id = ? AND client_id = ? AND to_number = ?"},
};

static void conversation_row(const struct db_res *res, size_t i, void *out)
{
	const struct db_val *v = DB_AT(res, i, 0);
	struct conversation *c = out;

	c->phone = v[0].s;
	c->direction = v[1].s;
	c->last_body = v[2].s;
	c->last_len = v[2].len;
	c->last_at = v[3].s;
	c->provider = v[4].s;
	c->unread = v[5].i;
	c->messages = v[6].i;
	c->opted_out = v[7].i != 0;
	c->user_name = v[8].s;
	c->user_status = v[9].s;
}

static void thread_row(const struct db_res *res, size_t i, void *out)
{
	const struct db_val *v = DB_AT(res, i, 0);
	struct thread_msg *m = out;

	m->id = v[0].i;
	m->direction = v[1].s;
	m->body = v[2].s;
	m->len = v[2].len;
	m->at = v[3].s;
	m->status = v[4].s;
	m->provider = v[5].s;
	m->keyword = v[6].s;
	m->media = v[7].s;
}

/* s with LIKE's wildcards and escape escaped, and "%" after it. */
static const char *like_prefix(struct arena *a, const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *p = arena_alloc(a, 2 * n + 2);

	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			p[j++] = '\\';
		p[j++] = s[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

enum db_rc db_conversations_list(struct db *db, struct arena *a, long long client_id,
				 const struct conv_query *q, struct conversation **out, size_t *n,
				 bool *more)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	/* One more than the page: whether the list goes on. */
	long long limit = q->limit + 1;
	enum db_rc rc;

	if (q->q_phone != NULL) {
		rc = DB_EXEC(db, &Q_BY_PHONE, &res, DBI(client_id), DBZ(like_prefix(a, q->q_phone)),
			     DBI(limit));
	} else if (q->q_name != NULL) {
		const char *like = like_prefix(a, q->q_name);

		rc = DB_EXEC(db, &Q_BY_NAME, &res, DBI(client_id), DBZ(like), DBI(limit),
			     DBI(client_id), DBZ(like), DBI(limit), DBI(limit));
	} else {
		/* No cursor: from past the end of time and of numbers. */
		const char *at = q->before ? q->before->at : "9999-12-31 23:59:59.999";
		const char *phone = q->before ? q->before->phone : "~";

		rc = DB_EXEC(db, &Q_CONVERSATIONS, &res, DBI(client_id), DBZ(at), DBZ(at),
			     DBZ(phone), DBI(limit));
	}
	if (rc != DB_OK)
		return rc;
	*out = db_rows(&res, conversation_row, sizeof **out, n);
	*more = res.truncated || *n == (size_t)limit;
	if (*n == (size_t)limit)
		(*n)--;
	return DB_OK;
}

enum db_rc db_conversations_unread(struct db *db, struct arena *a, long long client_id,
				   long long *conversations, long long *messages)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_UNREAD, &res, DBI(client_id));

	*conversations = *messages = 0;
	if (rc == DB_OK && res.nrows > 0) {
		*conversations = DB_AT(&res, 0, 0)->i;
		*messages = DB_AT(&res, 0, 1)->i;
	}
	return rc;
}

static void peer_row(const struct db_res *res, size_t i, void *out)
{
	const struct db_val *v = DB_AT(res, i, 0);
	struct conv_peer *p = out;

	p->name = v[0].s;
	p->status = v[1].s;
	p->has_inbound = v[2].i != 0;
}

enum db_rc db_conversations_peer(struct db *db, struct arena *a, long long client_id,
				 const char *phone, struct conv_peer *out)
{
	const struct db_arg args[] = {DBI(client_id), DBZ(phone), DBI(client_id), DBZ(phone)};

	return db_get(db, &Q_PEER, args, 4, a, peer_row, out);
}

enum db_rc db_conversations_thread(struct db *db, struct arena *a, long long client_id,
				   const char *phone, const struct thread_cursor *before,
				   long long limit, struct thread_msg **out, size_t *n, bool *more)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	const char *at = "9999-12-31 23:59:59.999", *dir = "out";
	long long id = 0x7fffffffffffffffLL;
	enum db_rc rc;

	if (before != NULL) {
		rc = DB_EXEC(db, &Q_AT[before->out], &res, DBI(before->id), DBI(client_id),
			     DBZ(phone));
		if (rc != DB_OK)
			return rc;
		if (res.nrows == 0)
			return DB_NOTFOUND;
		at = DB_AT(&res, 0, 0)->s;
		id = before->id;
		dir = before->out ? "out" : "in";
	}
	/* One more than the page: whether there is an older one. */
	limit++;
	rc = DB_EXEC(db, &Q_THREAD, &res, DBI(client_id), DBZ(phone), DBZ(at), DBZ(at), DBI(id),
		     DBI(id), DBZ(dir), DBI(limit), DBI(client_id), DBZ(phone), DBZ(at), DBZ(at),
		     DBI(id), DBI(limit), DBI(limit));
	if (rc != DB_OK)
		return rc;
	*out = db_rows(&res, thread_row, sizeof **out, n);
	*more = res.truncated || *n == (size_t)limit;
	if (*n == (size_t)limit)
		(*n)--;
	return DB_OK;
}
