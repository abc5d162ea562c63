-- 016_device_cookies — the deny list of device cookies (issue 8 item
-- 10; src/domain/devicecookie.c). A device cookie's entry is signed, not
-- stored: only an entry that failed a sign-in has a row here, keyed by a
-- hash of its nonce, counting its failures; the fifth revokes it. Times
-- are Unix seconds like the sessions' clock; rows of entries past their
-- 180 days are removed by the next failure that writes one. See
-- 001_init.sql and 010_accounts.sql for how migrations and @grant lines
-- work.
--
-- @grant auth rw device_cookie_failures

CREATE TABLE IF NOT EXISTS device_cookie_failures (
	entry_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id INT UNSIGNED NULL,
	failures INT UNSIGNED NOT NULL,
	revoked_at BIGINT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (entry_hash),
	KEY ix_device_cookie_failures_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
