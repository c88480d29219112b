/**
 * Tables the kernel keeps inside every service's own schema (outbox, inbox, idempotency, seeds). Applied before the
 * service's own migrations; never edit an applied one (checksums are enforced): append a new one.
 */
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
    {
      // One idempotency mechanism (db/idempotent-operations.ts): operations claim their key and store their result
      // in their own transaction. The HTTP layer's response cache that lived here is gone; its rows were replays of
      // at most PCF_IDEMPOTENCY_TTL_HOURS, and the operations behind them keep their own records.
      name: 'k002_idempotent_operations',
      sql: `
DROP TABLE ${schema}.idempotency_keys;
CREATE TABLE ${schema}.idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
`,
    },
  ];
}
