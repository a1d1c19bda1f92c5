/*
 * outgoing_messages and message_status_events.  See db_outgoing.h.
 *
 * Monotonic status: every update says `WHERE status_rank < new rank`, so
 * a late "sent" after "delivered" changes nothing, and concurrent
 * callbacks cannot move a message backwards.
 */
#include "db/db_outgoing.h"

#include <stdint.h>
#include <string.h>

#include "db/db_incoming.h"

#define OUT_COLS DB_OUTGOING_COLS("")

enum {
	O_ID,
	O_CLIENT,
	O_PROVIDER,
	O_TO,
	O_FROM,
	O_MODEM,
	O_PORT,
	O_BODY,
	O_SEGMENTS,
	O_ENC,
	O_SENT_BY,
	O_OPERATOR,
	O_OPNAME,
	O_KEY,
	O_REPLY,
	O_STATUS,
	O_PID,
	O_ECODE,
	O_EMSG,
	O_QUEUED,
	O_SENT,
	O_DELIVERED,
	O_ROUTE
};

static const struct db_sql Q_INSERT = {
	"outgoing_insert",
	"INSERT INTO outgoing_messages (client_id, provider, to_number, from_number, usemodem,"
	" port, body, segments, encoding, sent_by, operator_id, operator_name, api_key_id,"
	" in_reply_to, route_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	" (SELECT r.id FROM client_routes r WHERE r.client_id = ? AND r.provider = ?"
	"  AND (r.number = ? OR (r.usemodem = ? AND r.port = ?)) ORDER BY r.id LIMIT 1))"};
/* Assignments run left to right: status reads the old rank. */
static const struct db_sql Q_SENT = {
	"outgoing_sent",
	"UPDATE outgoing_messages SET provider_message_id = ?, sent_at = COALESCE(sent_at, NOW(3)),"
	" status = IF(status_rank < 2, 'sent', status), status_rank = GREATEST(status_rank, 2)"
	" WHERE id = ?"};
/* A callback that came before we knew the sid: apply the furthest one. */
static const struct db_sql Q_CATCH_UP = {
	"outgoing_catch_up",
	"SELECT status, error_code FROM message_status_events"
	" WHERE provider = (SELECT provider FROM outgoing_messages WHERE id = ?)"
	" AND provider_message_id = ? ORDER BY id"};
static const struct db_sql Q_FAILED = {
	"outgoing_failed",
	"UPDATE outgoing_messages SET error_code = ?, error_message = ?,"
	" status = IF(status_rank < 3, 'failed', status), status_rank = GREATEST(status_rank, 3)"
	" WHERE id = ?"};

/*
 * Operator list: [asc][plan].  The plan is the filter that leads, read on
 * its own index in id order from the cursor: the phone number, else the
 * operator, else the status, else the client alone; the other filters are
 * checked on the rows of the leading one.  See docs/operations.md,
 * "Query plans".
 */
#define OUT_KEYSET   " AND id < ? AND id > ?"
#define OUT_STATUS   " AND (? IS NULL OR status = ?)"
#define OUT_OPERATOR " AND (? IS NULL OR operator_id = ?)"
#define OUT_LIST(nm, idx, lead, dir)                                                               \
	{                                                                                          \
		nm, "SELECT " OUT_COLS " FROM outgoing_messages FORCE INDEX (" idx ")"             \
		    " WHERE client_id = ?" lead OUT_KEYSET " ORDER BY id " dir " LIMIT ?"          \
	}
#define OUT_PLANS(d, D)                                                                            \
	{                                                                                          \
		OUT_LIST("outgoing_list_" d, "ix_outgoing_client", "", D),                         \
			OUT_LIST("outgoing_list_" d "_phone", "ix_outgoing_client_to",             \
				 " AND to_number = ?" OUT_STATUS OUT_OPERATOR, D),                 \
			OUT_LIST("outgoing_list_" d "_operator", "ix_outgoing_operator",           \
				 " AND operator_id = ?" OUT_STATUS, D),                            \
			OUT_LIST("outgoing_list_" d "_status", "ix_outgoing_client_status",        \
				 " AND status = ?", D)                                             \
	}
enum { OPLAN_CLIENT, OPLAN_PHONE, OPLAN_OPERATOR, OPLAN_STATUS };
static const struct db_sql Q_LIST[2][4] = {OUT_PLANS("desc", "DESC"), OUT_PLANS("asc", "ASC")};

static const struct db_sql Q_EVENT = {
	"status_event_insert",
	"INSERT INTO message_status_events (provider, provider_message_id, outgoing_id, status,"
	" error_code) VALUES (?, ?, (SELECT id FROM outgoing_messages"
	" WHERE provider = ? AND provider_message_id = ?), ?, ?)"};
static const struct db_sql Q_APPLY = {
	"outgoing_apply_status",
	"UPDATE outgoing_messages SET"
	" delivered_at = IF(? = 'delivered', COALESCE(delivered_at, NOW(3)), delivered_at),"
	" status = ?, status_rank = ?, error_code = COALESCE(?, error_code),"
	" error_message = COALESCE(error_message, IF(? IS NULL, NULL, CONCAT('Twilio error ', ?)))"
	" WHERE provider = ? AND provider_message_id = ? AND status_rank < ?"};
/* A message's history, as one column: "queued 2026-12-01 10:00:00.000,sent ...". */
#define HISTORY_COL                                                                                \
	", (SELECT GROUP_CONCAT(h.status, ' ', h.at ORDER BY h.id SEPARATOR ',')"                  \
	" FROM outgoing_status_history h WHERE h.outgoing_id = outgoing_messages.id)"
static const struct db_sql Q_GET = {"outgoing_get",
				    "SELECT " OUT_COLS HISTORY_COL " FROM outgoing_messages"
				    " WHERE id = ? AND client_id = ?"};
static const struct db_sql Q_HISTORY = {
	"outgoing_history", "SELECT status, at FROM outgoing_status_history WHERE outgoing_id = ?"
			    " AND id <= ? ORDER BY id LIMIT 16"};
/* The v2 outbox, with the inbox's cursor rules (db_incoming.c): newest
 * first, or after a cursor oldest first, stopping at the first message
 * younger than INBOX_SETTLE_MS.  [cursor][status filter]. */
#define OUT_SETTLED HISTORY_COL ", queued_at <= NOW(3) - INTERVAL " INBOX_SETTLE_SQL " AS settled"
static const struct db_sql Q_OUTBOX[2][2] = {
	{{"outbox_newest", "SELECT " OUT_COLS OUT_SETTLED " FROM outgoing_messages"
			   " FORCE INDEX (ix_outgoing_client)"
			   " WHERE client_id = ? ORDER BY id DESC LIMIT ? LOCK IN SHARE MODE"},
	 {"outbox_newest_status",
	  "SELECT " OUT_COLS OUT_SETTLED " FROM outgoing_messages"
	  " FORCE INDEX (ix_outgoing_client_status)"
	  " WHERE client_id = ? AND status = ? ORDER BY id DESC LIMIT ? LOCK IN SHARE MODE"}},
	{{"outbox_after",
	  "SELECT " OUT_COLS OUT_SETTLED " FROM outgoing_messages FORCE INDEX (ix_outgoing_client)"
	  " WHERE client_id = ? AND id > ? ORDER BY id ASC LIMIT ? LOCK IN SHARE MODE"},
	 {"outbox_after_status", "SELECT " OUT_COLS OUT_SETTLED " FROM outgoing_messages"
				 " FORCE INDEX (ix_outgoing_client_status)"
				 " WHERE client_id = ? AND status = ? AND id > ?"
				 " ORDER BY id ASC LIMIT ? LOCK IN SHARE MODE"}},
};

static const struct db_sql Q_KNOWN = {
	"outgoing_known",
	"SELECT id FROM outgoing_messages WHERE provider = ? AND provider_message_id = ?"};

void db_outgoing_from_row(const struct db_val *v, struct outgoing *m)
{
	m->id = v[O_ID].i;
	m->client_id = v[O_CLIENT].i;
	m->provider = v[O_PROVIDER].s;
	m->to = v[O_TO].s;
	m->from = v[O_FROM].s;
	m->usemodem = v[O_MODEM].null ? -1 : v[O_MODEM].i;
	m->port = v[O_PORT].null ? -1 : v[O_PORT].i;
	m->body = v[O_BODY].s;
	m->body_len = v[O_BODY].len;
	m->segments = v[O_SEGMENTS].i;
	m->encoding = v[O_ENC].s;
	m->sent_by = v[O_SENT_BY].s;
	m->operator_id = v[O_OPERATOR].s;
	m->operator_name = v[O_OPNAME].s;
	m->api_key_id = v[O_KEY].null ? 0 : v[O_KEY].i;
	m->in_reply_to = v[O_REPLY].null ? 0 : v[O_REPLY].i;
	m->status = v[O_STATUS].s;
	m->provider_message_id = v[O_PID].s;
	m->error_code = v[O_ECODE].s;
	m->error_message = v[O_EMSG].s;
	m->queued_at = v[O_QUEUED].s;
	m->sent_at = v[O_SENT].s;
	m->delivered_at = v[O_DELIVERED].s;
	m->route_id = v[O_ROUTE].null ? 0 : v[O_ROUTE].i;
	m->history = NULL;
	m->nhistory = 0;
}

static void row(const struct db_res *res, size_t i, void *out)
{
	db_outgoing_from_row(DB_AT(res, i, 0), out);
}

/* m's history from HISTORY_COL's value. */
static void with_history(struct arena *a, struct outgoing *m, const struct db_val *v)
{
	char *p, *item, *save = NULL, *sp;
	size_t cap = 1;

	m->history = NULL;
	m->nhistory = 0;
	if (v->null || v->s == NULL)
		return;
	for (p = (char *)v->s; *p != '\0'; p++)
		cap += *p == ',';
	m->history = arena_alloc(a, cap * sizeof(*m->history));
	p = arena_strdup(a, v->s);
	for (item = strtok_r(p, ",", &save); item != NULL && m->nhistory < cap;
	     item = strtok_r(NULL, ",", &save)) {
		if ((sp = strchr(item, ' ')) == NULL)
			continue;
		*sp = '\0';
		m->history[m->nhistory].status = item;
		m->history[m->nhistory].at = sp + 1;
		m->nhistory++;
	}
}

enum db_rc db_outgoing_insert(struct db *db, struct arena *a, const struct outgoing *m,
			      long long *id)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(
		db, &Q_INSERT, &res, DBI(m->client_id), DBZ(m->provider), DBZ(m->to), DBZ(m->from),
		m->usemodem >= 0 ? DBI(m->usemodem) : DBNULL, m->port >= 0 ? DBI(m->port) : DBNULL,
		DBS(m->body, m->body_len), DBI(m->segments), DBZ(m->encoding), DBZ(m->sent_by),
		DBZ(m->operator_id), DBZ(m->operator_name),
		m->api_key_id > 0 ? DBI(m->api_key_id) : DBNULL,
		m->in_reply_to > 0 ? DBI(m->in_reply_to) : DBNULL, DBI(m->client_id),
		DBZ(m->provider), DBZ(m->from), m->usemodem >= 0 ? DBI(m->usemodem) : DBNULL,
		m->port >= 0 ? DBI(m->port) : DBNULL);

	if (rc == DB_OK)
		*id = (long long)res.insert_id;
	return rc;
}

