import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CollectiblesRepository, ProvenanceRow } from '../src/collectibles.repository.ts';
import {
  canonical,
  GENESIS_HASH,
  hashRecord,
  ProvenanceSigner,
  verifyProvenance,
} from '../src/provenance.ts';

/** Signed provenance chains of collectibles (provenance.ts), checked without a database. */

/** The two methods ProvenanceSigner.load uses, over memory. */
function memoryKeys(): CollectiblesRepository {
  let stored: { id: string; privateKey: string; publicKey: string } | undefined;
  const keys = {
    signingKey: async () => stored,
    insertSigningKey: async (key: { id: string; privateKey: string; publicKey: string }) => {
      stored ??= key;
    },
  };
  return keys as unknown as CollectiblesRepository;
}

const item = { id: 'c-1', productId: 'p-1', serial: 7, ownerId: 'bob' };

/** Minted to alice, then transferred to bob. */
function chain(signer: ProvenanceSigner): ProvenanceRow[] {
  const base = { collectibleId: item.id, productId: item.productId, serial: item.serial };
  const minted = signer.record({
    ...base,
    seq: 1,
    event: 'minted',
    ownerId: 'alice',
    at: '2026-05-01T10:00:00.000Z',
    prevHash: GENESIS_HASH,
  });
  const transferred = signer.record({
    ...base,
    seq: 2,
    event: 'transferred',
    ownerId: 'bob',
    at: '2026-05-02T10:00:00.000Z',
    prevHash: minted.hash,
  });
  return [minted, transferred].map((r) => ({ ...r, collectibleId: item.id }));
}

describe('provenance', () => {
  it('hashes a fixed field order, so a record’s hash is reproducible', () => {
    const facts = {
      collectibleId: 'c',
      productId: 'p',
      serial: 1,
      seq: 1,
      event: 'minted' as const,
      ownerId: 'o',
      at: '2026-01-01T00:00:00.000Z',
      prevHash: GENESIS_HASH,
    };
    expect(canonical(facts)).toBe(`["c","p",1,1,"minted","o","2026-01-01T00:00:00.000Z","${GENESIS_HASH}"]`);
    expect(hashRecord(facts)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecord({ ...facts, ownerId: 'x' })).not.toBe(hashRecord(facts));
  });

  it('keeps one signing key: a second load reads the stored one', async () => {
    const keys = memoryKeys();
    const first = await ProvenanceSigner.load(keys);
    const second = await ProvenanceSigner.load(keys);
    expect(second.keyId).toBe(first.keyId);
    expect(second.publicKeyPem()).toBe(first.publicKeyPem());
  });

  it('verifies an intact chain whose last owner is the current owner', async () => {
    const signer = await ProvenanceSigner.load(memoryKeys());
    expect(verifyProvenance(item, chain(signer), signer.publicKey)).toEqual({ valid: true, problems: [] });
  });

  it('detects an edited record, a dropped record, a foreign signature and an owner the chain does not end with', async () => {
    const signer = await ProvenanceSigner.load(memoryKeys());
    const [minted, transferred] = chain(signer) as [ProvenanceRow, ProvenanceRow];

    const edited = verifyProvenance(item, [{ ...minted, ownerId: 'mallory' }, transferred], signer.publicKey);
    expect(edited.problems).toEqual(['record 1: content does not match its hash']);

    const dropped = verifyProvenance(item, [transferred], signer.publicKey);
    expect(dropped.problems).toEqual([
      'record 1: sequence is 2',
      'record 2: does not link to the previous record',
    ]);

    const stranger = generateKeyPairSync('ed25519').publicKey;
    expect(verifyProvenance(item, [minted, transferred], stranger).problems).toEqual([
      'record 1: signature is invalid',
      'record 2: signature is invalid',
    ]);

    expect(
      verifyProvenance({ ...item, ownerId: 'alice' }, [minted, transferred], signer.publicKey).problems,
    ).toEqual(['the current owner is not the last recorded owner']);
    expect(verifyProvenance(item, [], signer.publicKey)).toEqual({
      valid: false,
      problems: ['no provenance records'],
    });
  });

  it('refuses a record whose hash is not a SHA-256 hex digest instead of throwing', async () => {
    const signer = await ProvenanceSigner.load(memoryKeys());
    const [minted] = chain(signer) as [ProvenanceRow];
    const result = verifyProvenance(
      { ...item, ownerId: 'alice' },
      [{ ...minted, hash: 'zz' }],
      signer.publicKey,
    );
    expect(result.problems).toEqual([
      'record 1: content does not match its hash',
      'record 1: signature is invalid',
    ]);
  });
});
