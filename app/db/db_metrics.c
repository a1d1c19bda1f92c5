/*
 * The gauges /metrics shows, each one COUNT(*) statement over a table.
 * Each costs a scan of what it counts.
 */
#include "db/db_metrics.h"

static const struct {
	const char *name;
	const char *help;
	struct db_sql q; /* one integer */
} gauges[] = {
	{"ibiki_clients",
	 "Clients, by any status.",
	 {"metrics_clients", "SELECT COUNT(*) FROM client_profiles"}},
	{"ibiki_api_keys_active",
	 "API keys not revoked.",
	 {"metrics_keys", "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL"}},
	{"ibiki_inbound_messages",
	 "Inbound messages stored.",
	 {"metrics_inbound", "SELECT COUNT(*) FROM incoming_messages"}},
	{"ibiki_inbound_unrouted",
	 "Inbound messages that matched no route.",
	 {"metrics_unrouted", "SELECT COUNT(*) FROM incoming_messages WHERE client_id IS NULL"}},
	{"ibiki_outbound_failed",
	 "Outbound messages that failed.",
	 {"metrics_out_failed", "SELECT COUNT(*) FROM outgoing_messages WHERE status = 'failed'"}},
	{"ibiki_outbox_pending",
	 "Push and acknowledgement jobs waiting.",
	 {"metrics_outbox_pending", "SELECT COUNT(*) FROM push_outbox WHERE status = 'pending'"}},
	{"ibiki_outbox_dead",
	 "Push and acknowledgement jobs given up.",
	 {"metrics_outbox_dead", "SELECT COUNT(*) FROM push_outbox WHERE status = 'dead'"}},
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
