import { DomainError } from '../errors.ts';
import type { InternalHttpClient } from '../internal-client.ts';
import {
  inputOf,
  type LooseMethods,
  operationsOf,
  type PortDeclaration,
  type PortOf,
  pathParams,
} from './declare.ts';

/**
 * A port as seen from another process, generated from its declaration: each method calls the matching
 * `/internal/<service>` route; problem answers come back as the same DomainError the in-process call throws, and a
 * declared `notFound` code comes back as null.
 */
export function portClient<D extends PortDeclaration>(declaration: D, client: InternalHttpClient): PortOf<D> {
  const port: LooseMethods = {};
  for (const [name, op] of operationsOf(declaration)) {
    const inPath = pathParams(op.path);
    port[name] = async (...args) => {
      const input = inputOf(op, args);
      const path = op.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, field: string) =>
        encodeURIComponent(String(input[field] ?? '')),
      );
      const rest = Object.fromEntries(Object.entries(input).filter(([key]) => !inPath.includes(key)));
      const call =
        op.method === 'POST'
          ? client.call('POST', path, rest)
          : client.call('GET', `${path}${queryString(rest)}`);
      if (!op.notFound) return call;
      const missing = op.notFound.code;
      return call.catch((error: unknown) => {
        if (error instanceof DomainError && error.code === missing) return null;
        throw error;
      });
    };
  }
  return port as unknown as PortOf<D>;
}

function queryString(fields: Record<string, unknown>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}
