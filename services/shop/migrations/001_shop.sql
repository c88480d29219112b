-- Shop: catalogue, carts, promotions, live sessions, orders, collectibles. Money in EUR minor units.
-- pg_trgm and unaccent are installed in this schema by the kernel (ServiceModule.extensions).

-- Clubs are partners, learned on each identity.partner_created event (the shop never reads identity's tables).
CREATE TABLE shop.clubs (
  partner_id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  cashback_bps integer NOT NULL DEFAULT 500 CHECK (cashback_bps BETWEEN 0 AND 10000),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop.products (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES shop.clubs (partner_id),
  slug text NOT NULL,
  category text NOT NULL CHECK (category IN ('maillots', 'accessoires', 'nft')),
  name_fr text NOT NULL,
  name_en text NOT NULL,
  description_fr text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  collectible boolean NOT NULL DEFAULT false,
  edition_size integer CHECK (edition_size > 0),
  minted integer NOT NULL DEFAULT 0 CHECK (minted >= 0 AND (edition_size IS NULL OR minted <= edition_size)),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  -- Search documents, written by the repository with every change (unaccent is not immutable).
  search_fr tsvector NOT NULL DEFAULT ''::tsvector,
  search_en tsvector NOT NULL DEFAULT ''::tsvector,
  search_text text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partner_id, slug)
);
CREATE INDEX products_club ON shop.products (partner_id, category, created_at, id);
CREATE INDEX products_search_fr ON shop.products USING gin (search_fr);
CREATE INDEX products_search_en ON shop.products USING gin (search_en);
CREATE INDEX products_search_trgm ON shop.products USING gin (search_text shop.gin_trgm_ops);

CREATE TABLE shop.variants (
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES shop.products (id),
  sku text NOT NULL,
  label text NOT NULL,
  attributes jsonb NOT NULL DEFAULT '{}',
  price numeric(78, 0) NOT NULL CHECK (price > 0),
  stock integer NOT NULL CHECK (stock >= 0),
  position integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, sku)
);
CREATE INDEX variants_product ON shop.variants (product_id, position);

CREATE TABLE shop.images (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES shop.clubs (partner_id),
  product_id uuid REFERENCES shop.products (id),
  content_type text NOT NULL CHECK (content_type IN ('image/svg+xml', 'image/png')),
  bytes bytea NOT NULL,
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX images_product ON shop.images (product_id, position);

-- Flash sales and discount codes. Percentages are in basis points, fixed amounts in minor units.
CREATE TABLE shop.promotions (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES shop.clubs (partner_id),
  kind text NOT NULL CHECK (kind IN ('flash', 'code')),
  code text,
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('percentage', 'fixed')),
  value numeric(78, 0) NOT NULL CHECK (value > 0 AND (type = 'fixed' OR value <= 10000)),
  product_ids uuid[] NOT NULL DEFAULT '{}',
  categories text[] NOT NULL DEFAULT '{}',
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  budget_kind text CHECK (budget_kind IN ('units', 'uses')),
  budget integer CHECK (budget > 0),
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((budget IS NULL) = (budget_kind IS NULL)),
  -- The budget is never exceeded: consumption is a conditional UPDATE, and this is the last line of defence.
  CHECK (budget IS NULL OR used <= budget),
  CHECK ((kind = 'code') = (code IS NOT NULL))
);
CREATE UNIQUE INDEX promotions_code ON shop.promotions (partner_id, code) WHERE code IS NOT NULL;
CREATE INDEX promotions_club ON shop.promotions (partner_id, kind, ends_at);

CREATE TABLE shop.live_sessions (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES shop.clubs (partner_id),
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  stream_url text,
  viewers integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_sessions_club ON shop.live_sessions (partner_id, ends_at);

CREATE TABLE shop.live_products (
  live_id uuid NOT NULL REFERENCES shop.live_sessions (id) ON DELETE CASCADE,
  position integer NOT NULL,
  product_id uuid NOT NULL REFERENCES shop.products (id),
  variant_id uuid REFERENCES shop.variants (id),
  live_price numeric(78, 0) NOT NULL CHECK (live_price > 0),
  PRIMARY KEY (live_id, position)
);

CREATE TABLE shop.carts (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  partner_id uuid NOT NULL REFERENCES shop.clubs (partner_id),
  discount_code text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, partner_id)
);

