import { Worker } from 'node:worker_threads';
import type { QueryResult } from './database.ts';
import type { PgliteStart } from './pglite-session.mjs';

type Reply = { id: number; rows?: unknown[]; rowCount?: number; error?: Record<string, unknown> };

/** The worker's reply to a failed statement, as an Error carrying PostgreSQL's fields (code, constraint, detail…). */
function toError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message)), fields);
}

/**
 * PGlite on a worker thread of its own (pglite-worker.mjs): one message per statement, one reply. Costs a message
 * round trip per statement; buys a start-up that overlaps the main thread's and SQL that runs beside request
 * handling instead of between requests.
 */
export class PgliteThread {
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void }>();
  #nextId = 0;
  #stopped = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      this.#pending.get(reply.id)?.resolve(reply);
      this.#pending.delete(reply.id);
    });
    worker.on('error', (error) => this.#failAll(error));
    worker.on('exit', () => {
      this.#stopped = true;
      this.#failAll(new Error('the embedded database thread stopped'));
    });
  }

  /** Starts the thread and waits until PGlite is open; rejects with PGlite's error when it cannot open. */
  static async start(start: PgliteStart): Promise<PgliteThread> {
    const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
      workerData: start,
      ...(start.tarball ? { transferList: [start.tarball.buffer] } : {}),
    });
    const first = await new Promise<{ ready?: true; error?: Record<string, unknown> }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (first.error) {
      await worker.terminate();
      throw toError(first.error);
    }
    return new PgliteThread(worker);
  }

  async run<R>(sql: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    const reply = await this.#send({ sql, params });
    if (reply.error) throw toError(reply.error);
    return { rows: (reply.rows ?? []) as R[], rowCount: reply.rowCount ?? 0 };
  }

  async close(): Promise<void> {
    await this.#send({ close: true });
    await this.worker.terminate();
  }

  #send(message: object): Promise<Reply> {
    const id = this.#nextId++;
    if (this.#stopped) return Promise.resolve({ id, error: { message: 'the embedded database is closed' } });
    return new Promise<Reply>((resolve) => {
      this.#pending.set(id, { resolve });
      this.worker.postMessage({ id, ...message });
    });
  }

  #failAll(error: Error): void {
    for (const [id, { resolve }] of this.#pending) {
      resolve({ id, error: { message: error.message } });
    }
    this.#pending.clear();
  }
}
