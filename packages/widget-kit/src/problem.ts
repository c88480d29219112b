/** RFC 9457 problem details as the platform sends them (application/problem+json). */
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldError[];
}

/**
 * A failed API call: the problem the server answered, or a synthetic one for network failures. `extensions` holds
 * the problem's extension members (RFC 9457 §3.2), e.g. the new total of a checkout refused with price_changed.
 */
export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(problem.detail);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' && value.length > 0 ? value : fallback;

function fieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { field, message } = item as Record<string, unknown>;
    return typeof field === 'string' ? [{ field, message: text(message, field) }] : [];
  });
}

/** Reads an error response body into a Problem, tolerating bodies that are not problem+json. */
export function toProblem(status: number, body: unknown): Problem {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const title = text(source.title, `HTTP ${status}`);
  return {
    type: text(source.type, 'about:blank'),
    title,
    status: typeof source.status === 'number' ? source.status : status,
    detail: text(source.detail, title),
    code: text(source.code, `http_${status}`),
    errors: fieldErrors(source.errors),
  };
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'errors',
  'requestId',
]);

/** The extension members of an error response body (members other than the standard and platform ones). */
export function problemExtensions(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(Object.entries(body).filter(([name]) => !STANDARD_MEMBERS.has(name)));
}

export const networkProblem = (): Problem => ({
  type: 'about:blank',
  title: 'Network error',
  status: 0,
  detail: 'The server could not be reached',
  code: 'network_error',
  errors: [],
});
