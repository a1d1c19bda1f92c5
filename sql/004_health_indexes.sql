-- 004 health indexes: a client's delivery health (GET /api/v2/webhooks/status,
-- GET /api/admin/clients/{id}) reads index ranges, not every outbox row the
-- client ever had.  Forward-only, safe to run twice.

-- Pending count, and dead / delivered counts over the last 24 hours.
ALTER TABLE push_outbox ADD KEY IF NOT EXISTS ix_outbox_health (client_id, kind, status, finished_at);

-- The last attempt that ended: read backwards from the newest update.
ALTER TABLE push_outbox ADD KEY IF NOT EXISTS ix_outbox_recent (client_id, kind, updated_at);
