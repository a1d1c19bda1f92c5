-- 005 outbound: every SMS is sent by ibiki-dispatch (an outgoing row and an
-- outbox job, written together), at most once to the provider, throttled
-- per route, with its status history and the sms.status events of clients
-- that asked for them.  Forward-only, safe to run twice.

-- Job kinds: 'sms' sends an outgoing row, 'status' pushes one status change
-- of an outgoing message to the client (sms.status).
ALTER TABLE push_outbox MODIFY kind ENUM('webhook','ack_sms','sms','status') NOT NULL;
-- settled: how many attempts have a recorded outcome.  A claim that finds
-- attempts > settled knows an earlier attempt ended without one (its
-- dispatcher died with the request in flight): an SMS job then moves to
-- phase 'reconcile' -- the provider is asked whether it has the message --
-- instead of being sent again.  resent: the one send after a reconcile
-- that found nothing has been made.  history_id: the status change a
-- 'status' job reports.
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS settled INT NOT NULL DEFAULT 0;
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS phase ENUM('send','reconcile') NOT NULL DEFAULT 'send';
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS reconcile_until DATETIME(3) NULL;
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS resent TINYINT NOT NULL DEFAULT 0;
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS history_id BIGINT UNSIGNED NULL;
ALTER TABLE push_outbox ADD KEY IF NOT EXISTS ix_outbox_outgoing (outgoing_id, kind, status, id);
-- One sending job per outgoing message, whoever queues it (the sweeper
-- included).
ALTER TABLE push_outbox ADD COLUMN IF NOT EXISTS send_of BIGINT UNSIGNED
	AS (IF(kind IN ('sms', 'ack_sms'), outgoing_id, NULL)) PERSISTENT;
ALTER TABLE push_outbox ADD UNIQUE KEY IF NOT EXISTS uq_outbox_send (send_of);

-- The route a message goes out by (its throttle), when it was delivered.
ALTER TABLE outgoing_messages ADD COLUMN IF NOT EXISTS route_id BIGINT UNSIGNED NULL;
ALTER TABLE outgoing_messages ADD COLUMN IF NOT EXISTS delivered_at DATETIME(3) NULL;
-- The sweeper's range (queued rows past stale_after_s) and the v2 outbox's
-- status filter.
ALTER TABLE outgoing_messages ADD KEY IF NOT EXISTS ix_outgoing_stale (status, queued_at);
ALTER TABLE outgoing_messages ADD KEY IF NOT EXISTS ix_outgoing_client_status (client_id, status, id);

-- Per-route throttle: mps (whole messages per second) NULL takes
-- [upstream] default_mps, 0 is unthrottled.  next_send_at is the earliest time the route may send again,
-- shared by every dispatcher (a reservation is one guarded UPDATE); a 429
-- from the provider pushes it back.
ALTER TABLE client_routes ADD COLUMN IF NOT EXISTS mps INT NULL;
ALTER TABLE client_routes ADD COLUMN IF NOT EXISTS next_send_at DATETIME(6) NULL;

-- The events a client's webhook receives.
ALTER TABLE client_profiles ADD COLUMN IF NOT EXISTS webhook_events SET('sms.received','sms.status')
	NOT NULL DEFAULT 'sms.received';

-- Every status an outgoing message took, in order (queued first).
CREATE TABLE IF NOT EXISTS outgoing_status_history (
	id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	outgoing_id BIGINT UNSIGNED NOT NULL,
	status      ENUM('queued','sent','delivered','undelivered','failed') NOT NULL,
	at          DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	KEY ix_history_outgoing (outgoing_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The history and the events are written by triggers, in the transaction
-- that changes the status, whichever statement does it: one history row per
-- transition and, for a client in push or both mode with sms.status among
-- its events and a webhook set, one 'status' job (the initial queued is not
-- an event).
DROP TRIGGER IF EXISTS tr_outgoing_queued;
CREATE TRIGGER tr_outgoing_queued AFTER INSERT ON outgoing_messages FOR EACH ROW
	INSERT INTO outgoing_status_history (outgoing_id, status, at)
	VALUES (NEW.id, NEW.status, NEW.queued_at);

DROP TRIGGER IF EXISTS tr_outgoing_status;
CREATE TRIGGER tr_outgoing_status AFTER UPDATE ON outgoing_messages FOR EACH ROW
BEGIN
	DECLARE v_history BIGINT UNSIGNED;
	IF NEW.status <> OLD.status THEN
		INSERT INTO outgoing_status_history (outgoing_id, status) VALUES (NEW.id, NEW.status);
		SET v_history = LAST_INSERT_ID();
		INSERT INTO push_outbox (event_id, kind, client_id, outgoing_id, history_id)
		SELECT CONCAT('evt_', LEFT(SHA2(CONCAT(UUID(), RAND(), NEW.id), 256), 24)), 'status',
		       c.id, NEW.id, v_history
		FROM client_profiles c
		WHERE c.id = NEW.client_id AND c.delivery_mode <> 'poll'
		  AND COALESCE(c.webhook_url, '') <> '' AND FIND_IN_SET('sms.status', c.webhook_events);
	END IF;
END;

-- sms.received only for clients that keep it among their events.
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
		SELECT r.client_id, c.delivery_mode,
		       COALESCE(c.webhook_url <> '', 0) AND FIND_IN_SET('sms.received', c.webhook_events),
		       COALESCE(u.status = 'active', 0)
		INTO v_client, v_mode, v_hook, v_active
		FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
		LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
		WHERE r.provider = 'twilio' AND r.number = p_to AND c.status = 'active';
	ELSE
		SELECT r.client_id, c.delivery_mode,
		       COALESCE(c.webhook_url <> '', 0) AND FIND_IN_SET('sms.received', c.webhook_events),
		       COALESCE(u.status = 'active', 0)
		INTO v_client, v_mode, v_hook, v_active
		FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
		LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
		WHERE r.provider = 'extreme' AND r.usemodem = p_modem AND r.port = p_port
		  AND c.status = 'active';
		IF v_client IS NULL AND p_to IS NOT NULL THEN
			SELECT r.client_id, c.delivery_mode,
			       COALESCE(c.webhook_url <> '', 0) AND FIND_IN_SET('sms.received', c.webhook_events),
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
