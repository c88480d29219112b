import { jsonInit, readJson, send } from './http.ts';
import { ApiError } from './problem.ts';
import type { Session } from './session.ts';

const unauthenticated = () =>
  new ApiError({
    type: 'about:blank',
    title: 'Unauthorized',
    status: 401,
    detail: 'No fan is signed in',
    code: 'unauthenticated',
    errors: [],
  });

/** Same-origin client of the platform API (/v1/...) for the signed-in fan: bearer token, one retry after a 401. */
export class ApiClient {
  constructor(private readonly session: Session) {}

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return readJson<T>(await this.open(path, signal ? { signal } : {}));
  }

  /** A call that works signed out too (public catalogue): with the fan's token when there is one. */
  async guest<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (this.session.token.value !== null) return this.call<T>(method, path, body);
    return readJson<T>(await send(path, body === undefined ? { method } : jsonInit(method, body)));
  }

  /** Any method with an optional JSON body (PATCH, DELETE...). */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return readJson<T>(await this.open(path, body === undefined ? { method } : jsonInit(method, body)));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return readJson<T>(await this.open(path, jsonInit('POST', body)));
  }

  /** A POST that moves money: the same Idempotency-Key is kept across the retry, so it cannot apply twice. */
  async postMoney<T>(path: string, body: unknown, idempotencyKey: string = crypto.randomUUID()): Promise<T> {
    return readJson<T>(await this.open(path, jsonInit('POST', body, { 'idempotency-key': idempotencyKey })));
  }

  /** The raw response (for streams); renews the token and retries once on 401. */
  async open(path: string, init: RequestInit): Promise<Response> {
    const token = this.session.token.value;
    if (token === null) throw unauthenticated();
    const response = await send(path, withToken(init, token));
    if (response.status !== 401) return response;
    // A call that raced another one's renewal just uses the token it got; otherwise renew (once for all callers).
    const current = this.session.token.value;
    const fresh = current !== null && current !== token ? current : await this.session.renew();
    if (fresh === null) {
      this.session.clear();
      return response;
    }
    return send(path, withToken(init, fresh));
  }
}

function withToken(init: RequestInit, token: string): RequestInit {
  return {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  };
}
