/*
 * The MariaDB connection of a process (one per worker or dispatcher),
 * with auto-reconnect off.  Prepared statements are cached in a small
 * open-addressing table keyed by the address of their struct db_sql and
 * dropped with the connection; a transient failure reconnects, re-prepares
 * and reruns once (the whole transaction inside db_txn).  Rows are read by
 * db_fetch.c.
 *
 * [database] timeout_s bounds the connect and each read and write.  A
 * server that let a call run that long is taken as hung: the call is not
 * rerun, and for timeout_s more no connection is tried (every call fails at
 * once, DB_UNAVAILABLE), so a request pays for a hung database once.
 *
 * [database] hosts names a Galera cluster's nodes in order of preference
 * (docs/operations.md, "Running on several machines"): a connection goes
 * to the node of the last one, else to the next in the list that accepts
 * it and is synced (wsrep_ready), so a lost node costs a reconnect and the
 * rerun of what was cut.  Its sessions read with wsrep_sync_wait = 1: a
 * read on any node sees every transaction committed anywhere before it,
 * as on one server (a request that follows a write on another node, the
 * feeds' cursors).
 */
#include "db/db.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_fetch.h"
#include "db/db_node.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#define STMT_SLOTS 256 /* power of two */
#define MAX_ARGS   80

struct stmt_slot {
	const struct db_sql *q;
	MYSQL_STMT *st;
};

struct db {
	const struct config *cfg;
	MYSQL *conn; /* NULL when disconnected */
	bool in_txn;
	double down_until;   /* monotonic ms: no connection is tried before */
	size_t node;	     /* [database] hosts: the entry tried first */
	size_t nodes;	     /* [database] hosts: how many (0: host/socket) */
	long long conflicts; /* 1213s met: deadlocks, Galera certification failures */
	struct stmt_slot slots[STMT_SLOTS];
};

const char *db_strerror(enum db_rc rc)
{
	switch (rc) {
	case DB_OK:
		return "ok";
	case DB_NOTFOUND:
		return "not found";
	case DB_DUP:
		return "duplicate key";
	case DB_REFUSED:
		return "refused: the recipient opted out";
	case DB_RETRY:
		return "transient database error";
	case DB_UNAVAILABLE:
		return "database unavailable";
	case DB_ERROR:
		return "database error";
	case DB_RC__MAX:
		break;
	}
	return "unknown";
}

static void drop_statements(struct db *db)
{
	size_t i;

	for (i = 0; i < STMT_SLOTS; i++) {
		if (db->slots[i].st != NULL)
			mysql_stmt_close(db->slots[i].st);
		db->slots[i].st = NULL;
		db->slots[i].q = NULL;
	}
}

static void disconnect(struct db *db)
{
	drop_statements(db);
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_txn = false;
}

/* Did a call begun at t0 fail only after the server let it run for
 * timeout_s?  Then the server is hung: nothing is retried, and no
 * connection is tried for timeout_s more. */
static bool db_hung_all(struct db *db, double t0)
{
	double now = timeutil_mono_ms(), limit = 1000.0 * (double)db->cfg->database.timeout_s;

	if (now - t0 < limit - 250.0)
		return false;
	if (now >= db->down_until)
		log_msg(LOG_WARN, "db", "no answer in %ld s: unavailable for %ld s",
			db->cfg->database.timeout_s, db->cfg->database.timeout_s);
	db->down_until = now + limit;
	disconnect(db);
	return true;
}

/* The same for a call on one node of a cluster: that node is hung (a
 * donor under a read lock, a node cut off), not the database; the next
 * connection goes to the next node, at once. */
static bool db_hung(struct db *db, double t0)
{
	double limit = 1000.0 * (double)db->cfg->database.timeout_s;

	if (db->nodes < 2)
		return db_hung_all(db, t0);
	if (timeutil_mono_ms() - t0 < limit - 250.0)
		return false;
	log_msg(LOG_WARN, "db", "node %zu of [database] hosts: no answer in %ld s, trying the next",
		db->node + 1, db->cfg->database.timeout_s);
	db->node = (db->node + 1) % db->nodes;
	disconnect(db);
	return true;
}

