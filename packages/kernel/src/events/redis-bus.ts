import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { DomainEvent, EventBus, Subscription } from './event.ts';

export interface RedisEventBusOptions {
  url: string;
  /** Each topic is the stream `${streamPrefix}${topic}`. */
  streamPrefix?: string;
  /** This process's name inside every consumer group; unique per process. */
  consumerId?: string;
  blockMs?: number;
  /** How long an entry stays unacknowledged before another consumer of the group takes it over. */
  claimIdleMs?: number;
  /** Approximate cap on each stream's length. */
  maxLen?: number;
  onError?: (error: unknown) => void;
  onDelivered?: (event: DomainEvent, consumer: string) => void;
}

interface Entry {
  id: string;
  fields: unknown;
}

const BATCH = 50;

/**
 * Redis Streams bus: one stream per topic, one consumer group per subscription. An entry is acked
 * only after its handler succeeded; entries left pending (handler failed, process crashed) are
 * reclaimed with XAUTOCLAIM once idle for claimIdleMs, by this process or another one of the group.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #consumerId: string;
  readonly #blockMs: number;
  readonly #claimIdleMs: number;
  readonly #maxLen: number;
  readonly #subscriptions: Subscription[] = [];
  readonly #readers: Redis[] = [];
  readonly #loops: Promise<void>[] = [];
  readonly #abort = new AbortController();
  #started = false;
  #stopped = false;

  constructor(private readonly options: RedisEventBusOptions) {
    this.#prefix = options.streamPrefix ?? 'pcf:events:';
    this.#consumerId = options.consumerId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.#blockMs = options.blockMs ?? 1000;
    this.#claimIdleMs = options.claimIdleMs ?? 30_000;
    this.#maxLen = options.maxLen ?? 100_000;
    this.#client = this.#connect();
  }

  async publish(events: DomainEvent[]): Promise<void> {
    if (this.#stopped) throw new Error('RedisEventBus is stopped');
    if (events.length === 0) return;
    const pipeline = this.#client.pipeline();
    for (const event of events) {
      pipeline.xadd(
        this.#stream(event.topic),
        'MAXLEN',
        '~',
        this.#maxLen,
        '*',
        'event',
        JSON.stringify(event),
      );
    }
    const results = await pipeline.exec();
    if (!results) throw new Error('Redis pipeline was aborted');
    const failure = results.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }

  subscribe(subscription: Subscription): void {
    this.#subscriptions.push(subscription);
    if (this.#started && !this.#stopped) this.#loops.push(this.#run(subscription, false));
  }

  async start(): Promise<void> {
    if (this.#started) return;
    if (this.#stopped) throw new Error('RedisEventBus is stopped');
    this.#started = true;
    await Promise.all(this.#subscriptions.map((s) => this.#createGroups(s)));
    for (const subscription of this.#subscriptions) this.#loops.push(this.#run(subscription, true));
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    // Interrupts blocked XREADGROUPs; an entry delivered at that instant stays pending and is reclaimed.
    for (const reader of this.#readers) reader.disconnect();
    await Promise.allSettled(this.#loops);
    await close(this.#client);
  }

  #connect(): Redis {
    const redis = new Redis(this.options.url, { lazyConnect: true });
    redis.on('error', (error) => this.options.onError?.(error));
    return redis;
  }

  #stream(topic: string): string {
    return `${this.#prefix}${topic}`;
  }

  async #createGroups(subscription: Subscription): Promise<void> {
    for (const topic of subscription.topics) {
      try {
        await this.#client.xgroup('CREATE', this.#stream(topic), subscription.consumer, '0', 'MKSTREAM');
      } catch (error) {
        if (!String(error).includes('BUSYGROUP')) throw error;
      }
    }
  }

  async #run(subscription: Subscription, groupsReady: boolean): Promise<void> {
    const reader = this.#connect();
    this.#readers.push(reader);
    const streams = subscription.topics.map((t) => this.#stream(t));
    let nextClaim = 0;
    while (!this.#stopped) {
      try {
        if (!groupsReady) {
          await this.#createGroups(subscription);
          groupsReady = true;
        }
        if (Date.now() >= nextClaim) {
          for (const stream of streams) await this.#claim(subscription, stream);
          nextClaim = Date.now() + this.#claimIdleMs / 2;
        }
        const blockMs = Math.max(1, Math.min(this.#blockMs, Math.ceil(nextClaim - Date.now())));
        const reply = await reader.xreadgroup(
          'GROUP',
          subscription.consumer,
          this.#consumerId,
          'COUNT',
          BATCH,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...streams,
          ...streams.map(() => '>'),
        );
        for (const [stream, entries] of streamReplies(reply)) {
          await this.#deliver(subscription, stream, entries);
        }
      } catch (error) {
        if (this.#stopped) break;
        this.options.onError?.(error);
        if (String(error).includes('NOGROUP')) groupsReady = false;
        await delay(Math.min(this.#blockMs, 1000), undefined, { signal: this.#abort.signal }).catch(() => {});
      }
    }
    await close(reader);
  }

  /** Takes over this group's entries that have stayed unacknowledged for claimIdleMs, then handles them. */
  async #claim(subscription: Subscription, stream: string): Promise<void> {
    let cursor = '0-0';
    do {
      const reply = await this.#client.xautoclaim(
        stream,
        subscription.consumer,
        this.#consumerId,
        this.#claimIdleMs,
        cursor,
        'COUNT',
        BATCH,
      );
      cursor = typeof reply[0] === 'string' ? reply[0] : '0-0';
      await this.#deliver(subscription, stream, toEntries(reply[1]));
    } while (cursor !== '0-0' && !this.#stopped);
  }

  async #deliver(subscription: Subscription, stream: string, entries: Entry[]): Promise<void> {
    for (const { id, fields } of entries) {
      if (this.#stopped) return;
      const event = parseEvent(fields);
      if (!event) {
        await this.#client.xack(stream, subscription.consumer, id);
        this.options.onError?.(new Error(`Malformed event ${stream}/${id} acknowledged and dropped`));
        continue;
      }
      try {
        await subscription.handler(event);
      } catch (error) {
        this.options.onError?.(error);
        continue;
      }
      await this.#client.xack(stream, subscription.consumer, id);
      this.options.onDelivered?.(event, subscription.consumer);
    }
  }
}

async function close(redis: Redis): Promise<void> {
  if (redis.status === 'wait' || redis.status === 'end') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}

function streamReplies(reply: unknown): [string, Entry[]][] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((item: unknown): [string, Entry[]][] =>
    Array.isArray(item) && typeof item[0] === 'string' ? [[item[0], toEntries(item[1])]] : [],
  );
}

function toEntries(value: unknown): Entry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown): Entry[] =>
    Array.isArray(item) && typeof item[0] === 'string' ? [{ id: item[0], fields: item[1] }] : [],
  );
}

function parseEvent(fields: unknown): DomainEvent | undefined {
  if (!Array.isArray(fields)) return undefined;
  let raw: unknown;
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'event') raw = fields[i + 1];
  if (typeof raw !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, topic, source, occurredAt, payload } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof topic !== 'string' || typeof source !== 'string') return undefined;
  if (typeof occurredAt !== 'string' || typeof payload !== 'object' || payload === null) return undefined;
  return { id, topic, source, occurredAt, payload: payload as Record<string, unknown> };
}
