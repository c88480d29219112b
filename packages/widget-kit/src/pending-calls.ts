import { BridgeError } from './bridge-error.ts';
import { DEFAULT_TIMEOUT_MS, ERROR_CODES, type ErrorCode } from './protocol.ts';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: BridgeError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

/** Calls sent to the other side, waiting for their PCF_RESPONSE (or their timeout). */
export class PendingCalls {
  private readonly calls = new Map<string, Pending>();

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  open(id: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(id);
        reject(new BridgeError('PCF_TIMEOUT', `No answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.calls.set(id, { resolve, reject, timer });
    });
  }

  /** Settles the call with this id from a PCF_RESPONSE payload; false when no such call is waiting. */
  settle(id: string, response: unknown): boolean {
    const call = this.calls.get(id);
    if (!call) return false;
    this.calls.delete(id);
    clearTimeout(call.timer);
    const data = (typeof response === 'object' && response !== null ? response : {}) as Record<
      string,
      unknown
    >;
    if (data.ok === true) {
      call.resolve(data.result);
    } else {
      const error = (typeof data.error === 'object' && data.error !== null ? data.error : {}) as Record<
        string,
        unknown
      >;
      call.reject(
        new BridgeError(
          isErrorCode(error.code) ? error.code : 'PCF_BAD_REQUEST',
          typeof error.message === 'string' ? error.message : 'The call failed',
        ),
      );
    }
    return true;
  }

  get size(): number {
    return this.calls.size;
  }
}
