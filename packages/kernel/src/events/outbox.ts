import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { quoteIdent } from '../db/postgres.ts';
import type { DomainEvent } from './event.ts';

/** Writes events into a service's own outbox table, inside the caller's transaction. */
export class Outbox {
  /**
   * The quoted, schema-qualified outbox table, for repositories that write their events in the same SQL statement
   * as the change itself (columns: id, topic, source, payload, created_at — the rest have defaults).
   */
  readonly table: string;

  constructor(
    readonly schema: string,
    readonly source: string,
  ) {
    this.table = `${quoteIdent(schema)}.outbox`;
  }

  async add<P extends Record<string, unknown>>(
    tx: Queryable,
    topic: string,
    payload: P,
  ): Promise<DomainEvent<P>> {
    const event: DomainEvent<P> = {
      id: randomUUID(),
      topic,
      source: this.source,
      occurredAt: new Date().toISOString(),
      payload,
    };
    await tx.query(
      `INSERT INTO ${this.table} (id, topic, source, payload, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)`,
      [event.id, topic, event.source, JSON.stringify(payload), event.occurredAt],
    );
    return event;
  }
}
