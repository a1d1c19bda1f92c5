/*
 * Health and metrics.
 *
 * GET /health: 200 {status:"healthy", timestamp, database:"connected",
 * twilio, extreme} after a round trip to MariaDB (reconnecting if the
 * connection was lost); 503 with status "unhealthy" and database
 * "disconnected" when it cannot be reached.  Public: it reveals only
 * whether upstreams are configured.
 *
 * GET /metrics: Prometheus text from the processes' own counters: the
 * workers' requests by route and status and their durations (shared by
 * both pools, lib/metrics.h), the dispatchers' sends and deliveries (their
 * counter file, [push] metrics_file), and two bounded database reads:
 * whether MariaDB answers and the outbox's lag.  No scrape scans a table.
 * nginx serves it to loopback only.
 */
#include "ep/ep_health.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/db_metrics.h"
#include "ep/routes.h"
#include "lib/metrics.h"
#include "lib/timeutil.h"

static const char *configured(const char *a, const char *b)
{
	return (a && *a && b && *b) ? "configured" : "not_configured";
}

static enum status health(struct req *r)
{
	const struct config *c = r->cfg;
	const char *tw = configured(c->twilio.account_sid, c->twilio.auth_token);
	const char *ex = configured(c->extreme.api_base, c->extreme.api_key);
	struct jsonw *w = &r->w;
	char ts[32];

	timeutil_iso_now(ts, sizeof(ts));
	if (db_ping(r->db) != DB_OK) {
		req_err_member(r, "status", "unhealthy");
		req_err_member(r, "timestamp", arena_strdup(r->a, ts));
		req_err_member(r, "database", "disconnected");
		req_err_member(r, "twilio", tw);
		req_err_member(r, "extreme", ex);
		return req_fail(r, ST_UNAVAILABLE, "database_unavailable",
				"The database is unreachable");
	}
	jsonw_obj(w);
	jsonw_kstr(w, "status", "healthy");
	jsonw_kstr(w, "timestamp", ts);
	jsonw_kstr(w, "database", "connected");
	jsonw_kstr(w, "twilio", tw);
	jsonw_kstr(w, "extreme", ex);
	jsonw_obj_end(w);
	return ST_OK;
}

const struct endpoint ep_health_get = ENDPOINT_NOFIELDS(health);

/* The labels of a request slot: the route's pattern and method. */
static const char *route_label(size_t i, const char **method)
{
	if (i >= routes_count) {
		*method = "";
		return "unmatched";
	}
	*method = req_method_name(routes_table[i].method);
	return routes_table[i].pattern;
}

static const char *status_label(size_t s)
{
	static char names[ST__MAX][8];

	if (s >= ST__MAX)
		return "";
	if (names[s][0] == '\0')
		snprintf(names[s], sizeof(names[s]), "%d", status_code((enum status)s));
	return names[s];
}

/* The dispatchers' counter file, as it is (absent before their first run). */
static void dispatch_counters(struct buf *b, const char *file)
{
	char chunk[4096];
	size_t k;
	FILE *f = file && *file ? fopen(file, "r") : NULL;

	if (f == NULL)
		return;
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, k) < 0)
			break;
	fclose(f);
}

static enum status metrics(struct req *r)
{
	struct buf *b = r->out;
	struct db_gauge *g;
	size_t i, n = 0;
	int up = db_ping(r->db) == DB_OK;

	b->len = 0;
	r->out_type = "text/plain; version=0.0.4; charset=utf-8";
	buf_printf(b,
		   "# HELP ibiki_database_up Whether MariaDB answered.\n"
		   "# TYPE ibiki_database_up gauge\nibiki_database_up %d\n",
		   up);
	if (up && db_metrics_gauges(r->db, r->a, &g, &n) != DB_OK)
		n = 0;
	for (i = 0; i < n; i++)
		if (g[i].ok)
			buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", g[i].name,
				   g[i].help, g[i].name, g[i].name, g[i].value);
	metrics_render(b, route_label, status_label);
	dispatch_counters(b, r->cfg->push.metrics_file);
	return ST_OK;
}

const struct endpoint ep_health_metrics = ENDPOINT_NOFIELDS(metrics);
