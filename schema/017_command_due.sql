-- 017_command_due — when a facility's commands are next due, kept beside
-- the queue (issue 10: the empty COMMAND.POLL). See 001_init.sql for how
-- migrations and @grant lines work.
--
-- The empty poll is the hottest request of the system. Asking `commands`
-- whether anything is due made the server plan a subquery and estimate a
-- range on every poll; this row makes the poll a look-up of two primary
-- keys (src/domain/authn.c). due_at is never later than the earliest
-- due_at of the facility's unsettled commands (0: a command waits; the
-- end of a lease: when it may be handed out again); NULL, or no row,
-- means nothing is unsettled. An earlier value is harmless (the poll
-- looks at the queue itself and puts the right value back); a later one
-- would hide a command, so every command enters through cmdqueue_add,
-- which sets 0 here first, and only a poll that has locked this row
-- raises it (src/domain/cmdqueue.c).
--
-- @grant rw command_due
-- @grant portal siu command_due
-- @grant sync siu command_due
-- @grant auth none command_due

CREATE TABLE IF NOT EXISTS command_due (
	facility_id INT UNSIGNED NOT NULL,
	due_at BIGINT NULL,
	PRIMARY KEY (facility_id),
	CONSTRAINT fk_command_due_facility FOREIGN KEY (facility_id)
		REFERENCES facilities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The queue as it stands when this migration runs.
INSERT INTO command_due (facility_id, due_at)
	SELECT facility_id, MIN(due_at) FROM commands
	WHERE due_at IS NOT NULL GROUP BY facility_id
	ON DUPLICATE KEY UPDATE due_at = LEAST(command_due.due_at, VALUES(due_at));
