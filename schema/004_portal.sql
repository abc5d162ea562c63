-- 004_portal — what the portal remembers of its own actions on alarms
-- (lib/h_commands.c, ALARM.ACK). See 001_init.sql for how migrations and
-- grant lines work; alarms is already granted rw by 003_ops.sql.
--
-- An alarm's state comes from the PC; the portal only queues the
-- acknowledgement. It keeps the last one here so that every user's
-- dashboard shows that the alarm was acknowledged, by whom, and how the
-- PC settled the command, without parsing command lines. An ack older
-- than the alarm's current state (ack_at < ts) belongs to an earlier
-- occurrence and is not shown.

ALTER TABLE alarms
	ADD COLUMN IF NOT EXISTS ack_command_id BIGINT UNSIGNED NULL,
	ADD COLUMN IF NOT EXISTS ack_by VARCHAR(64) NULL,
	ADD COLUMN IF NOT EXISTS ack_at DATETIME NULL;
