-- 012_device_ranges — a device's acceptable range and its name
-- (PROTOCOL.md §6 DEVICE.UPSERT low/high/name; §5 DEVICE.RANGE). See
-- 001_init.sql for how migrations and @grant lines work.
--
-- Two ranges are kept apart: the one the PC alarms on (pc_low/pc_high,
-- rewritten by every DEVICE.UPSERT that carries them) and an admin's
-- override from the portal (admin_low/admin_high), which a later
-- DEVICE.UPSERT never clobbers. The range in force is the override when
-- set, else the PC's; a device with neither has no range and nothing is
-- flagged. Values in the device's unit, like its readings.
--
-- The portal sets the override (DEVICE.RANGE): it may update devices.
-- @grant portal su devices
ALTER TABLE devices
	ADD COLUMN IF NOT EXISTS name VARCHAR(60) NULL AFTER ext_id,
	ADD COLUMN IF NOT EXISTS pc_low DECIMAL(5,2) NULL,
	ADD COLUMN IF NOT EXISTS pc_high DECIMAL(5,2) NULL,
	ADD COLUMN IF NOT EXISTS admin_low DECIMAL(5,2) NULL,
	ADD COLUMN IF NOT EXISTS admin_high DECIMAL(5,2) NULL,
	ADD COLUMN IF NOT EXISTS range_by VARCHAR(64) NULL,
	ADD COLUMN IF NOT EXISTS range_at DATETIME NULL;

-- When each of a facility's PCs last called /api/sync (DASHBOARD `pcs`,
-- SYNC.LOG `pcs`): a loose index scan of this key, one dive per PC,
-- instead of reading the facility's whole request log.
ALTER TABLE request_log
	ADD INDEX IF NOT EXISTS ix_request_log_facility_pc_ts (facility_id, pc_id, ts);
