import type { FastifyInstance } from 'fastify';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers (`body.data[0].id`)
export type Json = Record<string, any>;

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD';

/** One call to the platform's API, as a client makes it. */
export interface ApiCall {
  method?: HttpMethod;
  /** Path and query, e.g. `/v1/wallet/balance?currency=USD`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` (an access, widget session or `sk_` token). */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`. */
  idempotencyKey?: string;
}

/** An RFC 9457 problem as the platform answers it (`application/problem+json`). */
export interface ApiProblem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  /** Validation problems: one entry per invalid field. */
  errors?: { field?: string; message?: string }[];
  [extension: string]: unknown;
}

export interface ApiResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body; `{}` when the body is empty or not JSON. */
  body: Json;
  /** Set when the answer is `application/problem+json`. */
  problem: ApiProblem | null;
}

/** A non-2xx (or not the expected) answer, naming the call and the problem. */
export class ApiError extends Error {
  constructor(
    readonly call: ApiCall,
    readonly response: ApiResponse,
  ) {
    const problem = response.problem;
    const what = problem
      ? `${problem.code ?? problem.title}: ${problem.detail ?? ''}`
      : response.text.slice(0, 500);
    super(`${call.method ?? 'GET'} ${call.url} → ${response.status} ${what}`);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.response.status;
  }

  get problem(): ApiProblem | null {
    return this.response.problem;
  }
}

/** The platform's API, whether reached in-process (`app.inject`) or over a real port (`fetch`). */
export interface ApiClient {
  /** Any answer, parsed. */
  request(call: ApiCall): Promise<ApiResponse>;
  /** The JSON body of a 2xx answer, or of the `expect`ed status; any other answer throws {@link ApiError}. */
  json<T = Json>(call: ApiCall & { expect?: number }): Promise<T>;
}

type Transport = (request: {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
}) => Promise<{ status: number; headers: ApiResponse['headers']; text: string }>;

/** An API client over Fastify's `inject` (no socket): what service tests use. */
export function injectApi(app: Pick<FastifyInstance, 'inject'>): ApiClient {
  return apiClient(async ({ method, url, headers, payload }) => {
    const response = await app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    const answerHeaders: ApiResponse['headers'] = {};
    for (const [name, value] of Object.entries(response.headers)) {
      answerHeaders[name] = typeof value === 'number' ? String(value) : value;
    }
    return { status: response.statusCode, headers: answerHeaders, text: response.body };
  });
}

/** An API client over HTTP to a running platform at `baseUrl` (e.g. `http://127.0.0.1:8080`). */
export function fetchApi(baseUrl: string): ApiClient {
  const base = baseUrl.replace(/\/$/, '');
  return apiClient(async ({ method, url, headers, payload }) => {
    const response = await fetch(`${base}${url}`, { method, headers, body: payload });
    const answerHeaders: ApiResponse['headers'] = {};
    response.headers.forEach((value, name) => {
      answerHeaders[name] = value;
    });
    return { status: response.status, headers: answerHeaders, text: await response.text() };
  });
}

function apiClient(transport: Transport): ApiClient {
  const request = async (call: ApiCall): Promise<ApiResponse> => {
    const answer = await transport({
      method: call.method ?? 'GET',
      url: call.url,
      headers: {
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
        ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
        ...call.headers,
      },
      payload: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    const body = parseJson(answer.text);
    return { ...answer, body, problem: problemOf(answer.headers['content-type'], body) };
  };
  return {
    request,
    async json<T>(call: ApiCall & { expect?: number }): Promise<T> {
      const response = await request(call);
      const ok =
        call.expect === undefined
          ? response.status >= 200 && response.status < 300
          : response.status === call.expect;
      if (!ok) throw new ApiError(call, response);
      return response.body as T;
    },
  };
}

function parseJson(text: string): Json {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Json) : {};
  } catch {
    return {};
  }
}

/** The problem in a `application/problem+json` answer, or null for any other answer. */
export function problemOf(contentType: string | string[] | undefined, body: Json): ApiProblem | null {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  if (!type?.startsWith('application/problem+json')) return null;
  if (typeof body.status !== 'number' || typeof body.title !== 'string') return null;
  return body as ApiProblem;
}
