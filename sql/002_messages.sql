-- 002 messages: inbound and outbound SMS, delivery status history, the
-- push outbox (client webhooks and acknowledgement SMS, drained by
-- ibiki-dispatch) and idempotency keys.  Forward-only, safe to run twice.

-- Inbound SMS, from Twilio or Extreme.  (provider, provider_message_id) is
-- unique: a webhook delivered twice is stored once.  client_id is NULL when
-- no route matched.
CREATE TABLE IF NOT EXISTS incoming_messages (
	id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	provider            ENUM('twilio','extreme') NOT NULL,
	provider_message_id VARCHAR(64) NOT NULL,
	client_id           BIGINT UNSIGNED NULL,
	from_number         VARCHAR(32) NOT NULL,
	to_number           VARCHAR(32) NOT NULL,
	body                TEXT NOT NULL,
	num_media           INT NOT NULL DEFAULT 0,
	usemodem            INT NULL,
	port                INT NULL,
	is_registered       TINYINT(1) NOT NULL DEFAULT 0,
	response_sent       TINYINT(1) NOT NULL DEFAULT 0,
	provider_timestamp  VARCHAR(40) NULL,
	received_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	read_at             DATETIME(3) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_incoming_provider_id (provider, provider_message_id),
	KEY ix_incoming_client (client_id, id),
	KEY ix_incoming_client_from (client_id, from_number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Outbound SMS.  status never moves backwards: status_rank holds the
-- highest rank seen (queued 0, sending 1, sent 2, delivered / undelivered /
-- failed 3, read 4) and updates only raise it.
CREATE TABLE IF NOT EXISTS outgoing_messages (
	id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id           BIGINT UNSIGNED NOT NULL,
	provider            ENUM('twilio','extreme') NOT NULL,
	to_number           VARCHAR(32) NOT NULL,
	from_number         VARCHAR(32) NULL,
	usemodem            INT NULL,
	port                INT NULL,
	body                TEXT NOT NULL,
	segments            INT NOT NULL,
	encoding            ENUM('GSM-7','UCS-2') NOT NULL,
	sent_by             ENUM('operator','admin','key','system') NOT NULL,
	operator_id         VARCHAR(64) NULL,
	operator_name       VARCHAR(200) NULL,
	api_key_id          BIGINT UNSIGNED NULL,
	in_reply_to         BIGINT UNSIGNED NULL,
	status              ENUM('queued','sent','delivered','undelivered','failed') NOT NULL DEFAULT 'queued',
	status_rank         TINYINT NOT NULL DEFAULT 0,
	provider_message_id VARCHAR(64) NULL,
	error_code          VARCHAR(32) NULL,
	error_message       VARCHAR(1024) NULL,
	queued_at           DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	sent_at             DATETIME(3) NULL,
	updated_at          DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	UNIQUE KEY uq_outgoing_provider_id (provider, provider_message_id),
	KEY ix_outgoing_client (client_id, id),
	KEY ix_outgoing_client_to (client_id, to_number, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every delivery status callback, kept (also for unknown message ids).
CREATE TABLE IF NOT EXISTS message_status_events (
	id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	provider            ENUM('twilio','extreme') NOT NULL,
	provider_message_id VARCHAR(64) NOT NULL,
	outgoing_id         BIGINT UNSIGNED NULL,
	status              VARCHAR(32) NOT NULL,
	error_code          VARCHAR(32) NULL,
	received_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	KEY ix_status_event_message (provider, provider_message_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per job for ibiki-dispatch: a client webhook delivery or an
-- acknowledgement SMS.  event_id is stable across retries (webhook-id).
-- (kind, incoming_id) is unique: one push and one acknowledgement per
-- inbound message, however often the provider redelivers it.  A claimed
-- row's next_attempt_at is its lease end, so rows of a killed dispatcher
-- come due again by themselves; the claim reads only ix_outbox_due.
CREATE TABLE IF NOT EXISTS push_outbox (
	id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	event_id         VARCHAR(40) NOT NULL,
	kind             ENUM('webhook','ack_sms') NOT NULL,
	client_id        BIGINT UNSIGNED NULL,
	incoming_id      BIGINT UNSIGNED NULL,
	payload          MEDIUMTEXT NOT NULL,
	status           ENUM('pending','delivered','dead') NOT NULL DEFAULT 'pending',
	attempts         INT NOT NULL DEFAULT 0,
	next_attempt_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	lease_owner      VARCHAR(64) NULL,
	last_http_status INT NULL,
	last_error       VARCHAR(512) NULL,
	created_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	updated_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
	finished_at      DATETIME(3) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_outbox_event (event_id),
	UNIQUE KEY uq_outbox_job (kind, incoming_id),
	KEY ix_outbox_due (status, next_attempt_at, id),
	KEY ix_outbox_client (client_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Idempotency-Key: the first answer to a (client, caller, endpoint, key),
-- replayed for 24 hours.  status_code NULL: the first request is still in
-- progress.
CREATE TABLE IF NOT EXISTS idempotency_keys (
	id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id    BIGINT UNSIGNED NOT NULL,
	scope        VARCHAR(128) NOT NULL,
	idem_key     VARCHAR(255) NOT NULL,
	request_hash BINARY(32) NOT NULL,
	status_code  INT NULL,
	response     MEDIUMTEXT NULL,
	created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	UNIQUE KEY uq_idempotency (client_id, scope, idem_key),
	KEY ix_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
