-- 009 opt-out and media: one suppression list per client, across its
-- routes and both providers, with its history; the keyword and the media
-- of each inbound message.  Forward-only, safe to run twice.

-- The keyword of an inbound message (matched in C on the whole trimmed
-- body, svc/optout.c) and its media: one "url<TAB>content type" line per
-- item (validated in C: https, no whitespace or controls), NULL for none.
ALTER TABLE incoming_messages ADD COLUMN IF NOT EXISTS keyword ENUM('stop','start','help') NULL;
ALTER TABLE incoming_messages ADD COLUMN IF NOT EXISTS media TEXT NULL;

-- Every change of a number's state, in order: who or what set it (a
-- keyword texted over a provider, the provider refusing a send (Twilio
-- 21610), an admin), and, for an admin, the account and the note.  The
-- v2 optouts feed reads it by id (gap-free like the inbox: `at` is the
-- database clock at insert).
CREATE TABLE IF NOT EXISTS optout_events (
	id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id   BIGINT UNSIGNED NOT NULL,
	phone       VARCHAR(32) NOT NULL,
	opted_out   TINYINT(1) NOT NULL,
	keyword     VARCHAR(16) NULL,
	provider    ENUM('twilio','extreme') NULL,
	source      ENUM('keyword','provider','admin') NOT NULL,
	actor       VARCHAR(200) NULL,
	note        VARCHAR(500) NULL,
	incoming_id BIGINT UNSIGNED NULL,
	outgoing_id BIGINT UNSIGNED NULL,
	at          DATETIME(3) NOT NULL,
	PRIMARY KEY (id),
	KEY ix_optout_events_client (client_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The state now: one row per number that ever opted out (opted_out 0
-- once back in).  Every send path reads it by primary key; a send's
-- transaction reads it locking, so a send and the STOP that races it are
-- ordered by this row.
CREATE TABLE IF NOT EXISTS optouts (
	client_id  BIGINT UNSIGNED NOT NULL,
	phone      VARCHAR(32) NOT NULL,
	opted_out  TINYINT(1) NOT NULL,
	keyword    VARCHAR(16) NULL,
	provider   ENUM('twilio','extreme') NULL,
	source     ENUM('keyword','provider','admin') NOT NULL,
	changed_at DATETIME(3) NOT NULL,
	event_id   BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (client_id, phone),
	KEY ix_optouts_state (client_id, opted_out, phone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Set a number in or out.  Only a change is recorded (a second STOP
-- changes nothing); returns nothing, sets p_changed.  Runs inside the
-- caller's transaction.
DROP PROCEDURE IF EXISTS ibiki_optout_set;
CREATE PROCEDURE ibiki_optout_set(
	IN p_client BIGINT UNSIGNED, IN p_phone VARCHAR(32), IN p_out TINYINT,
	IN p_keyword VARCHAR(16), IN p_provider VARCHAR(8), IN p_source VARCHAR(8),
	IN p_actor VARCHAR(200), IN p_note VARCHAR(500), IN p_incoming BIGINT UNSIGNED,
	IN p_outgoing BIGINT UNSIGNED, OUT p_changed TINYINT)
MODIFIES SQL DATA
BEGIN
	DECLARE v_was TINYINT DEFAULT 0;
	DECLARE v_event BIGINT UNSIGNED;
	DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_was = 0;

	SELECT opted_out INTO v_was FROM optouts
	WHERE client_id = p_client AND phone = p_phone FOR UPDATE;
	SET p_changed = (v_was <> 0) <> (p_out <> 0);
	IF p_changed THEN
		INSERT INTO optout_events (client_id, phone, opted_out, keyword, provider, source,
			actor, note, incoming_id, outgoing_id, at)
		VALUES (p_client, p_phone, p_out, p_keyword, p_provider, p_source, p_actor, p_note,
			p_incoming, p_outgoing, SYSDATE(3));
		SET v_event = LAST_INSERT_ID();
		INSERT INTO optouts (client_id, phone, opted_out, keyword, provider, source,
			changed_at, event_id)
		VALUES (p_client, p_phone, p_out, p_keyword, p_provider, p_source, SYSDATE(3), v_event)
		ON DUPLICATE KEY UPDATE opted_out = VALUES(opted_out), keyword = VALUES(keyword),
			provider = VALUES(provider), source = VALUES(source),
			changed_at = VALUES(changed_at), event_id = VALUES(event_id);
	END IF;
END;

-- The ingest procedure of 005 with the keyword and the media:
--  - a stop or start keyword sets the sender in or out for the client it
--    routes to (registered or not), in the same transaction;
--  - no acknowledgement for a keyword, nor for a suppressed sender; a
--    keyword is answered instead when p_reply is set (the caller decides
--    from [optout]: Extreme, or Twilio with reply_via_twilio, and a
--    non-empty text): an ack_sms job the dispatcher builds from the
--    keyword.
-- A duplicate (1062 on the message) rolls the opt-out change back with
-- the rest: the first delivery made it.
-- The suppression is read by the routing SELECT itself: no statement is
-- added for a message that is not a keyword.
DROP PROCEDURE IF EXISTS ibiki_store_inbound;
CREATE PROCEDURE ibiki_store_inbound(
	IN p_provider VARCHAR(8), IN p_pid VARCHAR(64), IN p_from VARCHAR(32),
	IN p_to VARCHAR(32), IN p_body TEXT, IN p_media INT, IN p_media_list TEXT,
	IN p_modem INT, IN p_port INT, IN p_pts VARCHAR(40), IN p_keyword VARCHAR(8),
	IN p_word VARCHAR(16), IN p_reply TINYINT, IN p_evt_ack VARCHAR(40),
	IN p_evt_push VARCHAR(40))
MODIFIES SQL DATA
BEGIN
	DECLARE v_client BIGINT UNSIGNED DEFAULT NULL;
	DECLARE v_mode VARCHAR(8) DEFAULT 'poll';
	DECLARE v_hook TINYINT DEFAULT 0;
	DECLARE v_active TINYINT DEFAULT 0;
	DECLARE v_supp TINYINT DEFAULT 0;
	DECLARE v_reg TINYINT DEFAULT 0;
	DECLARE v_ack TINYINT DEFAULT 0;
	DECLARE v_push TINYINT DEFAULT 0;
	DECLARE v_changed TINYINT DEFAULT 0;
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
		       COALESCE(u.status = 'active', 0), COALESCE(s.opted_out, 0)
		INTO v_client, v_mode, v_hook, v_active, v_supp
		FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
		LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
		LEFT JOIN optouts s ON s.client_id = r.client_id AND s.phone = p_from
		WHERE r.provider = 'twilio' AND r.number = p_to AND c.status = 'active';
	ELSE
		SELECT r.client_id, c.delivery_mode,
		       COALESCE(c.webhook_url <> '', 0) AND FIND_IN_SET('sms.received', c.webhook_events),
		       COALESCE(u.status = 'active', 0), COALESCE(s.opted_out, 0)
		INTO v_client, v_mode, v_hook, v_active, v_supp
		FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
		LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
		LEFT JOIN optouts s ON s.client_id = r.client_id AND s.phone = p_from
		WHERE r.provider = 'extreme' AND r.usemodem = p_modem AND r.port = p_port
		  AND c.status = 'active';
		IF v_client IS NULL AND p_to IS NOT NULL THEN
			SELECT r.client_id, c.delivery_mode,
			       COALESCE(c.webhook_url <> '', 0) AND FIND_IN_SET('sms.received', c.webhook_events),
			       COALESCE(u.status = 'active', 0), COALESCE(s.opted_out, 0)
			INTO v_client, v_mode, v_hook, v_active, v_supp
			FROM client_routes r JOIN client_profiles c ON c.id = r.client_id
			LEFT JOIN users u ON u.client_id = r.client_id AND u.phone = p_from
			LEFT JOIN optouts s ON s.client_id = r.client_id AND s.phone = p_from
			WHERE r.provider = 'extreme' AND r.number = p_to AND c.status = 'active';
		END IF;
	END IF;
	SET v_reg = v_client IS NOT NULL AND v_active;
	IF v_client IS NOT NULL AND p_keyword IN ('stop', 'start') THEN
		CALL ibiki_optout_set(v_client, p_from, p_keyword = 'stop', p_word, p_provider,
			'keyword', NULL, NULL, NULL, NULL, v_changed);
	END IF;
	-- A STOP or START is answered when it changed the number's state (a
	-- second STOP, or a "Yes" from a subscribed number, is not), HELP
	-- always.
	IF p_keyword IS NULL THEN
		SET v_ack = v_reg AND p_provider = 'twilio' AND NOT v_supp;
	ELSE
		SET v_ack = v_client IS NOT NULL AND p_reply AND (p_keyword = 'help' OR v_changed);
	END IF;
	SET v_push = v_client IS NOT NULL AND v_hook AND v_mode <> 'poll';

	INSERT INTO incoming_messages (provider, provider_message_id, client_id, from_number,
		to_number, body, num_media, media, usemodem, port, is_registered, response_sent,
		provider_timestamp, keyword, received_at)
	VALUES (p_provider, p_pid, v_client, p_from, p_to, p_body, p_media, p_media_list, p_modem,
		p_port, v_reg, v_ack, p_pts, p_keyword, SYSDATE(3));
	SET v_id = LAST_INSERT_ID();
	IF v_changed THEN
		UPDATE optout_events e JOIN optouts s ON s.event_id = e.id
		SET e.incoming_id = v_id WHERE s.client_id = v_client AND s.phone = p_from;
	END IF;
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

-- ibiki_optout_set as a statement of its own, answering whether it
-- changed anything (the dispatcher on a 21610, an admin clearing a
-- number): the caller runs it in a transaction.
DROP PROCEDURE IF EXISTS ibiki_optout_change;
CREATE PROCEDURE ibiki_optout_change(
	IN p_client BIGINT UNSIGNED, IN p_phone VARCHAR(32), IN p_out TINYINT,
	IN p_keyword VARCHAR(16), IN p_provider VARCHAR(8), IN p_source VARCHAR(8),
	IN p_actor VARCHAR(200), IN p_note VARCHAR(500), IN p_outgoing BIGINT UNSIGNED)
MODIFIES SQL DATA
BEGIN
	DECLARE v_changed TINYINT DEFAULT 0;

	CALL ibiki_optout_set(p_client, p_phone, p_out, p_keyword, p_provider, p_source, p_actor,
		p_note, NULL, p_outgoing, v_changed);
	SELECT v_changed;
END;