static enum db_rc connect_db(struct db *db)
{
	const struct config *c = db->cfg;
	size_t k;
	double t0 = timeutil_mono_ms(), limit = 1000.0 * (double)c->database.timeout_s;
	struct db_node nd;
	MYSQL *m = NULL;

	disconnect(db);
	if (t0 < db->down_until)
		return DB_UNAVAILABLE;
	if (db->nodes == 0) {
		const char *sock = c->database.socket ? c->database.socket : "";

		memset(&nd, 0, sizeof(nd));
		snprintf(nd.host, sizeof(nd.host), "%s", c->database.host);
		snprintf(nd.socket, sizeof(nd.socket), "%s", sock);
		nd.port = (unsigned int)c->database.port;
		m = db_node_connect(c, &nd, false, (unsigned int)c->database.timeout_s);
	}
	/* From the node of the last connection on, once round the list,
	 * all within timeout_s: a provider webhook is spooled within about
	 * that long, however many nodes do not answer. */
	for (k = 0; m == NULL && k < db->nodes; k++) {
		size_t i = (db->node + k) % db->nodes;
		double left = limit - (timeutil_mono_ms() - t0);

		if (left < 1000.0)
			break;
		if (!db_node_at(c->database.hosts, i, (unsigned int)c->database.port, &nd))
			continue;
		m = db_node_connect(c, &nd, true, (unsigned int)(left / 1000.0));
		if (m != NULL && i != db->node)
			log_msg(LOG_WARN, "db", "now on node %zu of [database] hosts (%s)", i + 1,
				nd.socket[0] ? nd.socket : nd.host);
		if (m != NULL)
			db->node = i;
	}
	if (m == NULL) {
		db_hung_all(db, t0);
		return DB_UNAVAILABLE;
	}
	db->conn = m;
	return DB_OK;
}

struct db *db_open(const struct config *cfg)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->cfg = cfg;
	db->nodes = db_node_count(cfg);
	connect_db(db);
	return db;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db);
}

static struct stmt_slot *slot_for(struct db *db, const struct db_sql *q)
{
	size_t h = ((size_t)q >> 4) * 2654435761u;
	size_t i;

	for (i = 0; i < STMT_SLOTS; i++) {
		struct stmt_slot *s = &db->slots[(h + i) & (STMT_SLOTS - 1)];
		if (s->q == q || s->q == NULL)
			return s;
	}
	log_fatal("db", "statement cache full");
}

/* The prepared statement for q, preparing it on this connection if new. */
static enum db_rc prepare(struct db *db, const struct db_sql *q, MYSQL_STMT **out)
{
	struct stmt_slot *s = slot_for(db, q);
	my_bool on = 1;
	MYSQL_STMT *st;
	unsigned int err;

	if (s->q == q && s->st != NULL) {
		*out = s->st;
		return DB_OK;
	}
	st = mysql_stmt_init(db->conn);
	if (st == NULL)
		log_fatal("db", "out of memory");
	if (mysql_stmt_prepare(st, q->text, strlen(q->text)) != 0) {
		err = mysql_stmt_errno(st);
		log_msg(LOG_ERROR, "db", "prepare %s: %u %s", q->name, err, mysql_stmt_error(st));
		mysql_stmt_close(st);
		if (db_fetch_conn_lost(err))
			disconnect(db);
		return err != 0 ? db_fetch_classify(err) : DB_ERROR;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	s->q = q;
	s->st = st;
	*out = st;
	return DB_OK;
}

/* Bind args to st's placeholders; binds and lens have room for nargs. */
static void bind_args(MYSQL_BIND *bind, unsigned long *lens, const struct db_arg *args,
		      size_t nargs)
{
	size_t i;

	memset(bind, 0, sizeof(bind[0]) * (nargs ? nargs : 1));
	for (i = 0; i < nargs; i++) {
		switch (args[i].t) {
		case DB_T_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_T_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&args[i].i;
			break;
		case DB_T_STR:
			lens[i] = (unsigned long)args[i].len;
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)(args[i].s ? args[i].s : "");
			bind[i].buffer_length = lens[i];
			bind[i].length = &lens[i];
			break;
		}
	}
}

