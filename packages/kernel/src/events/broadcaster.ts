import { EventEmitter } from 'node:events';

/**
 * Fire-and-forget fan-out to every process (live updates to open widgets). Not durable: state lives in the
 * database and the outbox; a missed message only delays a refresh.
 */
export interface Broadcaster {
  publish(channel: string, message: unknown): void;
  /** Returns an unsubscribe function. */
  subscribe(channel: string, listener: (message: unknown) => void): () => void;
  close(): Promise<void>;
}

export class MemoryBroadcaster implements Broadcaster {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, message: unknown): void {
    this.#emitter.emit(channel, message);
  }

  subscribe(channel: string, listener: (message: unknown) => void): () => void {
    this.#emitter.on(channel, listener);
    return () => this.#emitter.off(channel, listener);
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners();
  }
}
