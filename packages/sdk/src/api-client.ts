import { DEFAULT_TIMEOUT_MS } from '@pcf/widget-kit/protocol';
import { errorText, PcfError } from './errors.ts';
import type { ApiClient } from './method-spec.ts';
import type { TokenSource } from './token-source.ts';

export type { ApiClient };

/** The PcfError for a failed API response (RFC 9457 problem+json body when there is one). */
export function problemError(status: number, body: unknown): PcfError {
  const problem = (body ?? {}) as { title?: unknown; detail?: unknown; code?: unknown };
  const message = [problem.detail, problem.title].find((text) => typeof text === 'string') as
    | string
    | undefined;
  return new PcfError(status === 401 ? 'PCF_UNAUTHENTICATED' : 'PCF_API_ERROR', message ?? `HTTP ${status}`, {
    status,
    apiCode: typeof problem.code === 'string' ? problem.code : undefined,
  });
}

/**
 * The REST client: sends the session token when there is one (public calls such as the catalogue work without: then
 * no Authorization header is sent, and the API answers 401 → PCF_UNAUTHENTICATED where one is needed).
 */
export function createApiClient(baseUrl: string, tokens: TokenSource): ApiClient {
  const attempt = async (method: string, path: string, token: string | null, body: unknown, key?: string) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (key) headers['Idempotency-Key'] = key;
    const signal = AbortSignal.timeout(DEFAULT_TIMEOUT_MS);
    try {
      const response = await fetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      return { status: response.status, ok: response.ok, payload: await response.json().catch(() => null) };
    } catch (error) {
      throw signal.aborted
        ? new PcfError('PCF_TIMEOUT', `${path}: no answer`)
        : new PcfError('PCF_API_ERROR', `${path}: ${errorText(error)}`);
    }
  };

  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown, key?: string) => {
    let token = await tokens.get();
    let result = await attempt(method, path, token, body, key);
    if (result.status === 401 && token) {
      // An expired token: fetch a fresh one once (the idempotency key keeps a retried payment single).
      token = await tokens.get(token);
      if (token) result = await attempt(method, path, token, body, key);
    }
    if (!result.ok) throw problemError(result.status, result.payload);
    return result.payload as T;
  };
}
