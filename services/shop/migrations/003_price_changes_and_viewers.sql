-- Checkout tells the fan which promotion ended since the cart last changed (409 promotion_ended): when a flash
-- sale, discount code or live session was last changed (archived, new end date), next to its own dates.
ALTER TABLE shop.promotions ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE shop.live_sessions ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Live viewers are counted once per viewer and session: a signed-in fan by user id, an anonymous viewer by the
-- widget's random viewer id (else the network address). Only a SHA-256 of that key is kept.
CREATE TABLE shop.live_viewers (
  live_id uuid NOT NULL REFERENCES shop.live_sessions (id) ON DELETE CASCADE,
  viewer_hash text NOT NULL,
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (live_id, viewer_hash)
);
