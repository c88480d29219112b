import type { Database, Queryable } from '@pcf/kernel';
import type { LivePrice, PricedPromotion, PromotionUse } from './pricing.ts';

export interface PromotionRow extends PricedPromotion {
  partnerId: string;
  kind: 'flash' | 'code';
  code: string | null;
  startsAt: string;
  archived: boolean;
}

export interface LiveSessionRow {
  id: string;
  partnerId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  streamUrl: string | null;
  viewers: number;
  isLive: boolean;
}

export interface LivePinRow {
  liveId: string;
  productId: string;
  variantId: string | null;
  livePrice: bigint;
}

const PROMOTION = `id, partner_id AS "partnerId", kind, code, label, type, value,
  product_ids AS "productIds", categories, to_json(starts_at) #>> '{}' AS "startsAt",
  to_json(ends_at) #>> '{}' AS "endsAt", budget_kind AS "budgetKind", budget, used, archived`;
const LIVE = `id, partner_id AS "partnerId", title, to_json(starts_at) #>> '{}' AS "startsAt",
  to_json(ends_at) #>> '{}' AS "endsAt", stream_url AS "streamUrl", viewers,
  (starts_at <= now() AND ends_at > now()) AS "isLive"`;

type RawPromotion = Omit<PromotionRow, 'value'> & { value: string };
const toPromotion = (row: RawPromotion): PromotionRow => ({ ...row, value: BigInt(row.value) });

/** Flash sales, discount codes and live sessions: the only file with their SQL. */
export class PromotionsRepository {
  constructor(private readonly db: Database) {}

  /** Flash sales of a club running now. */
  async activeFlash(partnerIds: string[], tx: Queryable = this.db): Promise<PromotionRow[]> {
    if (partnerIds.length === 0) return [];
    const result = await tx.query<RawPromotion>(
      `SELECT ${PROMOTION} FROM shop.promotions
       WHERE partner_id = ANY($1::uuid[]) AND kind = 'flash' AND NOT archived
         AND starts_at <= now() AND ends_at > now()`,
      [partnerIds],
    );
    return result.rows.map(toPromotion);
  }

  /** A discount code of a club usable now (not archived, in its dates). */
  async activeCode(
    partnerId: string,
    code: string,
    tx: Queryable = this.db,
  ): Promise<PromotionRow | undefined> {
    const result = await tx.query<RawPromotion>(
      `SELECT ${PROMOTION} FROM shop.promotions
       WHERE partner_id = $1 AND code = $2 AND NOT archived AND starts_at <= now() AND ends_at > now()`,
      [partnerId, code],
    );
    const row = result.rows[0];
    return row ? toPromotion(row) : undefined;
  }

  /** A club's discount code whatever its state (ended, archived), or undefined when the club has no such code. */
  async findCode(
    partnerId: string,
    code: string,
    tx: Queryable = this.db,
  ): Promise<PromotionRow | undefined> {
    const result = await tx.query<RawPromotion>(
      `SELECT ${PROMOTION} FROM shop.promotions WHERE partner_id = $1 AND code = $2`,
      [partnerId, code],
    );
    const row = result.rows[0];
    return row ? toPromotion(row) : undefined;
  }

  async listPromotions(partnerId: string): Promise<PromotionRow[]> {
    const result = await this.db.query<RawPromotion>(
      `SELECT ${PROMOTION} FROM shop.promotions WHERE partner_id = $1 ORDER BY created_at DESC, id`,
      [partnerId],
    );
    return result.rows.map(toPromotion);
  }

