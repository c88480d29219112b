-- Double-entry ledger. Amounts are integers in the asset's minor units.
CREATE TABLE wallet.accounts (
  id uuid PRIMARY KEY,
  owner_type text NOT NULL CHECK (owner_type IN ('fan', 'system')),
  owner_id text NOT NULL,
  asset text NOT NULL CHECK (asset IN ('EUR', 'USD', 'USDC', 'BTC', 'ETH')),
  posted numeric(78, 0) NOT NULL DEFAULT 0,
  pending numeric(78, 0) NOT NULL DEFAULT 0 CHECK (pending >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_type, owner_id, asset),
  -- Fans never go negative, holds included; system accounts (clearing, pools, settlement, FX) may.
  CONSTRAINT fan_accounts_never_negative CHECK (owner_type = 'system' OR posted - pending >= 0)
);

CREATE TABLE wallet.transactions (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('deposit', 'transfer', 'payment', 'refund', 'credit', 'conversion')),
  reference text,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet.entries (
  id bigserial PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES wallet.transactions (id),
  account_id uuid NOT NULL REFERENCES wallet.accounts (id),
  asset text NOT NULL,
  amount numeric(78, 0) NOT NULL CHECK (amount <> 0)
);
CREATE INDEX entries_transaction ON wallet.entries (transaction_id);
CREATE INDEX entries_account ON wallet.entries (account_id, id);

-- Posted history is immutable: corrections are new, reversing transactions.
CREATE FUNCTION wallet.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'wallet ledger rows are immutable (%)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER transactions_immutable BEFORE UPDATE OR DELETE ON wallet.transactions
  FOR EACH ROW EXECUTE FUNCTION wallet.reject_change();
CREATE TRIGGER entries_immutable BEFORE UPDATE OR DELETE ON wallet.entries
  FOR EACH ROW EXECUTE FUNCTION wallet.reject_change();

-- Every transaction balances per asset, checked at commit.
CREATE FUNCTION wallet.check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE unbalanced text;
BEGIN
  SELECT asset INTO unbalanced FROM wallet.entries WHERE transaction_id = NEW.transaction_id
    GROUP BY asset HAVING sum(amount) <> 0 LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'transaction % does not balance in %', NEW.transaction_id, unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER entries_balanced AFTER INSERT ON wallet.entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wallet.check_balanced();

-- Hash chain over posted transactions, sealed in order by the journal sealer.
CREATE TABLE wallet.journal (
  position bigint PRIMARY KEY,
  transaction_id uuid NOT NULL UNIQUE REFERENCES wallet.transactions (id),
  prev_hash text NOT NULL,
  hash text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE wallet.journal_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  position bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO wallet.journal_head (position, hash) VALUES (0, repeat('0', 64));

-- Results of money operations keyed by the caller's idempotency key, written with the operation itself.
CREATE TABLE wallet.operations (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

CREATE TABLE wallet.holds (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES wallet.accounts (id),
  user_id uuid NOT NULL,
  asset text NOT NULL,
  amount numeric(78, 0) NOT NULL CHECK (amount > 0),
  captured numeric(78, 0) NOT NULL DEFAULT 0,
  refunded numeric(78, 0) NOT NULL DEFAULT 0,
  merchant text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'captured', 'voided', 'expired')),
  reference text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (captured <= amount AND refunded <= captured)
);
CREATE INDEX holds_expiring ON wallet.holds (expires_at) WHERE status = 'active';

CREATE TABLE wallet.deposits (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  asset text NOT NULL,
  amount numeric(78, 0) NOT NULL CHECK (amount > 0),
  method text NOT NULL,
  provider text NOT NULL,
  provider_ref text,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined')),
  failure_code text,
  transaction_id uuid REFERENCES wallet.transactions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deposits_user ON wallet.deposits (user_id, created_at DESC);

CREATE TABLE wallet.webhook_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

CREATE TABLE wallet.quotes (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  from_asset text NOT NULL,
  to_asset text NOT NULL,
  from_amount numeric(78, 0) NOT NULL CHECK (from_amount > 0),
  to_amount numeric(78, 0) NOT NULL CHECK (to_amount > 0),
  rate text NOT NULL,
  expires_at timestamptz NOT NULL,
  transaction_id uuid REFERENCES wallet.transactions (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The fan's history as shown in the app: one row per movement, including pending deposits and payments.
CREATE TABLE wallet.activity (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('deposit', 'send', 'receive', 'payment', 'refund', 'cashback', 'conversion')),
  asset text NOT NULL,
  amount numeric(78, 0) NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'cancelled')),
  counterparty jsonb,
  reference text,
  note text,
  transaction_id uuid REFERENCES wallet.transactions (id),
  source_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_user ON wallet.activity (user_id, created_at DESC, id DESC);
CREATE INDEX activity_source ON wallet.activity (source_id);
