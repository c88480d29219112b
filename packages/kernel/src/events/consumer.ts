import type { Database, Queryable } from '../db/database.ts';
import { quoteIdent } from '../db/postgres.ts';
import type { DomainEvent, Subscription } from './event.ts';
import { type EventOf, payloadProblems, type Topic } from './topic.ts';

/**
 * A consumer declared on one or more topics: its handler receives events whose payload is typed (and, at run time,
 * checked) by those topics' schemas. Build one with defineConsumer so that T is inferred from `topics`.
 */
export interface ConsumerDefinition<T extends Topic = Topic> {
  /** Unique consumer name, e.g. "wallet.fan-accounts". */
  name: string;
  topics: readonly T[];
  /** Runs inside the transaction that records the event as processed. */
  handle(event: EventOf<T>, tx: Queryable): Promise<void>;
}

/** Types a consumer from the topics it lists (identity function). */
export function defineConsumer<T extends Topic>(definition: ConsumerDefinition<T>): ConsumerDefinition<T> {
  return definition;
}

export interface ConsumerObserver {
  processed(event: DomainEvent, consumer: string): void;
  /**
   * An event whose payload does not match its topic's schema: it was not given to the handler and will not be
   * (it counts as delivered, like a malformed Redis entry). `problems` lists the mismatches ("<path> <message>").
   */
  rejected?(event: DomainEvent, consumer: string, problems: string[]): void;
}

/**
 * Wraps a handler so each event id is processed once per consumer: the id is recorded in the consumer service's own
 * processed_events table in the same transaction as the handler's writes.
 *
 * The payload is checked against the topic's schema first. An invalid one never reaches the handler and is not
 * retried (a redelivery would be just as invalid): it is reported to `observer.rejected` (the platform logs it at
 * error level with the whole event) and the subscription returns normally, so the bus acknowledges it and carries on.
 */
export function idempotentSubscription(
  db: Database,
  schema: string,
  definition: ConsumerDefinition,
  observer?: ConsumerObserver,
): Subscription {
  const table = `${quoteIdent(schema)}.processed_events`;
  const topics = new Map(definition.topics.map((t) => [t.name, t]));
  const rejected = (event: DomainEvent, consumer: string, problems: string[]) => {
    if (observer?.rejected) observer.rejected(event, consumer, problems);
    else {
      process.emitWarning(`${consumer} skipped event ${event.id} (${event.topic}): ${problems.join('; ')}`, {
        code: 'PCF_EVENT_REJECTED',
      });
    }
  };
  return {
    consumer: definition.name,
    topics: [...topics.keys()],
    handler: async (event) => {
      const topic = topics.get(event.topic);
      const problems = topic
        ? payloadProblems(topic, event.payload)
        : [`/ topic ${event.topic} is not consumed`];
      if (problems.length > 0) {
        rejected(event, definition.name, problems);
        return;
      }
      const fresh = await db.transaction(async (tx) => {
        const inserted = await tx.query(
          `INSERT INTO ${table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
          [definition.name, event.id],
        );
        if (inserted.rowCount === 0) return false;
        // The payload was checked against the topic's schema just above.
        await definition.handle(event as EventOf<Topic>, tx);
        return true;
      });
      if (fresh) observer?.processed(event, definition.name);
    },
  };
}
