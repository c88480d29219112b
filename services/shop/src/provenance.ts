import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { CollectiblesRepository, ProvenanceRow } from './collectibles.repository.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface ProvenanceFacts {
  collectibleId: string;
  productId: string;
  serial: number;
  seq: number;
  event: 'minted' | 'transferred';
  ownerId: string;
  at: string;
  prevHash: string;
}

/** The exact bytes hashed for one record: a fixed field order, so the hash is reproducible. */
export function canonical(facts: ProvenanceFacts): string {
  return JSON.stringify([
    facts.collectibleId,
    facts.productId,
    facts.serial,
    facts.seq,
    facts.event,
    facts.ownerId,
    facts.at,
    facts.prevHash,
  ]);
}

export function hashRecord(facts: ProvenanceFacts): string {
  return createHash('sha256').update(canonical(facts)).digest('hex');
}

/** Ed25519 key that signs provenance records; generated once and kept in the shop schema. */
export class ProvenanceSigner {
  private constructor(
    readonly keyId: string,
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  static async load(repository: CollectiblesRepository): Promise<ProvenanceSigner> {
    let stored = await repository.signingKey();
    if (!stored) {
      const pair = generateKeyPairSync('ed25519');
      await repository.insertSigningKey({
        id: `shop-${Date.now().toString(36)}`,
        privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      });
      stored = (await repository.signingKey())!;
    }
    return new ProvenanceSigner(
      stored.id,
      createPrivateKey(stored.privateKey),
      createPublicKey(stored.publicKey),
    );
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  record(facts: ProvenanceFacts): Omit<ProvenanceRow, 'collectibleId'> {
    const hash = hashRecord(facts);
    return {
      seq: facts.seq,
      event: facts.event,
      ownerId: facts.ownerId,
      at: facts.at,
      prevHash: facts.prevHash,
      hash,
      signature: sign(null, Buffer.from(hash, 'hex'), this.privateKey).toString('base64'),
    };
  }
}

/**
 * Checks a collectible's provenance: every record's hash matches its content, links to the previous one, and
 * carries a valid Ed25519 signature; the last owner is the current owner.
 */
export function verifyProvenance(
  item: { id: string; productId: string; serial: number; ownerId: string },
  records: ProvenanceRow[],
  publicKey: KeyObject,
): { valid: boolean; problems: string[] } {
  const problems: string[] = [];
  let prevHash = GENESIS_HASH;
  if (records.length === 0) problems.push('no provenance records');
  for (const [index, record] of records.entries()) {
    const expected = hashRecord({
      collectibleId: item.id,
      productId: item.productId,
      serial: item.serial,
      seq: record.seq,
      event: record.event,
      ownerId: record.ownerId,
      at: record.at,
      prevHash: record.prevHash,
    });
    if (record.seq !== index + 1) problems.push(`record ${index + 1}: sequence is ${record.seq}`);
    if (record.prevHash !== prevHash)
      problems.push(`record ${record.seq}: does not link to the previous record`);
    if (record.hash !== expected) problems.push(`record ${record.seq}: content does not match its hash`);
    const signed = /^[0-9a-f]{64}$/.test(record.hash)
      ? verify(null, Buffer.from(record.hash, 'hex'), publicKey, Buffer.from(record.signature, 'base64'))
      : false;
    if (!signed) problems.push(`record ${record.seq}: signature is invalid`);
    prevHash = record.hash;
  }
  const last = records.at(-1);
  if (last && last.ownerId !== item.ownerId)
    problems.push('the current owner is not the last recorded owner');
  return { valid: problems.length === 0, problems };
}
