-- 008 delivery health kept on write: how many of a client's webhook and
-- status jobs are delivered, and how many dead, per minute they finished
-- in.  GET /api/v2/webhooks/status and the admin client view read a day of
-- these rows (at most 1,440 per client) and, exactly, the jobs of the one
-- minute the day's edge falls in, where they counted a day of jobs before.
-- Forward-only, safe to run twice.
--
-- The counts are of states, not of events: a job counts in the minute of
-- its finished_at while it is delivered or dead, and stops counting when
-- it leaves that state (a redelivery, a purge, an erasure).  So the sum
-- over a range of minutes is always the COUNT(*) of those jobs, which
-- tests/integration/it_summary.c checks.
CREATE TABLE IF NOT EXISTS delivery_minutes (
	client_id BIGINT UNSIGNED NOT NULL,
	minute    DATETIME NOT NULL,
	delivered INT NOT NULL DEFAULT 0,
	dead      INT NOT NULL DEFAULT 0,
	PRIMARY KEY (client_id, minute),
	KEY ix_delivery_minute (minute)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One job's contribution, n = 1 or -1, when it is one that counts.
DROP PROCEDURE IF EXISTS ibiki_delivery_count;
CREATE PROCEDURE ibiki_delivery_count(
	IN p_client BIGINT UNSIGNED, IN p_kind VARCHAR(8), IN p_status VARCHAR(10),
	IN p_at DATETIME(3), IN p_n INT)
MODIFIES SQL DATA
IF p_client IS NOT NULL AND p_at IS NOT NULL AND p_kind IN ('webhook', 'status')
   AND p_status IN ('delivered', 'dead') THEN
	INSERT INTO delivery_minutes (client_id, minute, delivered, dead)
	VALUES (p_client, DATE_FORMAT(p_at, '%Y-%m-%d %H:%i:00'),
		IF(p_status = 'delivered', p_n, 0), IF(p_status = 'dead', p_n, 0))
	ON DUPLICATE KEY UPDATE delivered = delivered + VALUES(delivered),
		dead = dead + VALUES(dead);
END IF;

-- Inserts are pending on every path but a seed or a test's: the test is
-- inline, so ingest pays no procedure call.
DROP TRIGGER IF EXISTS tr_outbox_health_new;
CREATE TRIGGER tr_outbox_health_new AFTER INSERT ON push_outbox FOR EACH ROW
	IF NEW.finished_at IS NOT NULL THEN
		CALL ibiki_delivery_count(NEW.client_id, NEW.kind, NEW.status, NEW.finished_at, 1);
	END IF;

-- Claims and lease renewals change neither status nor finished_at.
DROP TRIGGER IF EXISTS tr_outbox_health;
CREATE TRIGGER tr_outbox_health AFTER UPDATE ON push_outbox FOR EACH ROW
	IF NOT (NEW.status <=> OLD.status AND NEW.finished_at <=> OLD.finished_at
		AND NEW.client_id <=> OLD.client_id AND NEW.kind <=> OLD.kind) THEN
		CALL ibiki_delivery_count(OLD.client_id, OLD.kind, OLD.status, OLD.finished_at, -1);
		CALL ibiki_delivery_count(NEW.client_id, NEW.kind, NEW.status, NEW.finished_at, 1);
	END IF;

DROP TRIGGER IF EXISTS tr_outbox_health_gone;
CREATE TRIGGER tr_outbox_health_gone AFTER DELETE ON push_outbox FOR EACH ROW
	IF OLD.finished_at IS NOT NULL THEN
		CALL ibiki_delivery_count(OLD.client_id, OLD.kind, OLD.status, OLD.finished_at, -1);
	END IF;

-- What finished before the triggers existed, over the two days a read can
-- still reach; set, not added, so a second run changes nothing.
INSERT INTO delivery_minutes (client_id, minute, delivered, dead)
SELECT client_id, DATE_FORMAT(finished_at, '%Y-%m-%d %H:%i:00'),
	SUM(status = 'delivered'), SUM(status = 'dead')
FROM push_outbox
WHERE kind IN ('webhook', 'status') AND status IN ('delivered', 'dead')
  AND client_id IS NOT NULL AND finished_at >= NOW() - INTERVAL 2 DAY
GROUP BY client_id, DATE_FORMAT(finished_at, '%Y-%m-%d %H:%i:00')
ON DUPLICATE KEY UPDATE delivered = VALUES(delivered), dead = VALUES(dead);
