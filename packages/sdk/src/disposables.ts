/** One mount's resources (iframe, listeners, timers, observers): everything added is released by dispose(). */
export interface Disposables {
  add(release: () => void): void;
  /** Releases everything, last added first; safe to call twice. */
  dispose(): void;
  readonly disposed: boolean;
}

export function createDisposables(): Disposables {
  const releases: (() => void)[] = [];
  let disposed = false;
  return {
    add(release) {
      if (disposed) release();
      else releases.push(release);
    },
    dispose() {
      disposed = true;
      for (let release = releases.pop(); release; release = releases.pop()) release();
    },
    get disposed() {
      return disposed;
    },
  };
}
