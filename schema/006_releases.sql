-- 006_releases — PC client releases for UPDATE.CHECK (PROTOCOL.md §6).
-- See 001_init.sql for how migrations and @grant lines work.
--
-- `infosysctl release publish` writes rows as the [migrate] account; the
-- FastCGI programs may only read them, so a compromised worker cannot
-- plant a release (and could not sign one anyway: the signing key never
-- reaches this server, only its signatures do).
--
-- @grant ro  releases

-- manifest is the exact text that was signed (lib/release.h), signature
-- its detached Ed25519 signature in base64. version_key is the version's
-- sortable form (each component zero-padded), so "the newest release
-- newer than V" is one descending index range read.
CREATE TABLE IF NOT EXISTS releases (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT,
	channel ENUM('stable','beta') NOT NULL,
	version VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	version_key CHAR(75) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	url VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	manifest VARCHAR(1400) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	signature CHAR(88) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	published_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_releases_channel_version (channel, version_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
