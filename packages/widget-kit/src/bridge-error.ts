import type { ErrorCode } from './protocol.ts';

/** A typed failure of a bridge call, carried across the postMessage boundary as { code, message }. */
export class BridgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}