static const struct {
	const char *raw;
	const char *status;
	int rank;
} status_map[] = {
	{"accepted", "queued", 0},
	{"scheduled", "queued", 0},
	{"queued", "queued", 0},
	{"sending", "queued", 1},
	{"sent", "sent", 2},
	{"delivered", "delivered", 3},
	{"undelivered", "undelivered", 3},
	{"failed", "failed", 3},
	{"canceled", "failed", 3},
	{"read", "delivered", 4},
};

bool db_outgoing_map_status(const char *raw, const char **status, int *rank)
{
	size_t i;

	for (i = 0; raw != NULL && i < sizeof(status_map) / sizeof(status_map[0]); i++) {
		if (strcmp(raw, status_map[i].raw) == 0) {
			*status = status_map[i].status;
			*rank = status_map[i].rank;
			return true;
		}
	}
	return false;
}

enum db_rc db_outgoing_mark_sent(struct db *db, struct arena *a, long long id, const char *sid)
{
	struct db_res res = {.a = a};
	struct db_arg sidarg = DBTEXT(a, sid, 64); /* the column's width */
	enum db_rc rc = DB_EXEC(db, &Q_SENT, NULL, sidarg, DBI(id));
	size_t i;

	if (rc != DB_OK)
		return rc;
	/* Callbacks that raced ahead of this update were kept in the
	 * history with no message to apply to: apply them now. */
	rc = DB_EXEC(db, &Q_CATCH_UP, &res, DBI(id), sidarg);
	for (i = 0; rc == DB_OK && i < res.nrows; i++) {
		const char *code = DB_AT(&res, i, 1)->s, *st;
		int rank;

		if (!db_outgoing_map_status(DB_AT(&res, i, 0)->s, &st, &rank) || rank <= 2)
			continue;
		struct db_arg args[] = {DBZ(st),	  DBZ(st),   DBI(rank),
					DBZ(code),	  DBZ(code), DBZ(code),
					DBS("twilio", 6), sidarg,    DBI(rank)};
		rc = db_exec(db, &Q_APPLY, args, 9, NULL);
	}
	return rc;
}

