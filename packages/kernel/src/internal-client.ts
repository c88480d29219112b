import { DomainError, type ErrorCategory, UnavailableError } from './errors.ts';

export const SERVICE_TOKEN_HEADER = 'x-pcf-service-token';

const CATEGORY_BY_STATUS: Record<number, ErrorCategory> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate_limited',
};

/**
 * Calls another service's /internal routes; its domain errors come back as the same DomainError (category, code,
 * detail and extensions). Network failures and 5xx answers become 503 `<service>_unavailable`.
 */
export class InternalHttpClient {
  constructor(
    readonly service: string,
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/internal/${this.service}${path}`, {
        method,
        headers: {
          [SERVICE_TOKEN_HEADER]: this.token,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new UnavailableError(`The ${this.service} service is unreachable`, `${this.service}_unavailable`);
    }
    const text = await response.text();
    const data = parseJson(text);
    if (response.ok) return data as T;
    const {
      code,
      detail,
      type: _t,
      title: _ti,
      status: _s,
      requestId: _r,
      ...extra
    } = (data ?? {}) as {
      code?: string;
      detail?: string;
      [extension: string]: unknown;
    };
    const category = CATEGORY_BY_STATUS[response.status];
    // The problem's extensions (validation `errors`, `retryAfter`, a checkout's totals) travel with the error.
    if (category && code) throw new DomainError(category, code, detail ?? 'request failed', extra);
    throw new UnavailableError(
      `The ${this.service} service failed (${response.status})`,
      `${this.service}_unavailable`,
    );
  }
}

/** JSON text as a value; empty or non-JSON text (a proxy's HTML error page) as null. */
function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
