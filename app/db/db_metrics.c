/*
 * The gauges /metrics reads from the database: each one a bounded index
 * lookup, never a scan (the counts are the processes' own counters,
 * lib/metrics.h).
 */
#include "db/db_metrics.h"

static const struct {
	const char *name;
	const char *help;
	struct db_sql q; /* one integer */
} gauges[] = {
	/* The first due job on ix_outbox_due (status, next_attempt_at). */
	{"ibiki_outbox_lag_seconds",
	 "Age of the oldest outbox job that is due and not yet done (0: none is due).",
	 {"metrics_outbox_lag",
	  "SELECT COALESCE(TIMESTAMPDIFF(SECOND, MIN(next_attempt_at), NOW(3)), 0)"
	  " FROM push_outbox WHERE status = 'pending' AND next_attempt_at <= NOW(3)"}},
};

#define NGAUGES (sizeof(gauges) / sizeof(gauges[0]))

enum db_rc db_metrics_gauges(struct db *db, struct arena *a, struct db_gauge **out, size_t *n)
{
	struct db_gauge *g = arena_alloc(a, NGAUGES * sizeof(*g));
	size_t i;

	*out = g;
	*n = NGAUGES;
	for (i = 0; i < NGAUGES; i++) {
		struct db_res res = {.a = a};
		enum db_rc rc = db_exec(db, &gauges[i].q, NULL, 0, &res);

		g[i].name = gauges[i].name;
		g[i].help = gauges[i].help;
		if (rc == DB_UNAVAILABLE)
			return rc;
		if (rc == DB_OK && res.nrows == 1) {
			g[i].value = DB_AT(&res, 0, 0)->i;
			g[i].ok = true;
		}
	}
	return DB_OK;
}
