/*
 * Database access over MariaDB Connector/C, prepared statements only.
 *
 * `struct db` is opaque: one connection per process, with the statements
 * it has prepared, each prepared on first use and kept for the life of the
 * connection.  Statements are named constants (struct db_sql) defined by
 * the db_<table>.c modules.  Auto-reconnect stays off: when the connection
 * is lost (2006, 2013...) or a transaction dies of a deadlock or lock wait
 * timeout (1213, 1205), db_txn reconnects, re-prepares and reruns the whole
 * transaction once; a second failure is DB_UNAVAILABLE, which handlers
 * answer with 503.
 *
 * For every db_<table>.c function: it returns DB_OK or a failure --
 * DB_NOTFOUND (no such row, where the function says so), DB_DUP (a unique
 * key is taken), DB_UNAVAILABLE or DB_ERROR -- and on a failure leaves its
 * out-parameters unset.  Rows it returns are copied into the arena it is
 * given: the caller frees nothing, and they live until that arena is
 * reset.
 */
#ifndef IBIKI_DB_H
#define IBIKI_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/config.h"

struct db;

enum db_rc {
	DB_OK = 0,
	DB_NOTFOUND,	/* a helper found no row */
	DB_DUP,		/* duplicate key (1062) */
	DB_REFUSED,	/* a guard refused the write: the recipient opted out */
	DB_RETRY,	/* transient: connection lost, deadlock, lock wait */
	DB_UNAVAILABLE, /* still failing after the rerun, or cannot connect */
	DB_ERROR,	/* anything else: logged */
	DB_RC__MAX
};

/* A short text for logs and ibikictl ("duplicate key"); never NULL. */
const char *db_strerror(enum db_rc rc);

/* A statement: a name for logs and its SQL with ? placeholders. */
struct db_sql {
	const char *name;
	const char *text;
};

enum db_type { DB_T_NULL, DB_T_INT, DB_T_STR };

struct db_arg {
	enum db_type t;
	long long i;
	const char *s;
	size_t len;
};

#define DBI(x)	  ((struct db_arg){.t = DB_T_INT, .i = (long long)(x)})
#define DBS(p, n) ((struct db_arg){.t = DB_T_STR, .s = (p), .len = (n)})
#define DBZ(p)	  ((p) != NULL ? DBS((p), strlen(p)) : DBNULL)
#define DBNULL	  ((struct db_arg){.t = DB_T_NULL})

/* Text from outside (an upstream's answer, a receiver's response) for a
 * VARCHAR(max) column: made valid UTF-8 (see utf8_clean) and cut to max
 * characters, so that strict mode cannot refuse the row.  NULL stays
 * NULL. */
struct db_arg db_text(struct arena *a, const char *s, size_t len, size_t max);
#define DBTEXT(a, s, max) db_text((a), (s), (s) != NULL ? strlen(s) : 0, (max))

/* One column of one row: integer columns fill i, every column fills s. */
struct db_val {
	const char *s;
	size_t len;
	long long i;
	bool null;
};

/* A page of messages stops after the row that brings its text past this,
 * so that a page of long messages still fits a response (at worst six
 * bytes of JSON per byte of text, under the workers' 16 MiB) and the
 * arena: callers see fewer rows, and cursors continue from the last. */
#define DB_PAGE_BYTES (2 * 1024 * 1024)

struct db_res {
	struct arena *a;  /* where rows go; set by the caller */
	size_t max_bytes; /* 0: every row; else see DB_PAGE_BYTES */
	bool truncated;	  /* rows were left out for max_bytes */
	size_t nrows, ncols;
	struct db_val *v; /* row-major */
	unsigned long long insert_id;
	unsigned long long affected;
};

#define DB_AT(res, row, col) (&(res)->v[(size_t)(row) * (res)->ncols + (size_t)(col)])

/* A keyset page of a list in id order: the ids below `before` and above
 * `after` (DB_PAGE_NO_BEFORE, DB_PAGE_NO_AFTER: no bound), at most `limit`,
 * ascending if asc. */
struct db_page {
	bool asc;
	long long before, after, limit;
};
#define DB_PAGE_NO_BEFORE 0x7fffffffffffffffLL
#define DB_PAGE_NO_AFTER  (-1LL)

/* Create a handle and try to connect; a handle is returned even when the
 * server is down (it connects on first use).  NULL only when out of memory. */
struct db *db_open(const struct config *cfg);
/* Close the connection and free the handle (NULL: nothing). */
void db_close(struct db *db);

/* Run one statement.  res may be NULL when no rows are wanted; otherwise
 * res->a must be set.  Outside db_txn a transient failure is retried once
 * on a fresh connection. */
enum db_rc db_exec(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		   struct db_res *res);
#define DB_EXEC(db, q, res, ...)                                                                   \
	db_exec((db), (q), (const struct db_arg[]){__VA_ARGS__},                                   \
		sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg), (res))

/* Copy row i of res into the struct at out (the db_<table>.c row readers). */
typedef void (*db_row_fn)(const struct db_res *res, size_t i, void *out);

/* Run q (rows on a) and copy its first row into out with fn: DB_OK,
 * DB_NOTFOUND, or db_exec's failure. */
enum db_rc db_get(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		  struct arena *a, db_row_fn fn, void *out);
/* Every row of res into a new array of size-byte structs on res->a, never
 * NULL; *n is the number of rows. */
void *db_rows(const struct db_res *res, db_row_fn fn, size_t size, size_t *n);
/* Run q, a page statement whose last placeholders are the page's bounds
 * and limit: args[0..k) then before, after and limit + 1 (args has room
 * for three more).  The page's rows by fn into *out (at most pg->limit,
 * DB_PAGE_BYTES), and whether more follow. */
enum db_rc db_page_fetch(struct db *db, const struct db_sql *q, struct db_arg *args, size_t k,
			 const struct db_page *pg, struct arena *a, db_row_fn fn, size_t size,
			 void **out, size_t *n, bool *more);
/* The rows of a cursor feed page (the v2 inbox and outbox; column 0 is
 * the id, settled_col is 1 once the row is old enough that every smaller
 * id has committed).  after >= 0 (a cursor, oldest first): the rows up to
 * the first unsettled one, *next the last id given (or after).  after < 0
 * (newest first): every row, *next the newest settled id, -1 if none. */
void *db_feed_rows(const struct db_res *res, size_t settled_col, long long after, db_row_fn fn,
		   size_t size, size_t *n, long long *next);
/* rc, or DB_NOTFOUND when an UPDATE or DELETE that succeeded matched no
 * row (the connection counts matched rows, changed or not). */
enum db_rc db_matched(enum db_rc rc, const struct db_res *res);

/* Run fn(db, ctx) inside one transaction.  fn returns DB_OK to commit,
 * anything else to roll back; DB_RETRY from fn (passed up from db_exec)
 * reruns it once on a fresh connection.  Returns fn's result, or
 * DB_UNAVAILABLE. */
typedef enum db_rc (*db_txn_fn)(struct db *db, void *ctx);
enum db_rc db_txn(struct db *db, db_txn_fn fn, void *ctx);

/* Check the connection (reconnecting if needed): DB_OK or DB_UNAVAILABLE. */
enum db_rc db_ping(struct db *db);

/* How many 1213s (deadlocks; on Galera also certification failures) this
 * handle has met since it was opened, rerun or not. */
long long db_conflicts(const struct db *db);

/* Run SQL text that is not a prepared statement, several statements
 * allowed: for migrations only, never with data from a request. */
enum db_rc db_script(struct db *db, const char *sql, char *err, size_t errlen);

#endif