/* How a failure is logged.  A 1213 is counted and only noted: on a Galera
 * cluster two nodes' writers of one row meet it in normal operation (one
 * certifies, the other reruns), and it must not flood the log. */
static enum log_level level_of(struct db *db, unsigned int err, enum db_rc rc)
{
	if (err == ER_LOCK_DEADLOCK) {
		db->conflicts++;
		return LOG_INFO;
	}
	return rc == DB_RETRY ? LOG_WARN : LOG_ERROR;
}

long long db_conflicts(const struct db *db)
{
	return db->conflicts;
}

/* A failure of st: logged (a duplicate key is an answer, not logged), the
 * connection dropped when it is gone; returns its result. */
static enum db_rc stmt_failed(struct db *db, const struct db_sql *q, MYSQL_STMT *st)
{
	unsigned int err = mysql_stmt_errno(st);
	enum db_rc rc = db_fetch_classify(err);

	if (rc == DB_OK)
		rc = DB_ERROR;
	if (rc != DB_DUP)
		log_msg(level_of(db, err, rc), "db", "%s: %u %s", q->name, err,
			mysql_stmt_error(st));
	if (db_fetch_conn_lost(err))
		disconnect(db);
	return rc;
}

/* A CALL answers with more result sets (at least the final status): read
 * them off, or the connection is out of sync.  DB_OK, or the failure. */
static enum db_rc drain_results(struct db *db, const struct db_sql *q, MYSQL_STMT *st)
{
	MYSQL_RES *meta;
	int more;

	while ((more = mysql_stmt_next_result(st)) == 0) {
		meta = mysql_stmt_result_metadata(st);
		if (meta != NULL) {
			mysql_stmt_free_result(st);
			mysql_free_result(meta);
		}
	}
	return more == -1 ? DB_OK : stmt_failed(db, q, st);
}

/* One attempt, on the current connection. */
static enum db_rc exec_once(struct db *db, const struct db_sql *q, const struct db_arg *args,
			    size_t nargs, struct db_res *res)
{
	MYSQL_BIND bind[MAX_ARGS];
	unsigned long lens[MAX_ARGS];
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta = NULL;
	enum db_rc rc;

	if (db->conn == NULL)
		return DB_RETRY;
	if (nargs > MAX_ARGS)
		log_fatal("db", "too many statement arguments");
	if ((rc = prepare(db, q, &st)) != DB_OK)
		return rc;
	if (mysql_stmt_param_count(st) != nargs) {
		log_msg(LOG_ERROR, "db", "%s: %lu placeholders, %zu arguments", q->name,
			mysql_stmt_param_count(st), nargs);
		return DB_ERROR;
	}
	bind_args(bind, lens, args, nargs);
	if ((nargs > 0 && mysql_stmt_bind_param(st, bind) != 0) || mysql_stmt_execute(st) != 0)
		return stmt_failed(db, q, st);
	meta = mysql_stmt_result_metadata(st);
	if (meta != NULL && res != NULL) {
		rc = db_fetch_rows(st, meta, res);
	} else {
		rc = DB_OK;
		if (meta != NULL)
			mysql_stmt_free_result(st);
		if (res != NULL) {
			res->nrows = res->ncols = 0;
			res->v = NULL;
		}
	}
	if (meta != NULL)
		mysql_free_result(meta);
	if (rc != DB_OK) {
		if (db_fetch_conn_lost(mysql_stmt_errno(st)))
			disconnect(db);
		return rc;
	}
	if (res != NULL) {
		res->insert_id = mysql_stmt_insert_id(st);
		res->affected = mysql_stmt_affected_rows(st);
	}
	return drain_results(db, q, st);
}

