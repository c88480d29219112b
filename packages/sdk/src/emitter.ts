type Listener = (data: never) => void;

/** A minimal event emitter; a throwing listener does not stop the others (its error is rethrown async). */
export interface Emitter {
  on(event: string, listener: Listener): void;
  off(event: string, listener: Listener): void;
  emit(event: string, data: unknown): void;
  clear(): void;
}

export function createEmitter(): Emitter {
  const listeners = new Map<string, Set<Listener>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener);
    },
    emit(event, data) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as (data: unknown) => void)(data);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
