-- 006 conversations: the web inbox reads a summary kept on write, not the
-- client's whole timeline.  One row per (client, phone): the last message
-- (direction, text, provider, time, id, the route it came or went by),
-- the unread inbound count and the message count of both directions.
-- Kept by triggers in the transaction of every insert of a message and of
-- every inbound message marked read, whichever statement does it (the
-- ingest procedure, the dispatcher's acknowledgements, a send): ingest
-- stays one round trip.  Forward-only, safe to run twice.
--
-- "Last" is the timeline's order: (time, id) descending, the time being
-- received_at for inbound and queued_at for outbound messages; a message
-- that commits after a later one (its time was taken earlier) does not
-- replace it.  The migration is run with the pools stopped (tools/stack up
-- does), so that no message is written between the backfill and the
-- triggers.

CREATE TABLE IF NOT EXISTS conversations (
	client_id       BIGINT UNSIGNED NOT NULL,
	phone           VARCHAR(32) NOT NULL,
	last_direction  ENUM('in','out') NOT NULL,
	last_body       TEXT NOT NULL,
	last_provider   ENUM('twilio','extreme') NOT NULL,
	last_at         DATETIME(3) NOT NULL,
	last_message_id BIGINT UNSIGNED NOT NULL,
	route_id        BIGINT UNSIGNED NULL,
	unread          INT NOT NULL DEFAULT 0,
	messages        INT NOT NULL DEFAULT 0,
	PRIMARY KEY (client_id, phone),
	KEY ix_conversations_recent (client_id, last_at, phone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A thread is read newest first by time, one page at a time, from each
-- table; its mark-read touches only the unread rows of one phone.
ALTER TABLE incoming_messages ADD KEY IF NOT EXISTS ix_incoming_thread (client_id, from_number, received_at, id);
ALTER TABLE outgoing_messages ADD KEY IF NOT EXISTS ix_outgoing_thread (client_id, to_number, queued_at, id);
ALTER TABLE incoming_messages ADD KEY IF NOT EXISTS ix_incoming_unread (client_id, from_number, read_at);
-- The operator lists' filters (see docs/operations.md, "Query plans").
ALTER TABLE outgoing_messages ADD KEY IF NOT EXISTS ix_outgoing_operator (client_id, operator_id, id);
ALTER TABLE incoming_messages ADD KEY IF NOT EXISTS ix_incoming_registered (client_id, is_registered, id);

-- One message into its conversation.  ON DUPLICATE KEY UPDATE assigns left
-- to right: every column that depends on "is this message the last one"
-- is set before last_message_id and last_at, which the test reads.
DROP PROCEDURE IF EXISTS ibiki_conversation_add;
CREATE PROCEDURE ibiki_conversation_add(
	IN p_client BIGINT UNSIGNED, IN p_phone VARCHAR(32), IN p_dir VARCHAR(3), IN p_body TEXT,
	IN p_provider VARCHAR(8), IN p_at DATETIME(3), IN p_id BIGINT UNSIGNED,
	IN p_route BIGINT UNSIGNED, IN p_unread INT)
MODIFIES SQL DATA
INSERT INTO conversations (client_id, phone, last_direction, last_body, last_provider, last_at,
	last_message_id, route_id, unread, messages)
VALUES (p_client, p_phone, p_dir, p_body, p_provider, p_at, p_id, p_route, p_unread, 1)
ON DUPLICATE KEY UPDATE
	last_direction = IF(p_at > last_at OR (p_at = last_at AND p_id > last_message_id), p_dir, last_direction),
	last_body = IF(p_at > last_at OR (p_at = last_at AND p_id > last_message_id), p_body, last_body),
	last_provider = IF(p_at > last_at OR (p_at = last_at AND p_id > last_message_id), p_provider, last_provider),
	route_id = IF(p_at > last_at OR (p_at = last_at AND p_id > last_message_id), p_route, route_id),
	last_message_id = IF(p_at > last_at OR (p_at = last_at AND p_id > last_message_id), p_id, last_message_id),
	last_at = GREATEST(last_at, p_at),
	unread = unread + p_unread,
	messages = messages + 1;

DROP TRIGGER IF EXISTS tr_incoming_conversation;
CREATE TRIGGER tr_incoming_conversation AFTER INSERT ON incoming_messages FOR EACH ROW
	IF NEW.client_id IS NOT NULL THEN
		CALL ibiki_conversation_add(NEW.client_id, NEW.from_number, 'in', NEW.body,
			NEW.provider, NEW.received_at, NEW.id,
			IF(NEW.provider = 'twilio',
			   (SELECT id FROM client_routes WHERE provider = 'twilio'
			    AND number = NEW.to_number AND client_id = NEW.client_id LIMIT 1),
			   COALESCE((SELECT id FROM client_routes WHERE provider = 'extreme'
			             AND usemodem = NEW.usemodem AND port = NEW.port
			             AND client_id = NEW.client_id LIMIT 1),
			            (SELECT id FROM client_routes WHERE provider = 'extreme'
			             AND number = NEW.to_number AND client_id = NEW.client_id LIMIT 1))),
			NEW.read_at IS NULL);
	END IF;

DROP TRIGGER IF EXISTS tr_incoming_read;
CREATE TRIGGER tr_incoming_read AFTER UPDATE ON incoming_messages FOR EACH ROW
	IF NEW.client_id IS NOT NULL AND (OLD.read_at IS NULL) <> (NEW.read_at IS NULL) THEN
		UPDATE conversations SET unread = unread + IF(NEW.read_at IS NULL, 1, -1)
		WHERE client_id = NEW.client_id AND phone = NEW.from_number;
	END IF;

DROP TRIGGER IF EXISTS tr_outgoing_conversation;
CREATE TRIGGER tr_outgoing_conversation AFTER INSERT ON outgoing_messages FOR EACH ROW
FOLLOWS tr_outgoing_queued
	CALL ibiki_conversation_add(NEW.client_id, NEW.to_number, 'out', NEW.body, NEW.provider,
		NEW.queued_at, NEW.id, NEW.route_id, 0);

-- What was there before: the summary of each conversation, from the
-- timeline (exact values: running this twice changes nothing).
INSERT INTO conversations (client_id, phone, last_direction, last_body, last_provider, last_at,
	last_message_id, route_id, unread, messages)
SELECT client_id, phone, direction, body, provider, at, id, route_id, unread_total, total
FROM (
	SELECT t.*, ROW_NUMBER() OVER (PARTITION BY client_id, phone ORDER BY at DESC, id DESC) AS rn,
	       SUM(unread) OVER (PARTITION BY client_id, phone) AS unread_total,
	       COUNT(*) OVER (PARTITION BY client_id, phone) AS total
	FROM (
		SELECT client_id, from_number AS phone, 'in' AS direction, body, provider,
		       received_at AS at, id, NULL AS route_id, read_at IS NULL AS unread
		FROM incoming_messages WHERE client_id IS NOT NULL
		UNION ALL
		SELECT client_id, to_number, 'out', body, provider, queued_at, id, route_id, 0
		FROM outgoing_messages
	) t
) w
WHERE rn = 1
ON DUPLICATE KEY UPDATE last_direction = VALUES(last_direction), last_body = VALUES(last_body),
	last_provider = VALUES(last_provider), last_at = VALUES(last_at),
	last_message_id = VALUES(last_message_id), route_id = VALUES(route_id),
	unread = VALUES(unread), messages = VALUES(messages);
