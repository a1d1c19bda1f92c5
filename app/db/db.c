/*
 * MariaDB Connector/C wrapper.  See db.h.
 *
 * Prepared statements are cached in a small open-addressing table keyed by
 * the address of their struct db_sql.  Results are bound per execution:
 * integer columns as LONGLONG, everything else as strings sized from the
 * column's max_length (STMT_ATTR_UPDATE_MAX_LENGTH), fetched again with
 * mysql_stmt_fetch_column when a value is longer; rows are copied into the
 * caller's arena.
 */
#include "db/db.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/utf8.h"

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

/* Map a server or client error number to our result. */
static enum db_rc classify(unsigned int err)
{
	switch (err) {
	case 0:
		return DB_OK;
	case ER_DUP_ENTRY:
		return DB_DUP;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT */
		return DB_RETRY;
	default:
		return DB_ERROR;
	}
}

/* Whether an error means the connection itself is gone. */
static bool conn_lost(unsigned int err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
	       err == CR_SERVER_LOST_EXTENDED || err == CR_CONNECTION_ERROR ||
	       err == CR_CONN_HOST_ERROR || err == CR_COMMANDS_OUT_OF_SYNC ||
	       err == ER_CONNECTION_KILLED || err == ER_SERVER_SHUTDOWN || err == 4031;
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

static enum db_rc connect_db(struct db *db)
{
	const struct config *c = db->cfg;
	my_bool off = 0;
	unsigned int timeout = 2, rw_timeout = 30;
	const char *sock = (c->database.socket && *c->database.socket) ? c->database.socket : NULL;
	MYSQL *m;

	disconnect(db);
	m = mysql_init(NULL);
	if (m == NULL)
		log_fatal("db", "out of memory");
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(m, MYSQL_INIT_COMMAND,
		       "SET time_zone='+00:00', sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,"
		       "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO',"
		       " innodb_lock_wait_timeout=10");
	if (mysql_real_connect(m, sock ? NULL : c->database.host, c->database.user,
			       c->database.password, c->database.name,
			       (unsigned int)c->database.port, sock, CLIENT_FOUND_ROWS) == NULL) {
		log_msg(LOG_WARN, "db", "connect failed: %u %s", mysql_errno(m), mysql_error(m));
		mysql_close(m);
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
		if (conn_lost(err))
			disconnect(db);
		return err != 0 ? classify(err) : DB_ERROR;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	s->q = q;
	s->st = st;
	*out = st;
	return DB_OK;
}

static bool is_int_type(enum enum_field_types t)
{
	return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_LONG ||
	       t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_INT24 || t == MYSQL_TYPE_YEAR;
}

static enum db_rc fetch_rows(struct db *db, MYSQL_STMT *st, MYSQL_RES *meta, struct db_res *res)
{
	unsigned int ncols = mysql_num_fields(meta);
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls, *errs;
	long long *ints;
	char **bufs;
	size_t nrows, row = 0, bytes = 0;
	unsigned int c;
	int rc;

	res->truncated = false;
	if (mysql_stmt_store_result(st) != 0)
		return classify(mysql_stmt_errno(st));
	nrows = (size_t)mysql_stmt_num_rows(st);
	res->ncols = ncols;
	res->nrows = 0;
	res->v = arena_alloc(res->a, (nrows ? nrows : 1) * ncols * sizeof(struct db_val));
	if (nrows == 0 || ncols == 0)
		return DB_OK;

	bind = arena_alloc(res->a, ncols * sizeof(*bind));
	lens = arena_alloc(res->a, ncols * sizeof(*lens));
	nulls = arena_alloc(res->a, ncols * sizeof(*nulls));
	errs = arena_alloc(res->a, ncols * sizeof(*errs));
	ints = arena_alloc(res->a, ncols * sizeof(*ints));
	bufs = arena_alloc(res->a, ncols * sizeof(*bufs));
	for (c = 0; c < ncols; c++) {
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
		bind[c].error = &errs[c];
		if (is_int_type(fields[c].type)) {
			bind[c].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[c].buffer = &ints[c];
			bind[c].is_unsigned = (fields[c].flags & UNSIGNED_FLAG) != 0;
		} else {
			unsigned long sz = fields[c].max_length + 1;
			if (sz < 64)
				sz = 64;
			bufs[c] = arena_alloc(res->a, sz);
			bind[c].buffer_type = MYSQL_TYPE_STRING;
			bind[c].buffer = bufs[c];
			bind[c].buffer_length = sz;
		}
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		log_msg(LOG_ERROR, "db", "bind_result: %s", mysql_stmt_error(st));
		mysql_stmt_free_result(st);
		return DB_ERROR;
	}
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		for (c = 0; c < ncols; c++) {
			struct db_val *v = &res->v[row * ncols + c];

			if (nulls[c]) {
				v->null = true;
				v->s = NULL;
				continue;
			}
			if (bind[c].buffer_type == MYSQL_TYPE_LONGLONG) {
				v->i = ints[c];
				v->s = arena_printf(res->a, bind[c].is_unsigned ? "%llu" : "%lld",
						    ints[c]);
				v->len = strlen(v->s);
				continue;
			}
			if (lens[c] >= bind[c].buffer_length) {
				MYSQL_BIND one = {0};
				char *big = arena_alloc(res->a, lens[c] + 1);
				unsigned long l2 = 0;

				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = big;
				one.buffer_length = lens[c] + 1;
				one.length = &l2;
				if (mysql_stmt_fetch_column(st, &one, c, 0) != 0) {
					mysql_stmt_free_result(st);
					return DB_ERROR;
				}
				v->s = big;
				v->len = lens[c];
			} else {
				v->s = arena_strndup(res->a, bufs[c], lens[c]);
				v->len = lens[c];
			}
			v->i = strtoll(v->s, NULL, 10);
			bytes += v->len;
		}
		if (++row == nrows)
			break;
		if (res->max_bytes > 0 && bytes >= res->max_bytes) {
			res->truncated = true;
			break;
		}
	}
	res->nrows = row;
	mysql_stmt_free_result(st);
	(void)db;
	return DB_OK;
}

/* One attempt, on the current connection. */
static enum db_rc exec_once(struct db *db, const struct db_sql *q, const struct db_arg *args,
			    size_t nargs, struct db_res *res)
{
	MYSQL_BIND bind[MAX_ARGS];
	unsigned long lens[MAX_ARGS];
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta;
	enum db_rc rc;
	unsigned int err;
	size_t i;

	if (db->conn == NULL)
		return DB_RETRY;
	if (nargs > MAX_ARGS)
		log_fatal("db", "too many statement arguments");
	rc = prepare(db, q, &st);
	if (rc != DB_OK)
		return rc;
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
	if (mysql_stmt_param_count(st) != nargs) {
		log_msg(LOG_ERROR, "db", "%s: %lu placeholders, %zu arguments", q->name,
			mysql_stmt_param_count(st), nargs);
		return DB_ERROR;
	}
	if ((nargs > 0 && mysql_stmt_bind_param(st, bind) != 0) || mysql_stmt_execute(st) != 0) {
		err = mysql_stmt_errno(st);
		rc = classify(err);
		if (rc != DB_DUP)
			log_msg(rc == DB_RETRY ? LOG_WARN : LOG_ERROR, "db", "%s: %u %s", q->name,
				err, mysql_stmt_error(st));
		if (conn_lost(err))
			disconnect(db);
		return rc;
	}
	meta = mysql_stmt_result_metadata(st);
	if (meta != NULL) {
		if (res != NULL) {
			rc = fetch_rows(db, st, meta, res);
		} else {
			mysql_stmt_free_result(st);
			rc = DB_OK;
		}
		mysql_free_result(meta);
		if (rc != DB_OK) {
			err = mysql_stmt_errno(st);
			if (conn_lost(err))
				disconnect(db);
			return rc;
		}
	} else if (res != NULL) {
		res->nrows = res->ncols = 0;
		res->v = NULL;
	}
	if (res != NULL) {
		res->insert_id = mysql_stmt_insert_id(st);
		res->affected = mysql_stmt_affected_rows(st);
	}
	/* A CALL answers with more result sets (at least the final status):
	 * read them off, or the connection is out of sync. */
	while ((err = (unsigned)mysql_stmt_next_result(st)) == 0) {
		meta = mysql_stmt_result_metadata(st);
		if (meta != NULL) {
			mysql_stmt_free_result(st);
			mysql_free_result(meta);
		}
	}
	if (err != (unsigned)-1) {
		err = mysql_stmt_errno(st);
		log_msg(LOG_WARN, "db", "%s: %u %s", q->name, err, mysql_stmt_error(st));
		if (conn_lost(err))
			disconnect(db);
		return classify(err) == DB_OK ? DB_ERROR : classify(err);
	}
	return DB_OK;
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
	}
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
	log_msg(LOG_WARN, "db", "%s: %u %s", sql, err, mysql_error(db->conn));
	if (conn_lost(err))
		disconnect(db);
	return classify(err);
}

