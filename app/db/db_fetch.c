/*
 * Result rows, and the row helpers of db.h.  See db_fetch.h.
 *
 * Results are bound per execution: integer columns as LONGLONG, everything
 * else as strings sized from the column's max_length
 * (STMT_ATTR_UPDATE_MAX_LENGTH), fetched again with
 * mysql_stmt_fetch_column when a value is longer; rows are copied into the
 * caller's arena.
 */
#include "db/db_fetch.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/utf8.h"

enum db_rc db_fetch_classify(unsigned int err)
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
	case 1047: /* a Galera node not synced: WSREP has not yet prepared node */
		return DB_RETRY;
	default:
		return DB_ERROR;
	}
}

bool db_fetch_conn_lost(unsigned int err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
	       err == CR_SERVER_LOST_EXTENDED || err == CR_CONNECTION_ERROR ||
	       err == CR_CONN_HOST_ERROR || err == CR_COMMANDS_OUT_OF_SYNC ||
	       err == ER_CONNECTION_KILLED || err == ER_SERVER_SHUTDOWN || err == 4031 ||
	       err == 1047;
}

static bool is_int_type(enum enum_field_types t)
{
	return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_LONG ||
	       t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_INT24 || t == MYSQL_TYPE_YEAR;
}

/* The output bindings of one result, on the arena. */
struct columns {
	unsigned int n;
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls, *errs;
	long long *ints;
	char **bufs;
};

static void bind_columns(struct arena *a, MYSQL_RES *meta, struct columns *c)
{
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	unsigned int i;

	c->n = mysql_num_fields(meta);
	c->bind = arena_alloc(a, c->n * sizeof(*c->bind));
	c->lens = arena_alloc(a, c->n * sizeof(*c->lens));
	c->nulls = arena_alloc(a, c->n * sizeof(*c->nulls));
	c->errs = arena_alloc(a, c->n * sizeof(*c->errs));
	c->ints = arena_alloc(a, c->n * sizeof(*c->ints));
	c->bufs = arena_alloc(a, c->n * sizeof(*c->bufs));
	for (i = 0; i < c->n; i++) {
		MYSQL_BIND *b = &c->bind[i];

		b->length = &c->lens[i];
		b->is_null = &c->nulls[i];
		b->error = &c->errs[i];
		if (is_int_type(fields[i].type)) {
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &c->ints[i];
			b->is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
		} else {
			unsigned long sz =
				fields[i].max_length + 1 < 64 ? 64 : fields[i].max_length + 1;

			c->bufs[i] = arena_alloc(a, sz);
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = c->bufs[i];
			b->buffer_length = sz;
		}
	}
}

/* Column i of the fetched row into v.  Returns 0, or -1 when a long value
 * cannot be fetched again. */
static int copy_value(MYSQL_STMT *st, struct arena *a, const struct columns *c, unsigned int i,
		      struct db_val *v)
{
	const MYSQL_BIND *b = &c->bind[i];

	if (c->nulls[i]) {
		v->null = true;
		v->s = NULL;
		return 0;
	}
	if (b->buffer_type == MYSQL_TYPE_LONGLONG) {
		v->i = c->ints[i];
		v->s = arena_printf(a, b->is_unsigned ? "%llu" : "%lld", c->ints[i]);
		v->len = strlen(v->s);
		return 0;
	}
	if (c->lens[i] >= b->buffer_length) {
		MYSQL_BIND one = {0};
		char *big = arena_alloc(a, c->lens[i] + 1);
		unsigned long l2 = 0;

		one.buffer_type = MYSQL_TYPE_STRING;
		one.buffer = big;
		one.buffer_length = c->lens[i] + 1;
		one.length = &l2;
		if (mysql_stmt_fetch_column(st, &one, i, 0) != 0)
			return -1;
		v->s = big;
	} else {
		v->s = arena_strndup(a, c->bufs[i], c->lens[i]);
	}
	v->len = c->lens[i];
	v->i = strtoll(v->s, NULL, 10);
	return 0;
}

