/**
 * Runs items through `flush` in batches: the first item is flushed at once; items arriving while a flush runs wait
 * and go together in the next one. Each caller gets its own item's outcome (or the batch's error).
 */
export class GroupCommit<I, O> {
  #queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  #flushing = false;

  constructor(
    private readonly flush: (batch: I[]) => Promise<O[]>,
    private readonly maxBatch = 200,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#flushing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch);
      try {
        const results = await this.flush(batch.map((b) => b.item));
        for (const [i, b] of batch.entries()) b.resolve(results[i]!);
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.#flushing = false;
  }
}
