import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { quoteIdent } from '../db/postgres.ts';
import { assertPayload, type EventOf, type PayloadOf, type Topic } from './topic.ts';

export interface OutboxOptions {
  /**
   * Check every payload against its topic's schema before writing it (InvalidEventPayloadError). Default: on,
   * unless NODE_ENV is `production` — the types already guarantee the shape there, and consumers check what they read.
   */
  validate?: boolean;
}

/** An event ready to be written by a repository's own statement (see Outbox.encode). */
export interface EncodedEvent {
  /** The topic's name, a SQL text parameter. */
  topic: string;
  /** The emitting service. */
  source: string;
  /** The payload as JSON text, for a `$n::jsonb` parameter. */
  payload: string;
}

/** Writes events into a service's own outbox table, inside the caller's transaction. */
export class Outbox {
  /**
   * The quoted, schema-qualified outbox table, for repositories that write their events in the same SQL statement
   * as the change itself (columns: id, topic, source, payload, created_at — the rest have defaults).
   */
  readonly table: string;
  readonly #validate: boolean;

  constructor(
    readonly schema: string,
    readonly source: string,
    options: OutboxOptions = {},
  ) {
    this.table = `${quoteIdent(schema)}.outbox`;
    this.#validate = options.validate ?? process.env.NODE_ENV !== 'production';
  }

  /**
   * Writes one event of `topic` in the caller's transaction: it exists if and only if that transaction commits.
   * The payload is typed by the topic's schema. Throws if the topic belongs to another service, and
   * InvalidEventPayloadError if validation is on and the payload does not match.
   */
  async publish<T extends Topic>(tx: Queryable, topic: T, payload: PayloadOf<T>): Promise<EventOf<T>> {
    const encoded = this.encode(topic, payload);
    const event = {
      id: randomUUID(),
      topic: topic.name,
      source: this.source,
      occurredAt: new Date().toISOString(),
      payload,
    } as EventOf<T>;
    await tx.query(
      `INSERT INTO ${this.table} (id, topic, source, payload, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)`,
      [event.id, encoded.topic, encoded.source, encoded.payload, event.occurredAt],
    );
    return event;
  }

  /**
   * The row a repository writes itself when the event must be part of one SQL statement with the change (the
   * wallet's one-statement operations): same checks as publish, nothing written.
   */
  encode<T extends Topic>(topic: T, payload: PayloadOf<T>): EncodedEvent {
    if (topic.source !== this.source) {
      throw new Error(`${this.source} cannot publish ${topic.name}: a service publishes only its own topics`);
    }
    if (this.#validate) assertPayload(topic, payload);
    return { topic: topic.name, source: this.source, payload: JSON.stringify(payload) };
  }
}