enum db_rc db_fetch_rows(MYSQL_STMT *st, MYSQL_RES *meta, struct db_res *res)
{
	struct columns c;
	size_t nrows, row = 0, bytes = 0;
	enum db_rc ret = DB_ERROR;
	unsigned int i;
	int rc;

	res->truncated = false;
	res->nrows = 0;
	res->ncols = mysql_num_fields(meta);
	if (mysql_stmt_store_result(st) != 0) {
		ret = db_fetch_classify(mysql_stmt_errno(st));
		goto out;
	}
	nrows = (size_t)mysql_stmt_num_rows(st);
	res->v = arena_alloc(res->a, (nrows ? nrows : 1) * (res->ncols ? res->ncols : 1) *
					     sizeof(struct db_val));
	if (nrows == 0 || res->ncols == 0) {
		ret = DB_OK;
		goto out;
	}
	bind_columns(res->a, meta, &c);
	if (mysql_stmt_bind_result(st, c.bind) != 0) {
		log_msg(LOG_ERROR, "db", "bind_result: %s", mysql_stmt_error(st));
		goto out;
	}
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		for (i = 0; i < c.n; i++) {
			struct db_val *v = &res->v[row * c.n + i];

			if (copy_value(st, res->a, &c, i, v) < 0)
				goto out;
			if (c.bind[i].buffer_type != MYSQL_TYPE_LONGLONG)
				bytes += v->len;
		}
		if (++row == nrows)
			break;
		if (res->max_bytes > 0 && bytes >= res->max_bytes) {
			res->truncated = true;
			break;
		}
	}
	ret = DB_OK;
out:
	res->nrows = row;
	mysql_stmt_free_result(st);
	return ret;
}

/* --- row helpers (db.h) ------------------------------------------------------ */

struct db_arg db_text(struct arena *a, const char *s, size_t len, size_t max)
{
	struct db_arg arg = DBNULL;

	if (s != NULL) {
		char *t = arena_alloc(a, len + 1);

		arg = DBS(t, utf8_clean(t, s, len, max));
	}
	return arg;
}

enum db_rc db_get(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		  struct arena *a, db_row_fn fn, void *out)
{
	struct db_res res = {.a = a};
	enum db_rc rc = db_exec(db, q, args, nargs, &res);

	if (rc != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	fn(&res, 0, out);
	return DB_OK;
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

void *db_feed_rows(const struct db_res *res, size_t settled_col, long long after, db_row_fn fn,
		   size_t size, size_t *n, long long *next)
{
	char *v = arena_alloc(res->a, (res->nrows ? res->nrows : 1) * size);
	bool cursor = after >= 0;
	size_t i;

	*next = cursor ? after : -1;
	for (i = 0; i < res->nrows; i++) {
		bool settled = DB_AT(res, i, settled_col)->i != 0;

		/* The cursor feed stops at the first row still settling. */
		if (cursor && !settled)
			break;
		fn(res, i, v + i * size);
		if (cursor || (settled && *next < 0))
			*next = DB_AT(res, i, 0)->i;
	}
	*n = i;
	return v;
}

enum db_rc db_matched(enum db_rc rc, const struct db_res *res)
{
	return rc == DB_OK && res->affected == 0 ? DB_NOTFOUND : rc;
}

enum db_rc db_page_fetch(struct db *db, const struct db_sql *q, struct db_arg *args, size_t k,
			 const struct db_page *pg, struct arena *a, db_row_fn fn, size_t size,
			 void **out, size_t *n, bool *more)
{
	struct db_res res = {.a = a, .max_bytes = DB_PAGE_BYTES};
	enum db_rc rc;

	args[k++] = DBI(pg->before);
	args[k++] = DBI(pg->after);
	args[k++] = DBI(pg->limit + 1); /* one more: is there a next page? */
	rc = db_exec(db, q, args, k, &res);
	if (rc != DB_OK)
		return rc;
	*out = db_rows(&res, fn, size, n);
	*more = res.truncated || *n > (size_t)pg->limit;
	if (*n > (size_t)pg->limit)
		*n = (size_t)pg->limit;
	return DB_OK;
}
