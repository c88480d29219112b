import type { FastifyBaseLogger } from 'fastify';

/** A service's background work: each task runs now and then every `ms`, never two runs of one task at once. */
export class PeriodicTasks {
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(private readonly logger: FastifyBaseLogger) {}

  /** The logging handler for a failed task named `what` (it is retried on its next run). */
  warn(what: string): (err: unknown) => void {
    return (err) => this.logger.warn({ err }, `${what} failed; will retry`);
  }

  every(ms: number, task: () => Promise<unknown>, what: string): void {
    let running = false;
    const run = () => {
      if (running) return;
      running = true;
      task()
        .catch(this.warn(what))
        .finally(() => {
          running = false;
        });
    };
    const timer = setInterval(run, ms);
    timer.unref();
    this.#timers.push(timer);
    run();
  }

  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }
}
