import { createHash } from 'node:crypto';
import type { Database, Queryable } from '@pcf/kernel';
import type { JournalRepository, JournalTransaction } from './journal.repository.ts';

export interface AuditReport {
  ok: boolean;
  checkedTransactions: number;
  unsealedTransactions: number;
  problems: string[];
}

const GENESIS = '0'.repeat(64);

/** The canonical bytes of a posted transaction: any change to it or its entries changes its hash. */
export function transactionDigest(t: JournalTransaction): string {
  const entries = [...t.entries]
    .sort((a, b) => (a.accountId + a.asset + a.amount < b.accountId + b.asset + b.amount ? -1 : 1))
    .map((e) => `${e.accountId}:${e.asset}:${e.amount}`)
    .join(';');
  return `${t.id}|${t.kind}|${t.reference ?? ''}|${t.metadata}|${t.createdMicros}|${entries}`;
}

export function chainHash(prevHash: string, t: JournalTransaction): string {
  return createHash('sha256').update(prevHash).update('\n').update(transactionDigest(t)).digest('hex');
}

/**
 * Seals posted transactions into a hash chain (each link covers the previous hash and the transaction's content)
 * and audits the ledger: balances recomputed from entries, per-asset sums, the chain re-hashed.
 */
export class JournalService {
  constructor(
    private readonly db: Database,
    private readonly repository: JournalRepository,
  ) {}

  /** Appends every unsealed transaction to the chain; returns how many. Only one sealer runs at a time (head row lock). */
  async seal(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.db.transaction(async (tx: Queryable) => {
        const head = await this.repository.lockHead(tx);
        const pending = await this.repository.unsealed(tx, batch);
        let { position, hash } = head;
        const rows = pending.map((t) => {
          const prevHash = hash;
          hash = chainHash(prevHash, t);
          position++;
          return { position, transactionId: t.id, prevHash, hash };
        });
        await this.repository.appendSealed(tx, rows);
        return rows.length;
      });
      total += sealed;
      if (sealed < batch) return total;
    }
  }

  async audit(): Promise<AuditReport> {
    const problems: string[] = [];
    for (const m of await this.repository.balanceMismatches()) {
      if (m.posted !== m.from_entries) {
        problems.push(
          `account ${m.id} (${m.owner_type} ${m.owner_id}, ${m.asset}): stored balance ${m.posted} but its entries sum to ${m.from_entries}`,
        );
      }
      if (m.pending !== m.from_holds) {
        problems.push(
          `account ${m.id} (${m.owner_type} ${m.owner_id}, ${m.asset}): stored holds ${m.pending} but active holds sum to ${m.from_holds}`,
        );
      }
    }
    const { perAsset, perTransaction } = await this.repository.imbalances();
    for (const row of perAsset) problems.push(`asset ${row.asset}: entries sum to ${row.total}, not 0`);
    for (const row of perTransaction) {
      problems.push(`transaction ${row.transaction_id}: ${row.asset} entries sum to ${row.total}, not 0`);
    }
    for (const a of await this.repository.negativeFanAccounts()) {
      problems.push(
        `fan account ${a.id} (${a.owner_id}, ${a.asset}) is negative: posted ${a.posted}, holds ${a.pending}`,
      );
    }

    let expectedPrev = GENESIS;
    let position = 0;
    let checked = 0;
    for (;;) {
      const page = await this.repository.journalPage(position, 1000);
      if (page.length === 0) break;
      for (const link of page) {
        if (link.position !== position + 1) problems.push(`journal: position ${position + 1} is missing`);
        if (link.prevHash !== expectedPrev)
          problems.push(`journal position ${link.position}: does not link to the previous hash`);
        if (!link.transaction) {
          problems.push(
            `journal position ${link.position}: transaction ${link.transactionId} no longer exists`,
          );
        } else if (chainHash(link.prevHash, link.transaction) !== link.hash) {
          problems.push(
            `transaction ${link.transactionId} (journal position ${link.position}): content changed after it was posted`,
          );
        }
        expectedPrev = link.hash;
        position = link.position;
        checked++;
      }
    }
    const head = await this.repository.head();
    if (head.position !== position || head.hash !== expectedPrev) {
      problems.push(
        `journal head (position ${head.position}) does not match the last link (position ${position})`,
      );
    }
    const counts = await this.repository.counts();
    return {
      ok: problems.length === 0,
      checkedTransactions: checked,
      unsealedTransactions: counts.transactions - counts.sealed,
      problems,
    };
  }
}
