-- 001_init — facilities, their users, and the three audit logs.
--
-- How migrations work (`infosysctl migrate`, tools/ctl_migrate.c):
--   * Files are schema/NNN_name.sql, applied once each in numeric order and
--     recorded in schema_migrations(version, name, checksum, applied_at).
--     An applied file must never change: migrate refuses to run when its
--     SHA-256 differs. Fix mistakes with a new, higher-numbered file.
--   * Each file runs as one multi-statement script as the [migrate] user.
--     MariaDB commits DDL implicitly, so write statements that can run
--     again after a partial failure (IF NOT EXISTS, ADD COLUMN IF NOT
--     EXISTS, ...). InnoDB, utf8mb4, a primary key on every table, no
--     LOCK TABLES: the schema must stay Galera-safe.
--   * Times are UTC: every connection sets time_zone = '+00:00'.
--
-- How migrations declare grants: a comment line in any migration,
--     -- @grant rw  table [table ...]   SELECT, INSERT, UPDATE, DELETE
--     -- @grant log table [table ...]   SELECT, INSERT only (audit tables)
--     -- @grant ro  table [table ...]   SELECT only
-- After every migrate, infosysctl collects the @grant lines of all files
-- and makes the application account ([database] user @ [database] app_host,
-- default localhost) hold exactly those table privileges: per table it
-- revokes everything, then grants the declared set, and it removes any
-- database-wide grant on the schema. The account name, host, database and
-- table names are checked against [A-Za-z0-9_]+ (the host may also hold
-- '.', '-' and '%') before they are put into the GRANT text; nothing comes
-- from request data. The operator creates both accounts beforehand; the
-- [migrate] account needs ALL PRIVILEGES ON <db>.* WITH GRANT OPTION.
--
-- @grant rw  facilities users
-- @grant log request_log login_log activity_log

CREATE TABLE IF NOT EXISTS facilities (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT,
	code VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
	name VARCHAR(200) NOT NULL,
	sync_key_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	active TINYINT NOT NULL DEFAULT 1,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_facilities_code (code),
	UNIQUE KEY uq_facilities_sync_key (sync_key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS users (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
	role ENUM('user','admin') NOT NULL DEFAULT 'user',
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	status ENUM('active','disabled') NOT NULL DEFAULT 'active',
	failed_logins INT NOT NULL DEFAULT 0,
	locked_at DATETIME NULL,
	must_change_password TINYINT NOT NULL DEFAULT 0,
	password_changed_at DATETIME NULL,
	last_login_at DATETIME NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_users_facility_name (facility_id, name),
	CONSTRAINT fk_users_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per request (lib/reqlog.c); params is JSON with secrets redacted.
CREATE TABLE IF NOT EXISTS request_log (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	ts DATETIME(3) NOT NULL,
	request_id CHAR(16) CHARACTER SET ascii NOT NULL,
	endpoint VARCHAR(16) NOT NULL,
	verb VARCHAR(64) NULL,
	params TEXT NULL,
	facility_id INT UNSIGNED NULL,
	user_name VARCHAR(64) NULL,
	pc_id VARCHAR(64) NULL,
	address VARCHAR(45) NOT NULL,
	status SMALLINT NOT NULL,
	code VARCHAR(32) NULL,
	duration_us INT UNSIGNED NOT NULL,
	PRIMARY KEY (id),
	KEY ix_request_log_facility_ts (facility_id, ts),
	KEY ix_request_log_ts (ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every sign-in attempt, on the web, the mobile wrappers or a facility PC.
CREATE TABLE IF NOT EXISTS login_log (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	ts DATETIME(3) NOT NULL,
	facility_id INT UNSIGNED NULL,
	user_name VARCHAR(64) NULL,
	result ENUM('success','failure') NOT NULL,
	reason VARCHAR(32) NULL,
	channel VARCHAR(16) NOT NULL,
	device_type VARCHAR(32) NULL,
	pc_id VARCHAR(64) NULL,
	address VARCHAR(45) NOT NULL,
	user_agent VARCHAR(255) NULL,
	PRIMARY KEY (id),
	KEY ix_login_log_facility_ts (facility_id, ts),
	KEY ix_login_log_facility_user_ts (facility_id, user_name, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Admin and user actions a user could dispute (who did what to what).
CREATE TABLE IF NOT EXISTS activity_log (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	ts DATETIME(3) NOT NULL,
	facility_id INT UNSIGNED NULL,
	user_name VARCHAR(64) NULL,
	module VARCHAR(32) NOT NULL,
	action VARCHAR(64) NOT NULL,
	target VARCHAR(128) NULL,
	detail TEXT NULL,
	address VARCHAR(45) NOT NULL,
	PRIMARY KEY (id),
	KEY ix_activity_log_facility_ts (facility_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
