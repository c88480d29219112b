import type { Envelope, ErrorCode, RequestData, ResponseError } from '@pcf/widget-kit/protocol';
import { PcfError } from './errors.ts';

/** Outgoing requests waiting for their PCF_RESPONSE, each with its own timeout. */
export interface RequestTracker {
  /** Registers a request; the promise settles with its response or PCF_TIMEOUT. */
  track(id: string, message: Envelope<RequestData>, timeoutMs: number): Promise<unknown>;
  /** Restarts the timeout of a pending request with `timeoutMs` (PCF_PENDING: the fan is being asked). */
  wait(id: string, timeoutMs: number): void;
  /** Settles the request with this id from a PCF_RESPONSE payload (ResponseData); false if none is pending. */
  settle(id: string, response: unknown): boolean;
  /** The requests still unanswered, oldest first (re-sent after a re-handshake). */
  pending(): Envelope<RequestData>[];
  /** Rejects every pending request and clears their timers. */
  rejectAll(error: PcfError): void;
}

interface Pending {
  message: Envelope<RequestData>;
  resolve(result: unknown): void;
  reject(error: PcfError): void;
  timer: ReturnType<typeof setTimeout>;
}

type Failure = { [K in keyof ResponseError]?: unknown };

/**
 * The PcfError of a failed response (ResponseError) with the `status` and `apiCode` of the API call behind it, as the
 * REST path gives them; a code that is not PCF_* (an API code) becomes PCF_API_ERROR with that code as apiCode.
 */
function responseError({ code, message, status, apiCode }: Failure): PcfError {
  const api = typeof code !== 'string' || !code.startsWith('PCF_');
  return new PcfError(
    api ? 'PCF_API_ERROR' : (code as ErrorCode),
    typeof message === 'string' ? message : 'Widget error',
    {
      status: typeof status === 'number' ? status : undefined,
      apiCode: [api && code, apiCode].find((text) => typeof text === 'string') as string | undefined,
    },
  );
}

export function createRequestTracker(): RequestTracker {
  const waiting = new Map<string, Pending>();
  const finish = (id: string) => {
    const entry = waiting.get(id);
    if (entry) {
      clearTimeout(entry.timer);
      waiting.delete(id);
    }
    return entry;
  };
  const wait = (id: string, timeoutMs: number) => {
    const entry = waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      finish(id)?.reject(new PcfError('PCF_TIMEOUT', `${entry.message.data.method}: no answer`));
    }, timeoutMs);
  };
  return {
    track(id, message, timeoutMs) {
      return new Promise((resolve, reject) => {
        waiting.set(id, { message, resolve, reject } as Pending);
        wait(id, timeoutMs);
      });
    },
    wait,
    settle(id, response) {
      const entry = finish(id);
      if (!entry) return false;
      const { ok, result, error } = (response ?? {}) as { ok?: unknown; result?: unknown; error?: Failure };
      if (ok === true) entry.resolve(result);
      else entry.reject(responseError(error ?? {}));
      return true;
    },
    pending: () => [...waiting.values()].map((entry) => entry.message),
    rejectAll(error) {
      for (const id of [...waiting.keys()]) finish(id)?.reject(error);
    },
  };
}
