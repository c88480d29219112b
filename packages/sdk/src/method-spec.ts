/**
 * Calls the REST API with the session token when there is one; rejects PcfError (problem+json mapped, a 401 retried
 * once with a fresh token). Implemented by api-client.ts.
 */
export type ApiClient = <T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  idempotencyKey?: string,
) => Promise<T>;

/** What a REST fallback gets: the API client, and the club of the publishable key (its partner, read once). */
export interface RestContext {
  api: ApiClient;
  clubSlug(): Promise<string>;
}

/**
 * How one SDK method of a service module reaches its service. The widget method it calls is `<module>.<method>`
 * (e.g. `wallet.getBalance`); `A` is the SDK method's argument list.
 */
export interface MethodSpec<A extends unknown[] = never[]> {
  /** Whether the call's arguments are valid (else the method rejects PCF_BAD_REQUEST without calling anything). */
  valid?(...args: A): boolean;
  /** The call's (valid) arguments → the widget method's params. */
  params?(...args: A): unknown;
  /** The REST call used when no widget answers. None for money moves: only the fan, in the widget, confirms them. */
  rest?(params: never, context: RestContext): Promise<unknown>;
  /** The REST call needs no fan (a public catalogue): taken even without fetchSessionToken. */
  guest?: true;
  /** What the method resolves with, from the widget's or the REST API's answer (default: the answer). */
  result?(answer: never): unknown;
}

/** A method whose service has not landed yet: it rejects PCF_NOT_AVAILABLE. */
export const NOT_AVAILABLE = 0;

type Method = (...args: never[]) => Promise<unknown>;

/** The routing table of a service module: each method of its public interface `M` → its spec, or NOT_AVAILABLE. */
export type ModuleSpec<M> = {
  [K in keyof M]: M[K] extends Method ? MethodSpec<Parameters<M[K]>> | typeof NOT_AVAILABLE : never;
};
