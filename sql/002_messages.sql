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
-- acknowledgement SMS of the inbound message incoming_id.  The job carries
-- no payload: the dispatcher builds it from the stored message with the
-- inbox's own serializer, so a push shows exactly what the inbox shows.
-- event_id is stable across retries (webhook-id).
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

-- Store one inbound message in one round trip (tools/bench: six prepared
-- statements per message cost MariaDB three times the CPU).  In one
-- transaction: route it (Twilio by number; Extreme by usemodem and port,
-- else by number), note whether the sender is an active user of that
-- client, insert it, and queue its jobs -- the acknowledgement SMS (Twilio,
-- registered sender) and the push (mode push or both, webhook set).  A
-- MessageSid seen before (duplicate key) rolls back and returns the stored
-- row with duplicate = 1.  Other errors roll back and are re-raised, so
-- the caller sees deadlocks and lost connections and reruns the call.
-- received_at is the database's clock when the row is inserted
-- (SYSDATE, not the statement's start), which the v2 inbox cursor relies
-- on (db_incoming.c).  Returns one row: id, duplicate, client_id,
-- is_registered, response_sent, ack_queued, push_queued.
DROP PROCEDURE IF EXISTS ibiki_store_inbound;
CREATE PROCEDURE ibiki_store_inbound(
	IN p_provider VARCHAR(8), IN p_pid VARCHAR(64), IN p_from VARCHAR(32),
	IN p_to VARCHAR(32), IN p_body TEXT, IN p_media INT, IN p_modem INT, IN p_port INT,
	IN p_pts VARCHAR(40), IN p_evt_ack VARCHAR(40), IN p_evt_push VARCHAR(40))
MODIFIES SQL DATA
BEGIN
	DECLARE v_client BIGINT UNSIGNED DEFAULT NULL;
	DECLARE v_mode VARCHAR(8) DEFAULT 'poll';
	DECLARE v_hook TINYINT DEFAULT 0;
	DECLARE v_active TINYINT DEFAULT 0;
	DECLARE v_reg TINYINT DEFAULT 0;
	DECLARE v_ack TINYINT DEFAULT 0;
	DECLARE v_push TINYINT DEFAULT 0;
	DECLARE v_id BIGINT UNSIGNED;
	DECLARE EXIT HANDLER FOR 1062
	BEGIN
		ROLLBACK;
		SELECT id, 1, client_id, is_registered, response_sent, 0, 0
		FROM incoming_messages WHERE provider = p_provider AND provider_message_id = p_pid;
	END;
	DECLARE EXIT HANDLER FOR SQLEXCEPTION
	BEGIN
		ROLLBACK;
		RESIGNAL;
	END;
	-- A route lookup that finds nothing leaves the defaults (unrouted).
	DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;

	START TRANSACTION;
	IF p_provider = 'twilio' THEN
		SELECT r.client_id, c.delivery_mode, COALESCE(c.webhook_url <> '', 0),
		       COALESCE(u.status = 'active', 0)
		INTO v_client, v_mode, v_hook, v_active
		FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
		LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
		WHERE r.provider = 'twilio' AND r.number = p_to AND c.status = 'active';
	ELSE
		SELECT r.client_id, c.delivery_mode, COALESCE(c.webhook_url <> '', 0),
		       COALESCE(u.status = 'active', 0)
		INTO v_client, v_mode, v_hook, v_active
		FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
		LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
		WHERE r.provider = 'extreme' AND r.usemodem = p_modem AND r.port = p_port
		  AND c.status = 'active';
		IF v_client IS NULL AND p_to IS NOT NULL THEN
			SELECT r.client_id, c.delivery_mode, COALESCE(c.webhook_url <> '', 0),
			       COALESCE(u.status = 'active', 0)
			INTO v_client, v_mode, v_hook, v_active
			FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
			LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
			WHERE r.provider = 'extreme' AND r.number = p_to AND c.status = 'active';
		END IF;
	END IF;
	SET v_reg = v_client IS NOT NULL AND v_active;
	SET v_ack = v_reg AND p_provider = 'twilio';
	SET v_push = v_client IS NOT NULL AND v_hook AND v_mode <> 'poll';

	INSERT INTO incoming_messages (provider, provider_message_id, client_id, from_number,
		to_number, body, num_media, usemodem, port, is_registered, response_sent,
		provider_timestamp, received_at)
	VALUES (p_provider, p_pid, v_client, p_from, p_to, p_body, p_media, p_modem, p_port,
		v_reg, v_ack, p_pts, SYSDATE(3));
	SET v_id = LAST_INSERT_ID();
	IF v_ack THEN
		INSERT INTO push_outbox (event_id, kind, client_id, incoming_id)
		VALUES (p_evt_ack, 'ack_sms', v_client, v_id);
	END IF;
	IF v_push THEN
		INSERT INTO push_outbox (event_id, kind, client_id, incoming_id)
		VALUES (p_evt_push, 'webhook', v_client, v_id);
	END IF;
	COMMIT;
	SELECT v_id, 0, v_client, v_reg, v_ack, v_ack, v_push;
END;
