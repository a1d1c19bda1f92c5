/*
 * Inside the database layer: reading a statement's result rows into the
 * caller's arena (db_fetch.c), and the classification of MariaDB's error
 * numbers that db.c and db_fetch.c share.  Not for use outside db/.
 */
#ifndef IBIKI_DB_FETCH_H
#define IBIKI_DB_FETCH_H

#include <mysql.h>
#include <stdbool.h>

#include "db/db.h"

/* A server or client error number as our result (0: DB_OK). */
enum db_rc db_fetch_classify(unsigned int err);
/* Whether an error means the connection itself is gone. */
bool db_fetch_conn_lost(unsigned int err);

/* Store and copy st's rows (of metadata meta) into res, on res->a, up to
 * res->max_bytes of text (res->truncated then).  The statement's result is
 * freed on every path.  DB_OK, or the failure (DB_ERROR, DB_RETRY...). */
enum db_rc db_fetch_rows(MYSQL_STMT *st, MYSQL_RES *meta, struct db_res *res);

#endif
