import type { Database, Queryable } from '../db/database.ts';
import { quoteIdent } from '../db/postgres.ts';
import type { DomainEvent, Subscription } from './event.ts';

export interface ConsumerDefinition {
  /** Unique consumer name, e.g. "wallet.fan-accounts". */
  name: string;
  topics: string[];
  /** Runs inside the transaction that records the event as processed. */
  handle(event: DomainEvent, tx: Queryable): Promise<void>;
}

export interface ConsumerObserver {
  processed(event: DomainEvent, consumer: string): void;
}

/**
 * Wraps a handler so each event id is processed once per consumer: the id is recorded in the
 * consumer service's own processed_events table in the same transaction as the handler's writes.
 */
export function idempotentSubscription(
  db: Database,
  schema: string,
  definition: ConsumerDefinition,
  observer?: ConsumerObserver,
): Subscription {
  const table = `${quoteIdent(schema)}.processed_events`;
  return {
    consumer: definition.name,
    topics: definition.topics,
    handler: async (event) => {
      const fresh = await db.transaction(async (tx) => {
        const inserted = await tx.query(
          `INSERT INTO ${table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [definition.name, event.id],
        );
        if (inserted.rowCount === 0) return false;
        await definition.handle(event, tx);
        return true;
      });
      if (fresh) observer?.processed(event, definition.name);
    },
  };
}
