-- 013_alerts_audit — breach alerts and the tamper-evident audit chain
-- (issue 12; src/domain/alert.c, src/domain/auditchain.c). See
-- 001_init.sql for how migrations and @grant lines work.
--
-- @grant rw  audit_chain alerts alert_dedup alert_rule_mail alert_pc_seen
-- @grant log audit_checkpoint audit_chain_start

-- Every row of the three logs carries its place in a chain (one chain per
-- table and facility; facility 0 for rows without one) and a hash over
-- the previous row's hash, its position and its own columns:
--   chain_hash = SHA2(CONCAT_WS('|', previous chain_hash, chain_seq,
--                               JSON_ARRAY(the row's columns)), 256)
-- A row changed, deleted or slipped in by hand breaks the chain there.
ALTER TABLE login_log
	ADD COLUMN IF NOT EXISTS chain_seq BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS chain_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ADD INDEX IF NOT EXISTS ix_login_log_chain (facility_id, chain_seq);
ALTER TABLE activity_log
	ADD COLUMN IF NOT EXISTS chain_seq BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS chain_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ADD INDEX IF NOT EXISTS ix_activity_log_chain (facility_id, chain_seq);
ALTER TABLE request_log
	ADD COLUMN IF NOT EXISTS chain_seq BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS chain_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ADD INDEX IF NOT EXISTS ix_request_log_chain (facility_id, chain_seq);

-- The head of each chain: writers of one chain queue on its row lock (a
-- row lock, not GET_LOCK or LOCK TABLES: Galera certifies it, and two
-- nodes writing one chain at once make one of them retry).
CREATE TABLE IF NOT EXISTS audit_chain (
	tbl VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	facility_id INT UNSIGNED NOT NULL,
	seq BIGINT UNSIGNED NOT NULL,
	head CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	updated_at DATETIME(3) NOT NULL,
	PRIMARY KEY (tbl, facility_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where a chain starts after a purge: the position and hash of the last
-- row the purge may delete (auditchain_checkpoint). Verification starts
-- from the newest checkpoint of each chain.
CREATE TABLE IF NOT EXISTS audit_checkpoint (
	tbl VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	facility_id INT UNSIGNED NOT NULL,
	seq BIGINT UNSIGNED NOT NULL,
	hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (tbl, facility_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rows written before this migration are not chained: the highest id of
-- each table at that moment. An unchained row above it was slipped in.
CREATE TABLE IF NOT EXISTS audit_chain_start (
	tbl VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	last_unchained_id BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (tbl)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO audit_chain_start
	SELECT 'login_log', IFNULL(MAX(id), 0) FROM login_log;
INSERT IGNORE INTO audit_chain_start
	SELECT 'activity_log', IFNULL(MAX(id), 0) FROM activity_log;
INSERT IGNORE INTO audit_chain_start
	SELECT 'request_log', IFNULL(MAX(id), 0) FROM request_log;

-- One alert (src/domain/alert.c): a rule fired for a subject (an
-- account, an address, a PC, a date). Only words the server chose are
-- kept: no secret and no free text a user typed.
CREATE TABLE IF NOT EXISTS alerts (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	rule VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	subject VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
	detail VARCHAR(255) NOT NULL,
	first_at DATETIME NOT NULL,
	last_at DATETIME NOT NULL,
	occurrences INT UNSIGNED NOT NULL DEFAULT 1,
	mailed INT UNSIGNED NOT NULL DEFAULT 0,
	acked_by VARCHAR(64) NULL,
	acked_at DATETIME NULL,
	PRIMARY KEY (id),
	KEY ix_alerts_facility (facility_id, id),
	KEY ix_alerts_rule (rule, first_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The newest alert of each (facility, rule, subject): a new alert only
-- when the last one is an hour old. One row per subject, so concurrent
-- events queue on its lock and only one of them opens the alert.
CREATE TABLE IF NOT EXISTS alert_dedup (
	facility_id INT UNSIGNED NOT NULL,
	rule VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	subject VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
	alert_id BIGINT UNSIGNED NOT NULL,
	opened_at DATETIME NOT NULL,
	PRIMARY KEY (facility_id, rule, subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A facility's choice of which rules mail its admins (no row: mail).
CREATE TABLE IF NOT EXISTS alert_rule_mail (
	facility_id INT UNSIGNED NOT NULL,
	rule VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	mail TINYINT NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (facility_id, rule),
	CONSTRAINT fk_alert_rule_mail_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The PC names that have used each facility's sync key.
CREATE TABLE IF NOT EXISTS alert_pc_seen (
	facility_id INT UNSIGNED NOT NULL,
	pc_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	first_seen DATETIME NOT NULL,
	PRIMARY KEY (facility_id, pc_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The facility's time zone (IANA name), for "the daily sync by 02:00".
ALTER TABLE facilities
	ADD COLUMN IF NOT EXISTS time_zone VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT 'UTC';
