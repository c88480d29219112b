/** Tables the kernel keeps inside every service's own schema (outbox, inbox, idempotency, seeds). */
export function kernelMigrations(schema: string): { name: string; sql: string }[] {
  return [
    {
      name: 'k001_kernel_tables',
      sql: `
CREATE TABLE ${schema}.outbox (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  topic text NOT NULL,
  source text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON ${schema}.outbox (seq) WHERE published_at IS NULL;

CREATE TABLE ${schema}.processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

CREATE TABLE ${schema}.idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'done')),
  response_status integer,
  response_body text,
  response_type text,
  created_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON ${schema}.idempotency_keys (created_at);

CREATE TABLE ${schema}.demo_seeds (
  name text PRIMARY KEY,
  seeded_at timestamptz NOT NULL DEFAULT now()
);
`,
    },
  ];
}
