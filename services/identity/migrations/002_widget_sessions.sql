-- The partner secret key that minted a widget session: revoking the key ends its sessions.
ALTER TABLE identity.sessions ADD COLUMN minted_by_key_id uuid REFERENCES identity.api_keys (id);
CREATE INDEX sessions_minted_by_key ON identity.sessions (minted_by_key_id) WHERE minted_by_key_id IS NOT NULL;
-- A fan's sessions, newest first (GET /v1/auth/sessions).
CREATE INDEX sessions_user_created ON identity.sessions (user_id, created_at DESC, id DESC);
DROP INDEX identity.sessions_user;

-- Emails a partner supplied with a widget session are unverified: they stay in partner_fans (the partner's own
-- data) and are never an account email (a login, a send target, or a reason to refuse someone's signup).
UPDATE identity.users u SET email = NULL, updated_at = now()
FROM identity.partner_fans f
WHERE f.user_id = u.id AND u.password_hash IS NULL AND u.email IS NOT NULL;
