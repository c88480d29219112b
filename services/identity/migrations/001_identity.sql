CREATE TABLE identity.partners (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE identity.users (
  id uuid PRIMARY KEY,
  email text UNIQUE,
  password_hash text,
  display_name text NOT NULL,
  handle text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('fan', 'partner_admin', 'platform_admin')),
  partner_id uuid REFERENCES identity.partners (id),
  favourite_club text,
  locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
  display_currency text NOT NULL DEFAULT 'EUR' CHECK (display_currency IN ('EUR', 'USD')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'partner_admin') = (partner_id IS NOT NULL))
);

-- A partner's own user id mapped to our fan: same external id, same fan, always.
CREATE TABLE identity.partner_fans (
  partner_id uuid NOT NULL REFERENCES identity.partners (id),
  external_user_id text NOT NULL,
  user_id uuid NOT NULL REFERENCES identity.users (id),
  email text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, external_user_id)
);

CREATE TABLE identity.api_keys (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES identity.partners (id),
  kind text NOT NULL CHECK (kind IN ('publishable', 'secret')),
  mode text NOT NULL CHECK (mode IN ('live', 'test')),
  publishable_key text UNIQUE,
  secret_hash text UNIQUE,
  secret_last4 text,
  allowed_origins text[] NOT NULL DEFAULT '{}',
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((kind = 'publishable') = (publishable_key IS NOT NULL)),
  CHECK ((kind = 'secret') = (secret_hash IS NOT NULL))
);
CREATE INDEX api_keys_partner ON identity.api_keys (partner_id, created_at DESC, id DESC);

-- A session is one refresh-token family; reusing a rotated token revokes the whole family.
CREATE TABLE identity.sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES identity.users (id),
  kind text NOT NULL CHECK (kind IN ('password', 'widget')),
  partner_id uuid REFERENCES identity.partners (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user ON identity.sessions (user_id);

CREATE TABLE identity.refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES identity.sessions (id),
  issued_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON identity.refresh_tokens (session_id);

CREATE TABLE identity.signing_keys (
  kid text PRIMARY KEY,
  public_jwk jsonb NOT NULL,
  private_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);
