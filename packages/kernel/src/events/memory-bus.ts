import type { DomainEvent, EventBus, Subscription } from './event.ts';

/**
 * In-process bus: publish runs every matching handler and throws if one fails, so the
 * outbox relay keeps the event and delivers it again (handlers are idempotent).
 */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  readonly #subscriptions: Subscription[] = [];

  subscribe(subscription: Subscription): void {
    this.#subscriptions.push(subscription);
  }

  async publish(events: DomainEvent[]): Promise<void> {
    const failures: unknown[] = [];
    for (const event of events) {
      for (const subscription of this.#subscriptions) {
        if (!subscription.topics.includes(event.topic)) continue;
        try {
          await subscription.handler(event);
        } catch (error) {
          failures.push(error);
        }
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `${failures.length} event handler(s) failed; the events will be redelivered`,
      );
    }
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
