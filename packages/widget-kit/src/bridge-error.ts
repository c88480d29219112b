import { ApiError } from './problem.ts';
import type { ErrorCode, ResponseError } from './protocol.ts';

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

/**
 * Serialises any failure of a request handler into the protocol's error: a BridgeError keeps its code; a failed API
 * call becomes PCF_API_ERROR (PCF_UNAUTHENTICATED for a 401) and keeps its HTTP `status` and problem `code` as
 * `apiCode`, as the SDK's REST path does (a network failure, status 0, has neither); anything else is PCF_API_ERROR.
 */
export function toErrorPayload(error: unknown): ResponseError {
  if (error instanceof BridgeError) return { code: error.code, message: error.message };
  if (error instanceof ApiError) {
    const details = error.status > 0 ? { status: error.status, apiCode: error.code } : {};
    return error.status === 401
      ? { code: 'PCF_UNAUTHENTICATED', message: 'No fan is signed in', ...details }
      : { code: 'PCF_API_ERROR', message: error.message, ...details };
  }
  return { code: 'PCF_API_ERROR', message: error instanceof Error ? error.message : String(error) };
}
