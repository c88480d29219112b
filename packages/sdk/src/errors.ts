import type { ErrorCode } from '@pcf/widget-kit/protocol';

/** Details attached to a failed REST API call. */
export interface PcfErrorDetails {
  /** HTTP status of the failed API call. */
  status?: number;
  /** The API's own error code (problem+json `code`). */
  apiCode?: string;
}

/** The message of anything thrown. */
export const errorText = (error: unknown): string => String((error as Error)?.message ?? error);

/** The only error type the SDK throws or rejects with; `code` says what went wrong. */
export class PcfError extends Error {
  /** One of the protocol's error codes (PCF_TIMEOUT, PCF_NOT_MOUNTED, PCF_DESTROYED…). */
  declare readonly code: ErrorCode;
  /** HTTP status, for PCF_API_ERROR / PCF_UNAUTHENTICATED from the REST API. */
  declare readonly status?: number;
  /** The API's problem+json `code`, for errors from the REST API. */
  declare readonly apiCode?: string;

  /** Creates an error with a protocol error code and a human-readable message. */
  constructor(code: ErrorCode, message: string, details?: PcfErrorDetails) {
    super(message);
    this.name = 'PcfError';
    this.code = code;
    Object.assign(this, details);
  }
}
