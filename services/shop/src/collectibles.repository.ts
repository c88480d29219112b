import type { Database, Queryable } from '@pcf/kernel';

export interface CollectibleRow {
  id: string;
  productId: string;
  serial: number;
  editionSize: number | null;
  nameFr: string;
  nameEn: string;
  ownerId: string;
  orderId: string;
  acquiredAt: string;
}

export interface ProvenanceRow {
  collectibleId: string;
  seq: number;
  event: 'minted' | 'transferred';
  ownerId: string;
  at: string;
  prevHash: string;
  hash: string;
  signature: string;
}

const PROVENANCE = `collectible_id AS "collectibleId", seq, event, owner_id AS "ownerId", at,
  prev_hash AS "prevHash", hash, signature`;

/** Numbered collectibles, their provenance chain and the signing key: the only file with their SQL. */
export class CollectiblesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Allocates `count` serials of a product in one conditional UPDATE (row-locked, so never duplicated,
   * never beyond the edition size). Returns the first serial, or undefined when the edition is sold out.
   */
  async allocateSerials(tx: Queryable, productId: string, count: number): Promise<number | undefined> {
    const result = await tx.query<{ minted: number }>(
      `UPDATE shop.products SET minted = minted + $2
       WHERE id = $1 AND (edition_size IS NULL OR minted + $2 <= edition_size) RETURNING minted`,
      [productId, count],
    );
    const minted = result.rows[0]?.minted;
    return minted === undefined ? undefined : minted - count + 1;
  }

  async insert(
    tx: Queryable,
    item: { id: string; productId: string; serial: number; ownerId: string; orderId: string },
    record: Omit<ProvenanceRow, 'collectibleId'>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.collectibles (id, product_id, serial, owner_id, order_id, acquired_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [item.id, item.productId, item.serial, item.ownerId, item.orderId, record.at],
    );
    await tx.query(
      `INSERT INTO shop.provenance (collectible_id, seq, event, owner_id, at, prev_hash, hash, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        item.id,
        record.seq,
        record.event,
        record.ownerId,
        record.at,
        record.prevHash,
        record.hash,
        record.signature,
      ],
    );
  }

  async revokeForOrder(tx: Queryable, orderId: string): Promise<void> {
    await tx.query('UPDATE shop.collectibles SET revoked = true WHERE order_id = $1', [orderId]);
  }

  async listForOwner(ownerId: string, limit: number, offset: number): Promise<CollectibleRow[]> {
    const result = await this.db.query<CollectibleRow>(
      `SELECT c.id, c.product_id AS "productId", c.serial, p.edition_size AS "editionSize", p.name_fr AS "nameFr",
         p.name_en AS "nameEn", c.owner_id AS "ownerId", c.order_id AS "orderId",
         to_json(c.acquired_at) #>> '{}' AS "acquiredAt"
       FROM shop.collectibles c JOIN shop.products p ON p.id = c.product_id
       WHERE c.owner_id = $1 AND NOT c.revoked ORDER BY c.acquired_at DESC, c.id LIMIT $2 OFFSET $3`,
      [ownerId, limit + 1, offset],
    );
    return result.rows;
  }

  async find(id: string): Promise<CollectibleRow | undefined> {
    const result = await this.db.query<CollectibleRow>(
      `SELECT c.id, c.product_id AS "productId", c.serial, p.edition_size AS "editionSize", p.name_fr AS "nameFr",
         p.name_en AS "nameEn", c.owner_id AS "ownerId", c.order_id AS "orderId",
         to_json(c.acquired_at) #>> '{}' AS "acquiredAt"
       FROM shop.collectibles c JOIN shop.products p ON p.id = c.product_id WHERE c.id = $1`,
      [id],
    );
    return result.rows[0];
  }

  async provenance(collectibleIds: string[]): Promise<ProvenanceRow[]> {
    if (collectibleIds.length === 0) return [];
    const result = await this.db.query<ProvenanceRow>(
      `SELECT ${PROVENANCE} FROM shop.provenance WHERE collectible_id = ANY($1::uuid[]) ORDER BY collectible_id, seq`,
      [collectibleIds],
    );
    return result.rows;
  }

  async signingKey(): Promise<{ id: string; privateKey: string; publicKey: string } | undefined> {
    const result = await this.db.query<{ id: string; privateKey: string; publicKey: string }>(
      `SELECT id, private_key AS "privateKey", public_key AS "publicKey" FROM shop.signing_keys
       ORDER BY created_at LIMIT 1`,
    );
    return result.rows[0];
  }

  /** Stores a key unless one exists (two processes starting together keep the first). */
  async insertSigningKey(key: { id: string; privateKey: string; publicKey: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO shop.signing_keys (id, private_key, public_key)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM shop.signing_keys)`,
      [key.id, key.privateKey, key.publicKey],
    );
  }
}
