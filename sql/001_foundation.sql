-- 001 foundation: clients, their routes and API keys, accounts (admins and
-- operators), registered users.  Forward-only and safe to run twice.
-- Times are DATETIME(3) in UTC (every connection sets time_zone '+00:00').
-- Identifiers compare byte for byte (utf8mb4_bin); names sort and compare
-- the way people expect (utf8mb4_unicode_ci).

CREATE TABLE IF NOT EXISTS client_profiles (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	name          VARCHAR(200) COLLATE utf8mb4_unicode_ci NOT NULL,
	status        ENUM('active','disabled') NOT NULL DEFAULT 'active',
	delivery_mode ENUM('poll','push','both') NOT NULL DEFAULT 'poll',
	webhook_url   VARCHAR(2048) NULL,
	webhook_secret VARCHAR(256) NULL,
	created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	updated_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	UNIQUE KEY uq_client_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS accounts (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	username      VARCHAR(64) NOT NULL,
	password_hash VARCHAR(255) NOT NULL,
	role          ENUM('admin','operator') NOT NULL,
	client_id     BIGINT UNSIGNED NULL,
	display_name  VARCHAR(200) NULL,
	status        ENUM('active','disabled') NOT NULL DEFAULT 'active',
	created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	UNIQUE KEY uq_account_username (username),
	KEY ix_account_client (client_id),
	CONSTRAINT fk_account_client FOREIGN KEY (client_id) REFERENCES client_profiles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS api_keys (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id     BIGINT UNSIGNED NOT NULL,
	key_hash      BINARY(32) NOT NULL,
	key_prefix    VARCHAR(16) NOT NULL,
	label         VARCHAR(200) NULL,
	created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	revoked_at    DATETIME(3) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_api_key_hash (key_hash),
	KEY ix_api_key_client (client_id),
	CONSTRAINT fk_api_key_client FOREIGN KEY (client_id) REFERENCES client_profiles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The receiving side of inbound messages: a Twilio number, or an Extreme
-- (usemodem, port) pair with an optional number.
CREATE TABLE IF NOT EXISTS client_routes (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id     BIGINT UNSIGNED NOT NULL,
	provider      ENUM('twilio','extreme') NOT NULL,
	number        VARCHAR(16) NULL,
	usemodem      INT NULL,
	port          INT NULL,
	created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	UNIQUE KEY uq_route_number (provider, number),
	UNIQUE KEY uq_route_modem_port (provider, usemodem, port),
	KEY ix_route_client (client_id),
	CONSTRAINT fk_route_client FOREIGN KEY (client_id) REFERENCES client_profiles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Registered phone numbers per client (the seed's "users" collection).
CREATE TABLE IF NOT EXISTS users (
	id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	client_id     BIGINT UNSIGNED NOT NULL,
	phone         VARCHAR(16) NOT NULL,
	name          VARCHAR(200) COLLATE utf8mb4_unicode_ci NOT NULL,
	status        ENUM('active','inactive') NOT NULL DEFAULT 'active',
	created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	updated_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
	PRIMARY KEY (id),
	UNIQUE KEY uq_user_phone (client_id, phone),
	KEY ix_user_name (client_id, status, name, phone),
	CONSTRAINT fk_user_client FOREIGN KEY (client_id) REFERENCES client_profiles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
