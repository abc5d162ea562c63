-- 003_ops — the operational data the facility PCs push, and what the web
-- side sends back to them: devices and their readings, queues, alarms, the
-- command queue, daily syncs and the sync log (PROTOCOL.md §6). See
-- 001_init.sql for how migrations and @grant lines work.
--
-- Sizing: a facility with 50 devices reading once a minute for two years
-- writes ~52 million readings. Readings are therefore keyed by a 4-byte
-- device number and the time, (device, ts) is the primary key, and each
-- row is ~20 bytes: "readings of one device newest first" is a backward
-- range scan of the clustered index, and "latest reading per device" is
-- one index dive per device (MAX(ts) on the key prefix).
--
-- @grant rw  devices readings queues queue_history alarms commands
-- @grant rw  daily_syncs sync_log

-- Ids from the PC (`id` type) are case-sensitive ASCII.
CREATE TABLE IF NOT EXISTS devices (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	ext_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	kind ENUM('fridge','freezer','room','incubator','other') NOT NULL,
	location VARCHAR(120) NOT NULL,
	unit ENUM('C','F') NOT NULL DEFAULT 'C',
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_devices_facility_ext (facility_id, ext_id),
	CONSTRAINT fk_devices_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- No foreign key on device_id: it would add an index look-up to every
-- insert on the hottest table; devices are never deleted.
CREATE TABLE IF NOT EXISTS readings (
	device_id INT UNSIGNED NOT NULL,
	ts DATETIME NOT NULL,
	value DECIMAL(5,2) NOT NULL,
	PRIMARY KEY (device_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A queue's current state (what QUEUE.LIST shows) ...
CREATE TABLE IF NOT EXISTS queues (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	ext_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	length INT NOT NULL,
	wait_min INT NOT NULL,
	ts DATETIME NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_queues_facility_ext (facility_id, ext_id),
	CONSTRAINT fk_queues_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ... and its history, for charts; the same (queue, ts) twice is one row.
CREATE TABLE IF NOT EXISTS queue_history (
	queue_id INT UNSIGNED NOT NULL,
	ts DATETIME NOT NULL,
	length INT NOT NULL,
	wait_min INT NOT NULL,
	PRIMARY KEY (queue_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An alarm's latest state; an older push never overwrites a newer one.
CREATE TABLE IF NOT EXISTS alarms (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	ext_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	device_id INT UNSIGNED NOT NULL,
	status ENUM('active','cleared') NOT NULL,
	severity ENUM('low','high','critical') NOT NULL,
	ts DATETIME NOT NULL,
	message VARCHAR(200) NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_alarms_facility_ext (facility_id, ext_id),
	KEY ix_alarms_facility_status (facility_id, status, ts),
	CONSTRAINT fk_alarms_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id),
	CONSTRAINT fk_alarms_device FOREIGN KEY (device_id)
		REFERENCES devices (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The command queue (lib/cmdqueue.c). `due_at` (Unix seconds) is when the
-- command may next be handed out: 0 while pending, the lease's end once
-- delivered, NULL once settled. The poll is then one range scan of
-- ix_commands_due that never touches settled commands, however many
-- there are: an empty poll reads no row at all.
CREATE TABLE IF NOT EXISTS commands (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	line TEXT NOT NULL,
	issuer VARCHAR(64) NULL,
	status ENUM('pending','delivered','done','failed') NOT NULL
		DEFAULT 'pending',
	due_at BIGINT NULL DEFAULT 0,
	lease_pc VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	deliveries INT NOT NULL DEFAULT 0,
	result VARCHAR(500) NULL,
	settled_by VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	created_at DATETIME NOT NULL,
	delivered_at DATETIME NULL,
	settled_at DATETIME NULL,
	PRIMARY KEY (id),
	KEY ix_commands_due (facility_id, due_at),
	KEY ix_commands_facility (facility_id, id),
	CONSTRAINT fk_commands_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per facility and date (lib/dailysync.c): the primary key is
-- what makes exactly one PC win a date. lease_until is Unix seconds.
CREATE TABLE IF NOT EXISTS daily_syncs (
	facility_id INT UNSIGNED NOT NULL,
	sync_date DATE NOT NULL,
	pc_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status ENUM('claimed','ok','error') NOT NULL DEFAULT 'claimed',
	claimed_at DATETIME NOT NULL,
	lease_until BIGINT NOT NULL,
	takeovers INT NOT NULL DEFAULT 0,
	reported_at DATETIME NULL,
	PRIMARY KEY (facility_id, sync_date),
	CONSTRAINT fk_daily_syncs_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Daily-sync reports and error reports from the PCs (SYNC.LOG). The
-- SHA-256 of the message lets the mailer send the same error at most once
-- an hour (ix_sync_log_dedup); mailed_at marks what it has sent.
CREATE TABLE IF NOT EXISTS sync_log (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	facility_id INT UNSIGNED NOT NULL,
	ts DATETIME NOT NULL,
	pc_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	kind ENUM('daily','error') NOT NULL,
	sync_date DATE NULL,
	status ENUM('ok','error') NULL,
	message TEXT NULL,
	trace MEDIUMTEXT NULL,
	version VARCHAR(64) NULL,
	message_sha CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	mailed_at DATETIME NULL,
	PRIMARY KEY (id),
	KEY ix_sync_log_facility (facility_id, id),
	KEY ix_sync_log_dedup (facility_id, message_sha, ts),
	CONSTRAINT fk_sync_log_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
