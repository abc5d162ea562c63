-- 008_phi_log — what the request log keeps of a PHI refusal (PROTOCOL.md
-- §7): the rule's category, never the value; and a look-up of refusals
-- per facility for the admins' daily counts (AUDIT.PHI). See 001_init.sql
-- for how migrations and @grant lines work.

ALTER TABLE request_log
	ADD COLUMN IF NOT EXISTS phi_rule VARCHAR(24) CHARACTER SET ascii NULL
		AFTER code,
	ADD KEY IF NOT EXISTS ix_request_log_facility_code_ts (facility_id, code, ts);

-- Before this migration a refused request could keep its values (an
-- over-long text refused before screening, a malformed line): a refused
-- request now keeps only its keys, and so do the rows already written.
UPDATE request_log SET params = NULL WHERE code IS NOT NULL AND params IS NOT NULL;
