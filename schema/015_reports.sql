-- 015_reports — the reports a facility PC produced, uploaded as rows
-- (issue 11, item 15; REPORT.PUSH and REPORT.ROW on /api/sync, REPORT.LIST
-- and REPORT.GET on /api/portal). See 001_init.sql for how migrations and
-- @grant lines work.
--
-- A report is operational data like a reading: a header (kind, title, the
-- period it covers, its column headings, how many rows it has) and its
-- rows, each the cells as tab-separated text, every one PHI-screened when
-- it arrived. The PC names a report with its own id, so a retried upload
-- restates the same report instead of adding another; rows are keyed by
-- their number, so an upload spread over several batches can be resent
-- in part. A report is complete when all the rows its header announced
-- have arrived.
--
-- The CLI may do anything with them; the PCs write them (sync), staff
-- read them (portal), sign-in never touches them.
-- @grant rw reports report_rows
-- @grant sync siu reports report_rows
-- @grant portal ro reports report_rows
-- @grant auth none reports report_rows

CREATE TABLE IF NOT EXISTS reports (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	ext_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	pc_id VARCHAR(64) NOT NULL,
	kind ENUM('inventory','temperature','attendance','other') NOT NULL,
	title VARCHAR(120) NOT NULL,
	generated_at DATETIME NOT NULL,
	period_from DATETIME NULL,
	period_to DATETIME NULL,
	command_id BIGINT UNSIGNED NULL,
	headings VARCHAR(2000) NOT NULL,
	ncols SMALLINT UNSIGNED NOT NULL,
	row_count INT UNSIGNED NOT NULL,
	received_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_reports_facility_ext (facility_id, ext_id),
	KEY ix_reports_facility_generated (facility_id, generated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS report_rows (
	report_id BIGINT UNSIGNED NOT NULL,
	n INT UNSIGNED NOT NULL,
	cells TEXT NOT NULL,
	PRIMARY KEY (report_id, n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
