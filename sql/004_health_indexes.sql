-- 004 health indexes: a client's delivery health (GET /api/v2/webhooks/status,
-- GET /api/admin/clients/{id}) reads index ranges, not every outbox row the
-- client ever had.  Forward-only, safe to run twice.

-- Pending count, dead / delivered counts over the last 24 hours, and the
-- last delivery or death (a backward step).  One index only: each one on
-- push_outbox costs ingest and the dispatcher (tools/bench).
ALTER TABLE push_outbox ADD KEY IF NOT EXISTS ix_outbox_health (client_id, kind, status, finished_at);