enum db_rc db_txn(struct db *db, db_txn_fn fn, void *ctx)
{
	enum db_rc rc = DB_UNAVAILABLE;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure_conn(db) != DB_OK)
			return DB_UNAVAILABLE;
		rc = simple(db, "START TRANSACTION");
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
	}
	return DB_UNAVAILABLE;
}

struct db_arg db_text(struct arena *a, const char *s, size_t len, size_t max)
{
	struct db_arg arg = DBNULL;

	if (s != NULL) {
		char *t = arena_alloc(a, len + 1);

		arg = DBS(t, utf8_clean(t, s, len, max));
	}
	return arg;
}

/* Row 0 of res into out: DB_OK, or DB_NOTFOUND when res has no rows. */
static enum db_rc first_row(const struct db_res *res, db_row_fn fn, void *out)
{
	if (res->nrows == 0)
		return DB_NOTFOUND;
	fn(res, 0, out);
	return DB_OK;
}

enum db_rc db_get(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		  struct arena *a, db_row_fn fn, void *out)
{
	struct db_res res = {.a = a};
	enum db_rc rc = db_exec(db, q, args, nargs, &res);

	return rc == DB_OK ? first_row(&res, fn, out) : rc;
}

void *db_rows(const struct db_res *res, db_row_fn fn, size_t size, size_t *n)
{
	char *v = arena_alloc(res->a, (res->nrows ? res->nrows : 1) * size);
	size_t i;

	for (i = 0; i < res->nrows; i++)
		fn(res, i, v + i * size);
	*n = res->nrows;
	return v;
}

