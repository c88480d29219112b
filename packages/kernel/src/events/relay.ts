import type { Database } from '../db/database.ts';
import { quoteIdent } from '../db/postgres.ts';
import type { DomainEvent, EventBus } from './event.ts';

interface OutboxRow {
  id: string;
  topic: string;
  source: string;
  payload: Record<string, unknown>;
  created_at: Date | string;
  seq: string | number;
}

export interface RelayOptions {
  intervalMs?: number;
  batchSize?: number;
  /** How long a claimed batch stays invisible to other relays before it is retried. */
  claimMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Moves committed outbox rows onto the bus. Claim (short transaction) → publish → mark published;
 * a crash in between only delays: the claim expires and the batch is published again.
 */
export class OutboxRelay {
  readonly #table: string;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #claimMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #again = false;

  constructor(
    private readonly db: Database,
    schema: string,
    private readonly bus: EventBus,
    private readonly options: RelayOptions = {},
  ) {
    this.#table = `${quoteIdent(schema)}.outbox`;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#batchSize = options.batchSize ?? 100;
    this.#claimMs = options.claimMs ?? 10_000;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Ask for a pass soon (after a commit that wrote events). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass: publishes everything currently committed; returns how many events went out. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.#claim();
      if (batch.length === 0) return total;
      try {
        await this.bus.publish(batch);
      } catch (error) {
        await this.db.query(
          `UPDATE ${this.#table} SET claimed_until = now() + interval '1 second' * least(attempts, 30) WHERE id = ANY($1::uuid[])`,
          [batch.map((e) => e.id)],
        );
        throw error;
      }
      await this.db.query(`UPDATE ${this.#table} SET published_at = now() WHERE id = ANY($1::uuid[])`, [
        batch.map((e) => e.id),
      ]);
      total += batch.length;
    }
  }

  async pending(): Promise<number> {
    const result = await this.db.query<{ n: string | number }>(
      `SELECT count(*)::int AS n FROM ${this.#table} WHERE published_at IS NULL`,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  async #claim(): Promise<DomainEvent[]> {
    const result = await this.db.query<OutboxRow>(
      `UPDATE ${this.#table} o SET claimed_until = now() + $2 * interval '1 millisecond', attempts = o.attempts + 1
       WHERE o.id IN (
         SELECT id FROM ${this.#table}
         WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING o.id, o.topic, o.source, o.payload, o.created_at, o.seq`,
      [this.#batchSize, this.#claimMs],
    );
    return result.rows
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((row) => ({
        id: row.id,
        topic: row.topic,
        source: row.source,
        payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
        occurredAt: new Date(row.created_at).toISOString(),
      }));
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#running = this.flush()
        .then(
          () => undefined,
          (error: unknown) => this.options.onError?.(error),
        )
        .finally(() => {
          this.#running = undefined;
          if (this.#stopped) return;
          const again = this.#again;
          this.#again = false;
          this.#schedule(again ? 0 : this.#intervalMs);
        });
    }, delay);
    this.#timer.unref?.();
  }
}
