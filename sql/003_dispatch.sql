-- 003 dispatch: what ibiki-dispatch needs besides push_outbox.  Forward-only,
-- safe to run twice (columns are added only if missing).

-- Every delivery attempt, kept: when, how long, the HTTP status or the
-- error, and the first bytes of the answer.
CREATE TABLE IF NOT EXISTS push_attempts (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	outbox_id     BIGINT UNSIGNED NOT NULL,
	attempt       INT NOT NULL,
	started_at    DATETIME(3) NOT NULL,
	duration_ms   INT NOT NULL,
	http_status   INT NULL,
	outcome       ENUM('delivered','failed','blocked','timeout','deferred') NOT NULL,
	error         VARCHAR(512) NULL,
	response_head VARCHAR(512) NULL,
	PRIMARY KEY (id),
	KEY ix_attempt_outbox (outbox_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The acknowledgement SMS a job sent (or is sending): its outgoing row.
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS outgoing_id BIGINT UNSIGNED NULL;

-- A client's endpoint answered 410 Gone: no more attempts until the
-- webhook is registered again.
ALTER TABLE client_profiles ADD COLUMN IF NOT EXISTS webhook_disabled_at DATETIME(3) NULL;
