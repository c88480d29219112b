import type { ApiClient } from './api.ts';
import { ApiError } from './problem.ts';
import { type ServerEvent, SseParser } from './sse-parser.ts';

const MAX_BACKOFF_MS = 30_000;

/** Reconnection delay after `failures` consecutive failures: 1 s, 2 s, 4 s ... up to 30 s, with some jitter. */
export function backoffDelay(failures: number, random: number = Math.random()): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

/**
 * Reads Server-Sent Events with fetch (so the Authorization header is sent; EventSource cannot) and reconnects
 * with back-off until `signal` aborts. A 4xx answer (other than a 401 the client could not renew past) stops it.
 */
export async function followEventStream(
  api: ApiClient,
  path: string,
  onEvent: (event: ServerEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const response = await api.open(path, { headers: { accept: 'text/event-stream' }, signal });
      if (response.status >= 400 && response.status < 500) return;
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      failures = 0;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.feed(value)) onEvent(event);
      }
    } catch (error) {
      if (signal.aborted || (error instanceof ApiError && error.status === 401)) return;
    }
    failures += 1;
    await sleep(backoffDelay(failures), signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
