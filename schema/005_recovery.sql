-- 005_recovery — self-service recovery (PROTOCOL.md §4
-- PASSWORD.RESET.REQUEST, PASSWORD.RESET, USERNAME.RECOVER) and the mail
-- outbox. See 001_init.sql for how migrations and @grant lines work.
--
-- @grant rw  password_resets mail_outbox

-- A user's recovery e-mail address, sealed with the [security] key_file
-- (hex of secretbox nonce || box), and a keyed BLAKE2b hash of its
-- lower-cased form for USERNAME.RECOVER's look-up (lib/seal.c); the
-- address itself is never stored in clear.
ALTER TABLE users
	ADD COLUMN IF NOT EXISTS email_sealed VARCHAR(1200)
		CHARACTER SET ascii COLLATE ascii_bin NULL,
	ADD COLUMN IF NOT EXISTS email_hash CHAR(64)
		CHARACTER SET ascii COLLATE ascii_bin NULL,
	ADD INDEX IF NOT EXISTS ix_users_facility_email (facility_id, email_hash);

-- One-time password-reset tokens: only their SHA-256; valid 15 minutes
-- (expires_at, Unix seconds); used_at set by the one reset that used it.
CREATE TABLE IF NOT EXISTS password_resets (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id INT UNSIGNED NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_password_resets_token (token_hash),
	KEY ix_password_resets_user (user_id),
	CONSTRAINT fk_password_resets_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Mail waiting for `infosysctl mail run`. The message (recipient, subject
-- and body, as JSON) is sealed like the e-mail addresses: a reset mail
-- carries a live token, which must not sit in the database in clear.
-- Delivery retries with backoff (next_attempt_at) and gives up after a
-- bounded number of attempts (failed_at).
CREATE TABLE IF NOT EXISTS mail_outbox (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NULL,
	kind VARCHAR(32) NOT NULL,
	message_sealed MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME NOT NULL,
	attempts INT NOT NULL DEFAULT 0,
	next_attempt_at DATETIME NOT NULL,
	sent_at DATETIME NULL,
	failed_at DATETIME NULL,
	last_error VARCHAR(255) NULL,
	PRIMARY KEY (id),
	KEY ix_mail_outbox_due (sent_at, failed_at, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
