/** A FIFO async mutex: one holder at a time, waiters served in arrival order. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;

  get waiting(): number {
    return this.#waiting;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#waiting++;
    try {
      await previous;
    } finally {
      this.#waiting--;
    }
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * One FIFO Mutex per key, dropped once nobody holds or waits for it: work on one key runs one at a time, different
 * keys in parallel. The wallet queues a payer's one-statement operations with it, so a burst on one account waits
 * here instead of holding every pooled connection while the statements wait on the account's row lock.
 */
export class KeyedMutex {
  readonly #mutexes = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.#mutexes.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#mutexes.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(fn);
    } finally {
      if (--entry.users === 0) this.#mutexes.delete(key);
    }
  }

  /** Keys with a holder or waiters (for tests and metrics). */
  get size(): number {
    return this.#mutexes.size;
  }
}
