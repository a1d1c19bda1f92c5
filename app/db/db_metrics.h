/*
 * Gauges for /metrics read from the tables by bounded index lookups (the
 * outbox's lag).  Owns no table.
 */
#ifndef IBIKI_DB_METRICS_H
#define IBIKI_DB_METRICS_H

#include <stdbool.h>

#include "db/db.h"

struct db_gauge {
	const char *name; /* Prometheus name */
	const char *help;
	long long value;
	bool ok; /* read; a gauge the database did not answer is left out */
};

/* Read every gauge into a new array on a (never NULL); *n is its length.
 * DB_OK, or DB_UNAVAILABLE when the database cannot be reached (no gauge
 * is ok then). */
enum db_rc db_metrics_gauges(struct db *db, struct arena *a, struct db_gauge **out, size_t *n);

#endif
