import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyKeyRef } from '../db/idempotent-operations.ts';
import { ValidationError } from '../errors.ts';

export type IdempotencyMode = 'required' | 'optional';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** POSTs that move money or stock set 'required'. */
    idempotency?: IdempotencyMode;
  }
  interface FastifyRequest {
    /** The validated Idempotency-Key of a route that declares `config.idempotency`; null when none was sent. */
    idempotency: IdempotencyKeyRef | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The HTTP side of idempotency: routes that declare `config.idempotency` get their `Idempotency-Key` header checked
 * (1–255 printable ASCII characters; missing on a 'required' route → 400 problem naming Idempotency-Key) and handed
 * to the route as `request.idempotency`. The route passes it to its service, whose operation claims the key in its
 * own transaction and replays a stored result (db/idempotent-operations.ts); a replayed answer carries
 * `Idempotent-Replayed: true`. Nothing is stored here.
 */
export function registerIdempotency(app: FastifyInstance): void {
  app.decorateRequest('idempotency', null);

  const validate = async (request: FastifyRequest) => {
    const mode = request.routeOptions.config.idempotency;
    if (!mode) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      if (mode === 'required') {
        throw new ValidationError(
          'This request needs an Idempotency-Key header (1-255 printable characters)',
          'Idempotency-Key',
        );
      }
      return;
    }
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new ValidationError(
        'Idempotency-Key must be 1-255 printable ASCII characters',
        'Idempotency-Key',
      );
    }
    request.idempotency = { key: header, replayed: false };
  };

  const announceReplay = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.idempotency?.replayed) reply.header('idempotent-replayed', 'true');
    return payload;
  };

  // Only the routes that declare `config.idempotency` get the hooks: the others pay nothing per request.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotency) return;
    route.preHandler = [...hooksOf(route.preHandler), validate];
    route.onSend = [...hooksOf(route.onSend), announceReplay];
  });
}

/**
 * The Idempotency-Key of a route declared `config: { idempotency: 'required' }`, as its service takes it.
 * Throws (a programming error, not a client's) when the route did not require one.
 */
export function idempotencyKeyOf(request: FastifyRequest): IdempotencyKeyRef {
  const key = request.idempotency;
  if (!key) throw new Error(`${request.routeOptions.url ?? request.url} does not require an Idempotency-Key`);
  return key;
}

function hooksOf<Hook>(hooks: Hook | Hook[] | undefined): Hook[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}