  async findPromotion(id: string): Promise<PromotionRow | undefined> {
    const result = await this.db.query<RawPromotion>(
      `SELECT ${PROMOTION} FROM shop.promotions WHERE id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row ? toPromotion(row) : undefined;
  }

  async insertPromotion(p: Omit<PromotionRow, 'used' | 'archived'>, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      `INSERT INTO shop.promotions (id, partner_id, kind, code, label, type, value, product_ids, categories,
         starts_at, ends_at, budget_kind, budget)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::text[], $10, $11, $12, $13)`,
      [
        p.id,
        p.partnerId,
        p.kind,
        p.code,
        p.label,
        p.type,
        p.value.toString(),
        p.productIds,
        p.categories,
        p.startsAt,
        p.endsAt,
        p.budgetKind,
        p.budget,
      ],
    );
  }

  async updatePromotion(
    id: string,
    changes: { label?: string; endsAt?: string; archived?: boolean },
  ): Promise<void> {
    await this.db.query(
      `UPDATE shop.promotions SET label = COALESCE($2, label), ends_at = COALESCE($3::timestamptz, ends_at),
         archived = COALESCE($4::boolean, archived), updated_at = now() WHERE id = $1`,
      [id, changes.label ?? null, changes.endsAt ?? null, changes.archived ?? null],
    );
  }

  /**
   * Takes budget for one order: one conditional UPDATE per promotion, so the budget is never exceeded under
   * concurrency (a concurrent checkout's UPDATE waits for this one's commit, then re-checks the condition).
   * Returns the id of the first promotion that has ended or whose budget ran out (the caller rolls back), null when
   * every budget was taken.
   */
  async consume(tx: Queryable, uses: PromotionUse[]): Promise<string | null> {
    for (const use of [...uses].sort((a, b) => a.promotionId.localeCompare(b.promotionId))) {
      const result = await tx.query(
        `UPDATE shop.promotions SET used = used + $2
         WHERE id = $1 AND NOT archived AND starts_at <= now() AND ends_at > now()
           AND (budget IS NULL OR used + $2 <= budget)`,
        [use.promotionId, use.amount],
      );
      if (result.rowCount !== 1) return use.promotionId;
    }
    return null;
  }

  /**
   * Flash sales of a club that have ended (by date or archived) and were running or changed after `since` (ISO
   * 8601): those a cart last changed at `since` may have shown.
   */
  async flashEndedSince(partnerId: string, since: string, tx: Queryable = this.db): Promise<PromotionRow[]> {
    const result = await tx.query<RawPromotion>(
      `SELECT ${PROMOTION} FROM shop.promotions
       WHERE partner_id = $1 AND kind = 'flash' AND (archived OR ends_at <= now())
         AND (ends_at > $2::timestamptz OR updated_at > $2::timestamptz)`,
      [partnerId, since],
    );
    return result.rows.map(toPromotion);
  }

  /** Pins of live sessions of a club that have ended (by date or archived) after `since`, as for flashEndedSince. */
  async livePricesEndedSince(
    partnerId: string,
    since: string,
    tx: Queryable = this.db,
  ): Promise<LivePrice[]> {
    const result = await tx.query<Omit<LivePrice, 'price'> & { price: string }>(
      `SELECT s.id AS "liveId", s.title, lp.product_id AS "productId", lp.variant_id AS "variantId",
         lp.live_price AS price
       FROM shop.live_sessions s JOIN shop.live_products lp ON lp.live_id = s.id
       WHERE s.partner_id = $1 AND (s.archived OR s.ends_at <= now())
         AND (s.ends_at > $2::timestamptz OR s.updated_at > $2::timestamptz)`,
      [partnerId, since],
    );
    return result.rows.map((r) => ({ ...r, price: BigInt(r.price) }));
  }

  /** Gives budget back (failed or refunded order). */
  async release(tx: Queryable, uses: PromotionUse[]): Promise<void> {
    for (const use of [...uses].sort((a, b) => a.promotionId.localeCompare(b.promotionId))) {
      await tx.query('UPDATE shop.promotions SET used = greatest(used - $2, 0) WHERE id = $1', [
        use.promotionId,
        use.amount,
      ]);
    }
  }

  /** Live pins of sessions running now. */
  async livePrices(partnerIds: string[], tx: Queryable = this.db): Promise<LivePrice[]> {
    if (partnerIds.length === 0) return [];
    const result = await tx.query<Omit<LivePrice, 'price'> & { price: string }>(
      `SELECT s.id AS "liveId", s.title, lp.product_id AS "productId", lp.variant_id AS "variantId",
         lp.live_price AS price
       FROM shop.live_sessions s JOIN shop.live_products lp ON lp.live_id = s.id
       WHERE s.partner_id = ANY($1::uuid[]) AND NOT s.archived AND s.starts_at <= now() AND s.ends_at > now()`,
      [partnerIds],
    );
    return result.rows.map((r) => ({ ...r, price: BigInt(r.price) }));
  }

  /** Current and upcoming sessions of a club. */
  async listLive(partnerId: string): Promise<LiveSessionRow[]> {
    const result = await this.db.query<LiveSessionRow>(
      `SELECT ${LIVE} FROM shop.live_sessions WHERE partner_id = $1 AND NOT archived AND ends_at > now()
       ORDER BY starts_at, id LIMIT 50`,
      [partnerId],
    );
    return result.rows;
  }

  async findLive(id: string): Promise<LiveSessionRow | undefined> {
    const result = await this.db.query<LiveSessionRow>(
      `SELECT ${LIVE} FROM shop.live_sessions WHERE id = $1 AND NOT archived`,
      [id],
    );
    return result.rows[0];
  }

  async pinsOf(liveIds: string[]): Promise<LivePinRow[]> {
    if (liveIds.length === 0) return [];
    const result = await this.db.query<Omit<LivePinRow, 'livePrice'> & { livePrice: string }>(
      `SELECT live_id AS "liveId", product_id AS "productId", variant_id AS "variantId", live_price AS "livePrice"
       FROM shop.live_products WHERE live_id = ANY($1::uuid[]) ORDER BY live_id, position`,
      [liveIds],
    );
    return result.rows.map((r) => ({ ...r, livePrice: BigInt(r.livePrice) }));
  }

  async saveLive(
    live: Omit<LiveSessionRow, 'viewers' | 'isLive'>,
    pins: Omit<LivePinRow, 'liveId'>[] | undefined,
    tx: Queryable,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.live_sessions (id, partner_id, title, starts_at, ends_at, stream_url)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,
         ends_at = EXCLUDED.ends_at, stream_url = EXCLUDED.stream_url, updated_at = now()`,
      [live.id, live.partnerId, live.title, live.startsAt, live.endsAt, live.streamUrl],
    );
    if (!pins) return;
    await tx.query('DELETE FROM shop.live_products WHERE live_id = $1', [live.id]);
    for (const [position, pin] of pins.entries()) {
      await tx.query(
        `INSERT INTO shop.live_products (live_id, position, product_id, variant_id, live_price)
         VALUES ($1, $2, $3, $4, $5)`,
        [live.id, position, pin.productId, pin.variantId, pin.livePrice.toString()],
      );
    }
  }

  async archiveLive(id: string): Promise<void> {
    await this.db.query('UPDATE shop.live_sessions SET archived = true, updated_at = now() WHERE id = $1', [
      id,
    ]);
  }

  /**
   * Counts a viewer of a live session once: records `viewerHash` (first time only) and adds one viewer if it is
   * new, in one transaction. Answers the session's viewer count, undefined when there is no such session.
   */
  async join(id: string, viewerHash: string): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      const added = await tx.query(
        `INSERT INTO shop.live_viewers (live_id, viewer_hash)
         SELECT id, $2 FROM shop.live_sessions WHERE id = $1 AND NOT archived
         ON CONFLICT DO NOTHING`,
        [id, viewerHash],
      );
      const result = await tx.query<{ viewers: number }>(
        added.rowCount === 1
          ? 'UPDATE shop.live_sessions SET viewers = viewers + 1 WHERE id = $1 RETURNING viewers'
          : 'SELECT viewers FROM shop.live_sessions WHERE id = $1 AND NOT archived',
        [id],
      );
      return result.rows[0]?.viewers;
    });
  }
}