enum db_rc db_matched(enum db_rc rc, const struct db_res *res)
{
	return rc == DB_OK && res->affected == 0 ? DB_NOTFOUND : rc;
}

enum db_rc db_ping(struct db *db)
{
	if (db->conn != NULL && mysql_ping(db->conn) == 0)
		return DB_OK;
	if (connect_db(db) != DB_OK)
		return DB_UNAVAILABLE;
	return DB_OK;
}

enum db_rc db_script(struct db *db, const char *sql, char *err, size_t errlen)
{
	int status;

	if (ensure_conn(db) != DB_OK) {
		snprintf(err, errlen, "cannot connect to the database");
		return DB_UNAVAILABLE;
	}
	mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON);
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		goto fail;
	do {
		MYSQL_RES *r = mysql_store_result(db->conn);
		if (r != NULL)
			mysql_free_result(r);
		else if (mysql_field_count(db->conn) != 0)
			goto fail;
		status = mysql_next_result(db->conn);
		if (status > 0)
			goto fail;
	} while (status == 0);
	mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return DB_OK;
fail:
	snprintf(err, errlen, "%u: %s", mysql_errno(db->conn), mysql_error(db->conn));
	mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return classify(mysql_errno(db->conn)) == DB_RETRY ? DB_UNAVAILABLE : DB_ERROR;
}
