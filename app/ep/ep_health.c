/*
 * Health and metrics.
 *
 * GET /health: 200 {status:"healthy", timestamp, database:"connected",
 * twilio, extreme} after a round trip to MariaDB (reconnecting if the
 * connection was lost); 503 with status "unhealthy" and database
 * "disconnected" when it cannot be reached.  Public: it reveals only
 * whether upstreams are configured.
 *
 * GET /metrics: Prometheus text, counted from the database (workers keep
 * no state).  nginx serves it to loopback only.
 */
#include "ep/ep_health.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/db_metrics.h"
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
	return ST_OK;
}

const struct endpoint ep_health_metrics = ENDPOINT_NOFIELDS(metrics);
