/*
 * The web inbox's reads: a client's conversations (one per phone number,
 * over both message tables) and one conversation's thread.  Both read the
 * client's whole timeline as a UNION of incoming and outgoing messages, so
 * their cost grows with the client's history.
 */
#include "db/db_conversations.h"

/* Both directions as one timeline, per client. */
#define TIMELINE                                                                                   \
	"SELECT from_number AS phone, 'in' AS direction, body, received_at AS at, provider,"       \
	" id, read_at IS NULL AS unread, NULL AS status FROM incoming_messages"                    \
	" WHERE client_id = ?"                                                                     \
	" UNION ALL SELECT to_number, 'out', body, queued_at, provider, id, 0, status"             \
	" FROM outgoing_messages WHERE client_id = ?"

static const struct db_sql Q_CONVERSATIONS = {
	"inbox_conversations",
	"SELECT phone, direction, body, at, provider, unread_total, total FROM ("
	" SELECT t.*, ROW_NUMBER() OVER (PARTITION BY phone ORDER BY at DESC, id DESC) AS rn,"
	" SUM(unread) OVER (PARTITION BY phone) AS unread_total,"
	" COUNT(*) OVER (PARTITION BY phone) AS total FROM (" TIMELINE ") t"
	") w WHERE rn = 1 ORDER BY at DESC LIMIT ?"};

static const struct db_sql Q_THREAD = {"inbox_thread",
				       "SELECT id, direction, body, at, status, provider FROM ("
				       " SELECT * FROM (" TIMELINE
				       ") t WHERE phone = ? ORDER BY at DESC, id DESC LIMIT ?"
				       ") x ORDER BY at, id"};

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
}

enum db_rc db_conversations_list(struct db *db, struct arena *a, long long client_id,
				 long long limit, struct conversation **out, size_t *n)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	enum db_rc rc =
		DB_EXEC(db, &Q_CONVERSATIONS, &res, DBI(client_id), DBI(client_id), DBI(limit));

	if (rc == DB_OK)
		*out = db_rows(&res, conversation_row, sizeof **out, n);
	return rc;
}

enum db_rc db_conversations_thread(struct db *db, struct arena *a, long long client_id,
				   const char *phone, long long limit, struct thread_msg **out,
				   size_t *n)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	enum db_rc rc = DB_EXEC(db, &Q_THREAD, &res, DBI(client_id), DBI(client_id), DBZ(phone),
				DBI(limit));

	if (rc == DB_OK)
		*out = db_rows(&res, thread_row, sizeof **out, n);
	return rc;
}
