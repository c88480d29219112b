/** Error categories; each maps to one HTTP status in http/problem.ts. */
export type ErrorCategory =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

/** A typed domain error: safe to show to the caller. */
export class DomainError extends Error {
  constructor(
    readonly category: ErrorCategory,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, field?: string) {
    super('validation', 'validation_failed', message, field ? { errors: [{ field, message }] } : {});
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication is required', code = 'unauthenticated') {
    super('unauthenticated', code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this', code = 'forbidden') {
    super('forbidden', code, message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, code = 'not_found') {
    super('not_found', code, `${what} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict') {
    super('conflict', code, message);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string, code: string, extra: Record<string, unknown> = {}) {
    super('unprocessable', code, message, extra);
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests; try again later',
  ) {
    super('rate_limited', 'rate_limited', message, { retryAfter: retryAfterSeconds });
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string, code = 'service_unavailable') {
    super('unavailable', code, message);
  }
}
