import { Redis } from 'ioredis';
import { type Broadcaster, MemoryBroadcaster } from './broadcaster.ts';

/** Redis pub/sub: one subscriber connection per process, channels multiplexed locally. */
export class RedisBroadcaster implements Broadcaster {
  readonly #local = new MemoryBroadcaster();
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #counts = new Map<string, number>();

  constructor(
    url: string,
    private readonly prefix = 'pcf:fanout:',
  ) {
    this.#publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.#subscriber = new Redis(url, { lazyConnect: false });
    this.#subscriber.on('message', (channel: string, raw: string) => {
      try {
        this.#local.publish(channel.slice(this.prefix.length), JSON.parse(raw));
      } catch {
        // a malformed message is dropped: this channel only carries hints to refresh
      }
    });
  }

  publish(channel: string, message: unknown): void {
    this.#publisher.publish(this.prefix + channel, JSON.stringify(message)).catch(() => undefined);
  }

  subscribe(channel: string, listener: (message: unknown) => void): () => void {
    const count = this.#counts.get(channel) ?? 0;
    if (count === 0) this.#subscriber.subscribe(this.prefix + channel).catch(() => undefined);
    this.#counts.set(channel, count + 1);
    const off = this.#local.subscribe(channel, listener);
    return () => {
      off();
      const left = (this.#counts.get(channel) ?? 1) - 1;
      if (left > 0) this.#counts.set(channel, left);
      else {
        this.#counts.delete(channel);
        this.#subscriber.unsubscribe(this.prefix + channel).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    await this.#local.close();
    this.#subscriber.disconnect();
    await this.#publisher.quit().catch(() => undefined);
  }
}
