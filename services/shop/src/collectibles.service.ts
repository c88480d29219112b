import { randomUUID } from 'node:crypto';
import { decodeOffsetCursor, encodeCursor, type Page, type Queryable } from '@pcf/kernel';
import type { Locale } from './catalogue.service.ts';
import type { CollectibleRow, CollectiblesRepository, ProvenanceRow } from './collectibles.repository.ts';
import { iso } from './money.ts';
import type { OrderItemRow } from './orders.repository.ts';
import { GENESIS_HASH, type ProvenanceSigner, verifyProvenance } from './provenance.ts';
import { collectibleNotFound, outOfStock } from './shop.errors.ts';
import type { CollectionItem } from './shop.schema.ts';

/** Numbered NFT-style collectibles: minted when an order is paid, each with a signed provenance chain. */
export class CollectiblesService {
  constructor(
    private readonly repository: CollectiblesRepository,
    private readonly signer: ProvenanceSigner,
  ) {}

  /** Inside the transaction that marks the order paid: serials come from one row-locked counter per product. */
  async mint(tx: Queryable, order: { id: string; userId: string }, items: OrderItemRow[]): Promise<void> {
    const at = new Date().toISOString();
    for (const item of items.filter((i) => i.collectible)) {
      const first = await this.repository.allocateSerials(tx, item.productId, item.quantity);
      if (first === undefined) throw outOfStock(item.name, 0);
      for (let serial = first; serial < first + item.quantity; serial++) {
        const id = randomUUID();
        const record = this.signer.record({
          collectibleId: id,
          productId: item.productId,
          serial,
          seq: 1,
          event: 'minted',
          ownerId: order.userId,
          at,
          prevHash: GENESIS_HASH,
        });
        await this.repository.insert(
          tx,
          { id, productId: item.productId, serial, ownerId: order.userId, orderId: order.id },
          record,
        );
      }
    }
  }

  async collection(
    userId: string,
    locale: Locale,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<CollectionItem>> {
    const offset = cursor ? decodeOffsetCursor(cursor) : 0;
    const rows = await this.repository.listForOwner(userId, limit, offset);
    const page = rows.slice(0, limit);
    const records = await this.repository.provenance(page.map((r) => r.id));
    return {
      data: page.map((row) =>
        view(
          row,
          records.filter((r) => r.collectibleId === row.id),
          locale,
        ),
      ),
      nextCursor: rows.length > limit ? encodeCursor([offset + limit]) : null,
    };
  }

  async verify(userId: string, id: string) {
    const item = await this.repository.find(id);
    if (!item || item.ownerId !== userId) throw collectibleNotFound();
    const records = await this.repository.provenance([id]);
    return {
      id,
      ...verifyProvenance(item, records, this.signer.publicKey),
      keyId: this.signer.keyId,
      publicKey: this.signer.publicKeyPem(),
    };
  }

  publicKey() {
    return { keyId: this.signer.keyId, algorithm: 'Ed25519', publicKey: this.signer.publicKeyPem() };
  }
}

function view(row: CollectibleRow, records: ProvenanceRow[], locale: Locale): CollectionItem {
  return {
    id: row.id,
    productId: row.productId,
    name: locale === 'en' ? row.nameEn : row.nameFr,
    serial: row.editionSize ? `#${row.serial}/${row.editionSize}` : `#${row.serial}`,
    number: row.serial,
    acquiredAt: iso(row.acquiredAt),
    orderId: row.orderId,
    provenance: records.map((r) => ({
      seq: r.seq,
      event: r.event,
      owner: r.ownerId,
      at: r.at,
      hash: r.hash,
      prevHash: r.prevHash,
      signature: r.signature,
    })),
  };
}
