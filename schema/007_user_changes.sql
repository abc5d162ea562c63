-- 007_user_changes — the per-facility revision feed of server-side
-- account changes that the facility PCs read with USER.CHANGES
-- (PROTOCOL.md §6; lib/userchange.c). See 001_init.sql for how migrations
-- and @grant lines work.
--
-- @grant rw  user_changes user_change_seq

-- A facility's newest revision. Each change first bumps this row, so
-- writers of one facility queue on its row lock and commit in revision
-- order: a reader can never see revision N+1 while N is still to come,
-- and a rolled-back change gives its number back (no gaps).
CREATE TABLE IF NOT EXISTS user_change_seq (
	facility_id INT UNSIGNED NOT NULL,
	rev BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (facility_id),
	CONSTRAINT fk_user_change_seq_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One change: the account's state right after it (status, lock, and for a
-- new password its PHC hash and whether it must be changed). No foreign
-- key to users: a removed user's earlier changes stay readable by name.
CREATE TABLE IF NOT EXISTS user_changes (
	facility_id INT UNSIGNED NOT NULL,
	rev BIGINT UNSIGNED NOT NULL,
	user_id INT UNSIGNED NOT NULL,
	user_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
	kind ENUM('password','lock','unlock','disable') NOT NULL,
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	must_change_password TINYINT NOT NULL DEFAULT 0,
	status ENUM('active','disabled') NOT NULL,
	locked TINYINT NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (facility_id, rev),
	CONSTRAINT fk_user_changes_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
