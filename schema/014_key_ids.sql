-- 014_key_ids — sealed values name the key that sealed them, so the
-- sealing key can be rotated while the programs serve (`infosysctl key
-- rotate`, src/crypto/keyset.h): "3", the key id as 8 hex digits, then
-- nonce and ciphertext. A TOTP secret so sealed is 129 characters, one
-- more than these columns held. VARBINARY(128) to (255) keeps the
-- one-byte length prefix: an in-place change, no table copy, safe under
-- live traffic.
ALTER TABLE users
	MODIFY COLUMN mfa_secret VARBINARY(255) NULL,
	MODIFY COLUMN mfa_pending VARBINARY(255) NULL;