enum db_rc db_outgoing_mark_failed(struct db *db, struct arena *a, long long id, const char *code,
				   const char *message)
{
	return DB_EXEC(db, &Q_FAILED, NULL, DBTEXT(a, code, 32), DBTEXT(a, message, 1024), DBI(id));
}

enum db_rc db_outgoing_list(struct db *db, struct arena *a, long long client_id,
			    const struct db_page *pg, const char *phone, const char *status,
			    const char *operator_id, struct outgoing **out, size_t *n, bool *more)
{
	struct db_arg args[10];
	size_t k = 0;
	int plan = phone != NULL	 ? OPLAN_PHONE
		   : operator_id != NULL ? OPLAN_OPERATOR
		   : status != NULL	 ? OPLAN_STATUS
					 : OPLAN_CLIENT;

	args[k++] = DBI(client_id);
	if (plan == OPLAN_PHONE) {
		args[k++] = DBZ(phone);
		args[k++] = DBZ(status);
		args[k++] = DBZ(status);
		args[k++] = DBZ(operator_id);
		args[k++] = DBZ(operator_id);
	} else if (plan == OPLAN_OPERATOR) {
		args[k++] = DBZ(operator_id);
		args[k++] = DBZ(status);
		args[k++] = DBZ(status);
	} else if (plan == OPLAN_STATUS) {
		args[k++] = DBZ(status);
	}
	return db_page_fetch(db, &Q_LIST[pg->asc][plan], args, k, pg, a, row, sizeof **out,
			     (void **)out, n, more);
}