static enum db_rc ensure_conn(struct db *db)
{
	if (db->conn != NULL)
		return DB_OK;
	return connect_db(db);
}

enum db_rc db_exec(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		   struct db_res *res)
{
	double t0 = timeutil_mono_ms();
	enum db_rc rc;
	int attempt;

	if (db->in_txn)
		return exec_once(db, q, args, nargs, res);
	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure_conn(db) != DB_OK)
			return DB_UNAVAILABLE;
		rc = exec_once(db, q, args, nargs, res);
		if (rc != DB_RETRY)
			return rc;
		if (db_hung(db, t0))
			break;
	}
	if (rc == DB_RETRY)
		log_msg(LOG_WARN, "db",
			"a transaction failed again when rerun (see the info line"
			" before): answered unavailable");
	return DB_UNAVAILABLE;
}

static enum db_rc simple(struct db *db, const char *sql)
{
	unsigned int err;

	if (db->conn == NULL)
		return DB_RETRY;
	if (mysql_real_query(db->conn, sql, strlen(sql)) == 0)
		return DB_OK;
	err = mysql_errno(db->conn);
	log_msg(level_of(db, err, DB_RETRY), "db", "%s: %u %s", sql, err, mysql_error(db->conn));
	if (db_fetch_conn_lost(err))
		disconnect(db);
	return db_fetch_classify(err);
}

enum db_rc db_txn(struct db *db, db_txn_fn fn, void *ctx)
{
	double t0 = timeutil_mono_ms();
	enum db_rc rc = DB_UNAVAILABLE;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure_conn(db) != DB_OK)
			return DB_UNAVAILABLE;
		rc = simple(db, "START TRANSACTION");
		if (rc == DB_RETRY && db_hung(db, t0))
			break;
		if (rc == DB_RETRY)
			continue;
		if (rc != DB_OK)
			return rc;
		db->in_txn = true;
		rc = fn(db, ctx);
		db->in_txn = false;
		if (rc == DB_OK) {
			rc = simple(db, "COMMIT");
			if (rc == DB_OK)
				return DB_OK;
			/* A COMMIT lost with its connection may or may not have
			 * happened: transactions given to db_txn must be safe to
			 * run twice (idempotent inserts, guarded updates). */
		}
		if (db->conn != NULL)
			simple(db, "ROLLBACK");
		if (rc != DB_RETRY)
			return rc;
		if (db_hung(db, t0))
			break;
	}
	if (rc == DB_RETRY)
		log_msg(LOG_WARN, "db",
			"a transaction failed again when rerun (see the info line"
			" before): answered unavailable");
	return DB_UNAVAILABLE;
}

enum db_rc db_ping(struct db *db)
{
	double t0 = timeutil_mono_ms();

	if (db->conn != NULL && mysql_ping(db->conn) == 0)
		return DB_OK;
	if (db->conn != NULL && db_hung(db, t0))
		return DB_UNAVAILABLE;
	if (connect_db(db) != DB_OK)
		return DB_UNAVAILABLE;
	return DB_OK;
}

enum db_rc db_script(struct db *db, const char *sql, char *err, size_t errlen)
{
	enum db_rc ret = DB_ERROR;
	int status;

	if (ensure_conn(db) != DB_OK) {
		snprintf(err, errlen, "cannot connect to the database");
		return DB_UNAVAILABLE;
	}
	mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON);
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		goto out;
	do {
		MYSQL_RES *r = mysql_store_result(db->conn);

		if (r != NULL)
			mysql_free_result(r);
		else if (mysql_field_count(db->conn) != 0)
			goto out;
		if ((status = mysql_next_result(db->conn)) > 0)
			goto out;
	} while (status == 0);
	ret = DB_OK;
out:
	if (ret != DB_OK) {
		snprintf(err, errlen, "%u: %s", mysql_errno(db->conn), mysql_error(db->conn));
		if (db_fetch_classify(mysql_errno(db->conn)) == DB_RETRY)
			ret = DB_UNAVAILABLE;
	}
	mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return ret;
}
