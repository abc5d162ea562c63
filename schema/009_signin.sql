-- 009_signin — sign-in hardening (issue 8): what a session shows its
-- owner (SESSION.LIST), the record of reset requests that bounds them
-- per user and per facility, and the password policy's zxcvbn score.
-- See 001_init.sql for how migrations and @grant lines work.
--
-- @grant rw  reset_requests

-- The device (a short description of the user agent) and the address a
-- session was opened from, for its owner's list; never the token.
ALTER TABLE sessions
	ADD COLUMN IF NOT EXISTS device VARCHAR(40) NOT NULL DEFAULT '',
	ADD COLUMN IF NOT EXISTS address VARCHAR(45) NOT NULL DEFAULT '';

-- One PASSWORD.RESET.REQUEST that named a real user (user_id) or only
-- a real facility (user_id NULL), kept to count the last 15 minutes;
-- created_at is Unix seconds like the sessions' clock. Rows older than a
-- day are removed by the next request that writes one.
CREATE TABLE IF NOT EXISTS reset_requests (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	user_id INT UNSIGNED NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (id),
	KEY ix_reset_requests_facility (facility_id, created_at),
	KEY ix_reset_requests_user (user_id, created_at),
	CONSTRAINT fk_reset_requests_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The least zxcvbn score (0-4) a new password must reach.
ALTER TABLE password_policy
	ADD COLUMN IF NOT EXISTS min_score TINYINT NOT NULL DEFAULT 3;

-- USER.ENABLE is a server-side change the facility PCs read back.
ALTER TABLE user_changes
	MODIFY kind ENUM('password','lock','unlock','disable','enable') NOT NULL;
