export interface DomainEvent<P = Record<string, unknown>> {
  /** Unique id; consumers remember it to process each event once. */
  id: string;
  topic: string;
  /** Service that emitted it. */
  source: string;
  occurredAt: string;
  payload: P;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface Subscription {
  /** Consumer group name, unique per consumer across the platform (e.g. "wallet.cashback"). */
  consumer: string;
  topics: string[];
  handler: EventHandler;
}

/** Carries events from outboxes to consumers; at-least-once. */
export interface EventBus {
  readonly kind: 'memory' | 'redis';
  /** Resolves once the events are durably handed over (memory: once every local handler succeeded). */
  publish(events: DomainEvent[]): Promise<void>;
  subscribe(subscription: Subscription): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
