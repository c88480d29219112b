-- What a partner's pages may read through the SDK about a fan who signed in inside a widget on them (balance,
-- history, cart): granted once per fan and partner on a consent screen, revoked by deleting the row (OAuth-style:
-- remembered per client, revocable). Independent of 002: migrations apply in name order, a gap is fine.
CREATE TABLE identity.partner_consents (
  user_id uuid NOT NULL REFERENCES identity.users (id),
  partner_id uuid NOT NULL REFERENCES identity.partners (id),
  -- The page origin the fan granted it on (shown in the fan's list), when the widget said.
  origin text,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, partner_id)
);
-- A fan's consents, newest first (GET /v1/auth/consents).
CREATE INDEX partner_consents_user_granted ON identity.partner_consents (user_id, granted_at DESC, partner_id DESC);
