-- 007 retention and erasure: what `ibikictl purge` and `ibikictl erase`
-- need.  Forward-only, safe to run twice.
--
-- Deleting a message keeps what depends on it true, by triggers in the
-- deleting transaction: its conversation's counts (the conversation goes
-- when its last message goes, and its last message is found again when
-- that one is deleted), an outgoing message's status history; deleting an
-- outbox job deletes its attempts.

-- Who was erased, when, by whom, and how much: the phone number itself is
-- not kept (its SHA-256, to answer "was this number erased?").
CREATE TABLE IF NOT EXISTS erasures (
	id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id    BIGINT UNSIGNED NOT NULL,
	phone_sha256 CHAR(64) NOT NULL,
	incoming     INT NOT NULL,
	outgoing     INT NOT NULL,
	users        INT NOT NULL,
	actor        VARCHAR(200) NOT NULL,
	note         VARCHAR(500) NULL,
	erased_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	KEY ix_erasures_phone (client_id, phone_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The erasure of one outgoing message's provider callbacks.
ALTER TABLE message_status_events ADD KEY IF NOT EXISTS ix_status_event_outgoing (outgoing_id);
-- The purge, oldest first, on each table's time (the times only grow, so
-- these indexes are appended to, not written at random).
ALTER TABLE incoming_messages ADD KEY IF NOT EXISTS ix_incoming_received (received_at);
ALTER TABLE outgoing_messages ADD KEY IF NOT EXISTS ix_outgoing_queued (queued_at);
ALTER TABLE push_outbox ADD KEY IF NOT EXISTS ix_outbox_finished (finished_at);
ALTER TABLE message_status_events ADD KEY IF NOT EXISTS ix_status_event_received (received_at);
ALTER TABLE outgoing_status_history ADD KEY IF NOT EXISTS ix_history_at (at);
ALTER TABLE push_attempts ADD KEY IF NOT EXISTS ix_attempt_started (started_at);

-- One message out of its conversation.
DROP PROCEDURE IF EXISTS ibiki_conversation_remove;
CREATE PROCEDURE ibiki_conversation_remove(
	IN p_client BIGINT UNSIGNED, IN p_phone VARCHAR(32), IN p_dir VARCHAR(3),
	IN p_id BIGINT UNSIGNED, IN p_unread INT)
MODIFIES SQL DATA
BEGIN
	DECLARE v_left INT DEFAULT NULL;
	DECLARE v_last TINYINT DEFAULT 0;
	DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;

	SELECT messages - 1, last_direction = p_dir AND last_message_id = p_id
	INTO v_left, v_last
	FROM conversations WHERE client_id = p_client AND phone = p_phone FOR UPDATE;
	IF v_left IS NULL THEN
		SET v_left = NULL; -- no summary (an unrouted message)
	ELSEIF v_left <= 0 THEN
		DELETE FROM conversations WHERE client_id = p_client AND phone = p_phone;
	ELSE
		UPDATE conversations SET messages = v_left, unread = GREATEST(unread - p_unread, 0)
		WHERE client_id = p_client AND phone = p_phone;
		IF v_last THEN
			-- The newest message left, of both directions, in the thread's order.
			UPDATE conversations c JOIN (
				SELECT * FROM (
					(SELECT 'in' AS dir, body, provider, received_at AS at, id
					 FROM incoming_messages FORCE INDEX (ix_incoming_thread)
					 WHERE client_id = p_client AND from_number = p_phone
					 ORDER BY received_at DESC, id DESC LIMIT 1)
					UNION ALL
					(SELECT 'out', body, provider, queued_at, id
					 FROM outgoing_messages FORCE INDEX (ix_outgoing_thread)
					 WHERE client_id = p_client AND to_number = p_phone
					 ORDER BY queued_at DESC, id DESC LIMIT 1)
				) t ORDER BY at DESC, id DESC, dir DESC LIMIT 1
			) n
			SET c.last_direction = n.dir, c.last_body = n.body, c.last_provider = n.provider,
			    c.last_at = n.at, c.last_message_id = n.id
			WHERE c.client_id = p_client AND c.phone = p_phone;
		END IF;
	END IF;
END;

DROP TRIGGER IF EXISTS tr_incoming_gone;
CREATE TRIGGER tr_incoming_gone AFTER DELETE ON incoming_messages FOR EACH ROW
	IF OLD.client_id IS NOT NULL THEN
		CALL ibiki_conversation_remove(OLD.client_id, OLD.from_number, 'in', OLD.id,
			OLD.read_at IS NULL);
	END IF;

DROP TRIGGER IF EXISTS tr_outgoing_gone;
CREATE TRIGGER tr_outgoing_gone AFTER DELETE ON outgoing_messages FOR EACH ROW
BEGIN
	DELETE FROM outgoing_status_history WHERE outgoing_id = OLD.id;
	CALL ibiki_conversation_remove(OLD.client_id, OLD.to_number, 'out', OLD.id, 0);
END;

DROP TRIGGER IF EXISTS tr_outbox_gone;
CREATE TRIGGER tr_outbox_gone AFTER DELETE ON push_outbox FOR EACH ROW
	DELETE FROM push_attempts WHERE outbox_id = OLD.id;
