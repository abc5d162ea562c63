-- 002_auth — sessions, the facility security policy, password history and
-- TOTP state (PROTOCOL.md §4, §5 POLICY.*). See 001_init.sql for how
-- migrations and @grant lines work.
--
-- @grant rw  sessions password_policy password_history

-- A signed-in session. Only the SHA-256 of the cookie's token is kept.
-- created_at / last_seen_at are Unix seconds, compared with the worker's
-- clock; the idle and 12-hour limits are enforced by lib/session.c.
CREATE TABLE IF NOT EXISTS sessions (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id INT UNSIGNED NOT NULL,
	facility_id INT UNSIGNED NOT NULL,
	channel ENUM('web','app') NOT NULL DEFAULT 'web',
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_sessions_token (token_hash),
	KEY ix_sessions_user (user_id),
	CONSTRAINT fk_sessions_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE,
	CONSTRAINT fk_sessions_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A facility's security policy; no row means the defaults of §5
-- (lib/policy.h), so the defaults live in one place, the code.
CREATE TABLE IF NOT EXISTS password_policy (
	facility_id INT UNSIGNED NOT NULL,
	idle_timeout_s INT NOT NULL,
	min_length INT NOT NULL,
	require_digit TINYINT NOT NULL,
	require_special TINYINT NOT NULL,
	require_mixed_case TINYINT NOT NULL,
	max_age_days INT NOT NULL,
	history INT NOT NULL,
	mfa_admins TINYINT NOT NULL,
	PRIMARY KEY (facility_id),
	CONSTRAINT fk_password_policy_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Earlier hashes of each user's password, for the policy's history rule.
CREATE TABLE IF NOT EXISTS password_history (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id INT UNSIGNED NOT NULL,
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	KEY ix_password_history_user (user_id, id),
	CONSTRAINT fk_password_history_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- TOTP (RFC 6238): the secret sealed with the [security] key_file
-- (libsodium secretbox: nonce then box), a pending one during enrolment,
-- and the last accepted time step so that a code works at most once.
ALTER TABLE users
	ADD COLUMN IF NOT EXISTS mfa_enabled TINYINT NOT NULL DEFAULT 0,
	ADD COLUMN IF NOT EXISTS mfa_secret VARBINARY(128) NULL,
	ADD COLUMN IF NOT EXISTS mfa_pending VARBINARY(128) NULL,
	ADD COLUMN IF NOT EXISTS mfa_last_step BIGINT NOT NULL DEFAULT 0;

-- The address throttle counts an address's recent failures.
ALTER TABLE login_log
	ADD INDEX IF NOT EXISTS ix_login_log_address_ts (address, ts);