CREATE TABLE shop.cart_items (
  id uuid PRIMARY KEY,
  cart_id uuid NOT NULL REFERENCES shop.carts (id) ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES shop.products (id),
  variant_id uuid NOT NULL REFERENCES shop.variants (id),
  quantity integer NOT NULL CHECK (quantity > 0),
  added_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cart_id, variant_id)
);

CREATE SEQUENCE shop.order_numbers;

-- Orders. saga_state drives the checkout saga and its recovery:
--   reserved  stock and promotion budget taken, no hold known yet
--   held      the wallet hold exists (hold_id) and is not captured yet
--   settled   nothing left to do with the wallet
--   voiding   the order failed and a hold may still exist: recovery voids it (or refunds a lost capture)
CREATE TABLE shop.orders (
  id uuid PRIMARY KEY,
  number text NOT NULL UNIQUE,
  user_id uuid NOT NULL,
  partner_id uuid NOT NULL REFERENCES shop.clubs (partner_id),
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'refunded')),
  saga_state text NOT NULL CHECK (saga_state IN ('reserved', 'held', 'settled', 'voiding')),
  idempotency_key text NOT NULL,
  asset text NOT NULL DEFAULT 'EUR',
  subtotal numeric(78, 0) NOT NULL,
  discount_total numeric(78, 0) NOT NULL,
  total numeric(78, 0) NOT NULL CHECK (total >= 0),
  discounts jsonb NOT NULL DEFAULT '[]',
  discount_code text,
  -- [{ promotionId, amount }] taken from promotion budgets, given back when the order fails or is refunded.
  promotion_uses jsonb NOT NULL DEFAULT '[]',
  cashback_bps integer NOT NULL,
  cashback_amount numeric(78, 0) NOT NULL,
  cashback_status text NOT NULL DEFAULT 'pending' CHECK (cashback_status IN ('pending', 'credited', 'reversed')),
  refunded_amount numeric(78, 0) NOT NULL DEFAULT 0,
  hold_id uuid,
  failure_code text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One live order per checkout key; a failed attempt frees the key for a retry.
CREATE UNIQUE INDEX orders_idempotency ON shop.orders (user_id, idempotency_key) WHERE status <> 'failed';
CREATE INDEX orders_user ON shop.orders (user_id, created_at DESC, id DESC);
CREATE INDEX orders_recovery ON shop.orders (updated_at) WHERE saga_state IN ('reserved', 'held', 'voiding');
CREATE INDEX orders_cashback_due ON shop.orders (updated_at) WHERE status = 'paid' AND cashback_status = 'pending';

CREATE TABLE shop.order_items (
  order_id uuid NOT NULL REFERENCES shop.orders (id),
  position integer NOT NULL,
  product_id uuid NOT NULL,
  variant_id uuid NOT NULL,
  name text NOT NULL,
  variant_label text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(78, 0) NOT NULL,
  original_unit_price numeric(78, 0) NOT NULL,
  line_total numeric(78, 0) NOT NULL,
  collectible boolean NOT NULL DEFAULT false,
  PRIMARY KEY (order_id, position)
);

CREATE TABLE shop.order_history (
  id bigserial PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES shop.orders (id),
  status text NOT NULL,
  detail text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_history_order ON shop.order_history (order_id, id);

-- Numbered collectibles and their hash-chained, Ed25519-signed provenance.
CREATE TABLE shop.collectibles (
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES shop.products (id),
  serial integer NOT NULL CHECK (serial > 0),
  owner_id uuid NOT NULL,
  order_id uuid NOT NULL REFERENCES shop.orders (id),
  revoked boolean NOT NULL DEFAULT false,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, serial)
);
CREATE INDEX collectibles_owner ON shop.collectibles (owner_id, acquired_at DESC, id);

CREATE TABLE shop.provenance (
  collectible_id uuid NOT NULL REFERENCES shop.collectibles (id),
  seq integer NOT NULL,
  event text NOT NULL CHECK (event IN ('minted', 'transferred')),
  owner_id uuid NOT NULL,
  at text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  signature text NOT NULL,
  PRIMARY KEY (collectible_id, seq)
);

CREATE TABLE shop.signing_keys (
  id text PRIMARY KEY,
  private_key text NOT NULL,
  public_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
