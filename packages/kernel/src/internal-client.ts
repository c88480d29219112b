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

/** Calls another service's /internal routes; its domain errors come back as the same DomainError. */
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
    const data: unknown = text ? JSON.parse(text) : null;
    if (response.ok) return data as T;
    const problem = (data ?? {}) as { code?: string; detail?: string };
    const category = CATEGORY_BY_STATUS[response.status];
    if (category && problem.code)
      throw new DomainError(category, problem.code, problem.detail ?? 'request failed');
    throw new UnavailableError(
      `The ${this.service} service failed (${response.status})`,
      `${this.service}_unavailable`,
    );
  }

  /** Plain GET of a public path on the service (e.g. /.well-known/jwks.json). */
  async getPublic<T>(path: string): Promise<T> {
    try {
      const response = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) throw new Error(String(response.status));
      return (await response.json()) as T;
    } catch {
      throw new UnavailableError(`The ${this.service} service is unreachable`, `${this.service}_unavailable`);
    }
  }
}
