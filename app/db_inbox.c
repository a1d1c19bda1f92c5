/*
 * Web inbox queries.  See db_inbox.h.
 */
#include "db_inbox.h"

/* Both directions as one timeline, per client. */
#define TIMELINE                                                                          \
	"SELECT from_number AS phone, 'in' AS direction, body, received_at AS at, provider,"  \
	" id, read_at IS NULL AS unread, NULL AS status FROM incoming_messages"              \
	" WHERE client_id = ?"                                                                \
	" UNION ALL SELECT to_number, 'out', body, queued_at, provider, id, 0, status"       \
	" FROM outgoing_messages WHERE client_id = ?"

static const struct db_sql Q_CONVERSATIONS = {
	"inbox_conversations",
	"SELECT phone, direction, body, at, provider, unread_total, total FROM ("
	" SELECT t.*, ROW_NUMBER() OVER (PARTITION BY phone ORDER BY at DESC, id DESC) AS rn,"
	" SUM(unread) OVER (PARTITION BY phone) AS unread_total,"
	" COUNT(*) OVER (PARTITION BY phone) AS total FROM (" TIMELINE ") t"
	") w WHERE rn = 1 ORDER BY at DESC LIMIT ?"};

static const struct db_sql Q_THREAD = {
	"inbox_thread",
	"SELECT id, direction, body, at, status, provider FROM ("
	" SELECT * FROM (" TIMELINE ") t WHERE phone = ? ORDER BY at DESC, id DESC LIMIT ?"
	") x ORDER BY at, id"};

enum db_rc db_inbox_conversations(struct db *db, struct arena *a, long long client_id,
				  long long limit, struct conversation **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_CONVERSATIONS, &res, DBI(client_id), DBI(client_id),
				DBI(limit));
	size_t i;

	if (rc != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof(struct conversation));
	for (i = 0; i < res.nrows; i++) {
		struct conversation *c = &(*out)[i];
		c->phone = DB_AT(&res, i, 0)->s;
		c->direction = DB_AT(&res, i, 1)->s;
		c->last_body = DB_AT(&res, i, 2)->s;
		c->last_len = DB_AT(&res, i, 2)->len;
		c->last_at = DB_AT(&res, i, 3)->s;
		c->provider = DB_AT(&res, i, 4)->s;
		c->unread = DB_AT(&res, i, 5)->i;
		c->messages = DB_AT(&res, i, 6)->i;
	}
	*n = res.nrows;
	return DB_OK;
}

enum db_rc db_inbox_thread(struct db *db, struct arena *a, long long client_id,
			   const char *phone, long long limit, struct thread_msg **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_THREAD, &res, DBI(client_id), DBI(client_id), DBZ(phone),
				DBI(limit));
	size_t i;

	if (rc != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof(struct thread_msg));
	for (i = 0; i < res.nrows; i++) {
		struct thread_msg *m = &(*out)[i];
		m->id = DB_AT(&res, i, 0)->i;
		m->direction = DB_AT(&res, i, 1)->s;
		m->body = DB_AT(&res, i, 2)->s;
		m->len = DB_AT(&res, i, 2)->len;
		m->at = DB_AT(&res, i, 3)->s;
		m->status = DB_AT(&res, i, 4)->s;
		m->provider = DB_AT(&res, i, 5)->s;
	}
	*n = res.nrows;
	return DB_OK;
}