struct status_ctx {
	struct arena *a;
	const char *provider, *pid, *raw, *code;
	bool known;
};

static enum db_rc status_txn(struct db *db, void *arg)
{
	struct status_ctx *c = arg;
	struct db_res res = {.a = c->a};
	const char *status;
	int rank;
	enum db_rc rc;

	rc = DB_EXEC(db, &Q_EVENT, NULL, DBZ(c->provider), DBZ(c->pid), DBZ(c->provider),
		     DBZ(c->pid), DBZ(c->raw), DBZ(c->code));
	if (rc != DB_OK)
		return rc;
	rc = DB_EXEC(db, &Q_KNOWN, &res, DBZ(c->provider), DBZ(c->pid));
	if (rc != DB_OK)
		return rc;
	c->known = res.nrows > 0;
	if (!c->known || !db_outgoing_map_status(c->raw, &status, &rank))
		return DB_OK;
	return DB_EXEC(db, &Q_APPLY, NULL, DBZ(status), DBZ(status), DBI(rank), DBZ(c->code),
		       DBZ(c->code), DBZ(c->code), DBZ(c->provider), DBZ(c->pid), DBI(rank));
}

enum db_rc db_outgoing_status_event(struct db *db, struct arena *a, const char *provider,
				    const char *pid, const char *raw_status, const char *error_code,
				    bool *known)
{
	struct status_ctx c = {a, provider, pid, raw_status, error_code, false};
	enum db_rc rc = db_txn(db, status_txn, &c);

	*known = c.known;
	return rc;
}

enum db_rc db_outgoing_get(struct db *db, struct arena *a, long long client_id, long long id,
			   struct outgoing *out)
{
	struct db_res res = {.a = a};
	enum db_rc rc = DB_EXEC(db, &Q_GET, &res, DBI(id), DBI(client_id));

	if (rc == DB_OK && res.nrows == 0)
		rc = DB_NOTFOUND;
	if (rc == DB_OK) {
		row(&res, 0, out);
		with_history(a, out, DB_AT(&res, 0, DB_OUTGOING_NCOLS));
	}
	return rc;
}

enum db_rc db_outgoing_history(struct db *db, struct arena *a, long long id, long long upto,
			       struct outgoing_history **out, size_t *n)
{
	struct db_res res = {.a = a};
	enum db_rc rc =
		DB_EXEC(db, &Q_HISTORY, &res, DBI(id), DBI(upto > 0 ? upto : (long long)INT64_MAX));
	size_t i;

	if (rc != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		(*out)[i].status = DB_AT(&res, i, 0)->s;
		(*out)[i].at = DB_AT(&res, i, 1)->s;
	}
	*n = res.nrows;
	return DB_OK;
}

enum db_rc db_outgoing_outbox(struct db *db, struct arena *a, long long client_id, long long after,
			      const char *status, long long limit, struct outgoing **out, size_t *n,
			      long long *next)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	struct db_arg args[4];
	bool cursor = after >= 0;
	size_t k = 0, i;
	enum db_rc rc;

	args[k++] = DBI(client_id);
	if (status != NULL)
		args[k++] = DBZ(status);
	if (cursor)
		args[k++] = DBI(after);
	args[k++] = DBI(limit);
	rc = db_exec(db, &Q_OUTBOX[cursor][status != NULL], args, k, &res);
	if (rc != DB_OK)
		return rc;
	*out = db_feed_rows(&res, DB_OUTGOING_NCOLS + 1, after, row, sizeof **out, n, next);
	for (i = 0; i < *n; i++)
		with_history(a, &(*out)[i], DB_AT(&res, i, DB_OUTGOING_NCOLS));
	return DB_OK;
}
