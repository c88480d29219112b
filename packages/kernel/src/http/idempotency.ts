import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { GroupCommit } from '../db/group-commit.ts';
import { quoteIdent } from '../db/postgres.ts';
import { ConflictError, UnprocessableError, ValidationError } from '../errors.ts';

export type IdempotencyMode = 'required' | 'optional';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** POSTs that move money or stock set 'required'. */
    idempotency?: IdempotencyMode;
  }
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

export interface IdempotencyOptions {
  db: Database;
  schema: string;
  ttlHours: number;
  /** How long a running request keeps its key before a retry may take over (crashed process). */
  lockMs?: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs?: number;
}

interface KeyRow {
  request_hash: string;
  state: 'running' | 'done';
  response_status: number | null;
  response_body: string | null;
  response_type: string | null;
  expired: boolean;
  lock_expired: boolean;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key for POSTs (Stripe semantics): same key + same request → stored response replayed;
 * same key + different request → 422; same key while the first still runs → 409. Keys are per caller.
 * "Same request" compares meaning, not bytes: see requestHash.
 */
export function registerIdempotency(app: FastifyInstance, options: IdempotencyOptions): void {
  const table = `${quoteIdent(options.schema)}.idempotency_keys`;
  const lockMs = options.lockMs ?? 60_000;
  const waitMs = options.waitMs ?? 5_000;
  const { db } = options;
  // Claims and completions of concurrent requests are written together, one statement per batch (group commit):
  // every request still waits until its own row is committed, so the semantics are those of one statement each.
  const claims = new GroupCommit<{ scope: string; key: string; hash: string }, boolean>(async (batch) => {
    // A key twice in one batch: only its first request takes part; the other finds the key taken and waits.
    const seen = new Set<string>();
    const unique = batch.filter((c) => {
      const id = `${c.scope}\n${c.key}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const result = await db.query<{ scope: string; key: string }>(
      `INSERT INTO ${table} (scope, key, request_hash, state, locked_until)
       SELECT c.scope, c.key, c.hash, 'running', now() + $4 * interval '1 millisecond'
       FROM unnest($1::text[], $2::text[], $3::text[]) AS c(scope, key, hash)
       ON CONFLICT DO NOTHING RETURNING scope, key`,
      [unique.map((c) => c.scope), unique.map((c) => c.key), unique.map((c) => c.hash), lockMs],
    );
    const won = new Set(result.rows.map((r) => `${r.scope}\n${r.key}`));
    const taken = new Set<string>();
    return batch.map((c) => {
      const id = `${c.scope}\n${c.key}`;
      if (!won.has(id) || taken.has(id)) return false;
      taken.add(id);
      return true;
    });
  });
  const completions = new GroupCommit<
    { scope: string; key: string; status: number; body: string; type: string },
    void
  >(async (batch) => {
    await db.query(
      `UPDATE ${table} t SET state = 'done', response_status = d.status, response_body = d.body,
         response_type = d.type
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS d(scope, key, status, body, type)
       WHERE t.scope = d.scope AND t.key = d.key`,
      [
        batch.map((d) => d.scope),
        batch.map((d) => d.key),
        batch.map((d) => d.status),
        batch.map((d) => d.body),
        batch.map((d) => d.type),
      ],
    );
    return batch.map(() => undefined);
  });

  app.decorateRequest('idempotency', null);

  const claim = async (request: FastifyRequest, reply: FastifyReply) => {
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
    const scope = callerScope(request);
    const hash = requestHash(request);
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await claims.run({ scope, key: header, hash })) {
        request.idempotency = { scope, key: header };
        return;
      }
      const row = await readKey(db, table, scope, header, options.ttlHours);
      if (!row) continue;
      if (row.expired) {
        await db.query(`DELETE FROM ${table} WHERE scope = $1 AND key = $2`, [scope, header]);
        continue;
      }
      if (row.request_hash !== hash) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used with a different request; use a new key for a new request',
          'idempotency_key_reused',
        );
      }
      if (row.state === 'done') return replay(reply, row);
      if (row.lock_expired) {
        const taken = await db.query(
          `UPDATE ${table} SET locked_until = now() + $3 * interval '1 millisecond'
           WHERE scope = $1 AND key = $2 AND state = 'running' AND locked_until < now()`,
          [scope, header, lockMs],
        );
        if (taken.rowCount === 1) {
          request.idempotency = { scope, key: header };
          return;
        }
        continue;
      }
      if (Date.now() >= deadline) {
        throw new ConflictError(
          'A request with this Idempotency-Key is still being processed; retry later',
          'idempotency_request_in_progress',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const complete = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    if (reply.statusCode >= 500) {
      await db.query(`DELETE FROM ${table} WHERE scope = $1 AND key = $2`, [claim.scope, claim.key]);
      return payload;
    }
    await completions.run({
      scope: claim.scope,
      key: claim.key,
      status: reply.statusCode,
      body: bodyText(payload),
      type: String(reply.getHeader('content-type') ?? ''),
    });
    return payload;
  };

  // Only the routes that declare `config.idempotency` get the hooks: the others pay nothing per request.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotency) return;
    route.preHandler = [...hooksOf(route.preHandler), claim];
    route.onSend = [...hooksOf(route.onSend), complete];
  });
}

function hooksOf<Hook>(hooks: Hook | Hook[] | undefined): Hook[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/** Deletes keys older than the retention; run periodically. */
export async function purgeIdempotencyKeys(db: Database, schema: string, ttlHours: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM ${quoteIdent(schema)}.idempotency_keys WHERE created_at < now() - $1 * interval '1 hour'`,
    [ttlHours],
  );
  return result.rowCount;
}

function callerScope(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return `ip:${request.ip}`;
  if (p.kind === 'partner_key') return `partner:${p.partnerId}`;
  return `user:${p.userId}`;
}

/**
 * SHA-256 (hex) of the request's method, route, params and parsed body, each in the JSON Canonicalization Scheme
 * (RFC 8785: members sorted by their UTF-16 code units, no insignificant whitespace, numbers and strings in
 * ECMAScript's serialization), so a retry whose JSON has its keys in another order, other whitespace or other
 * escapes ("\u00e9" for "é") is the same request; any different value is not.
 */
function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(
      `${request.method} ${request.routeOptions.url ?? request.url}\n${canonicalJson(request.params)}\n`,
    )
    .update(canonicalJson(request.body ?? null))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  try {
    return canonicalize(value) ?? 'null';
  } catch {
    // Not I-JSON (RFC 7493), e.g. an unpaired surrogate in a body no schema checked: compare it as sent.
    return `raw:${JSON.stringify(value)}`;
  }
}

async function readKey(db: Database, table: string, scope: string, key: string, ttlHours: number) {
  const result = await db.query<KeyRow>(
    `SELECT request_hash, state, response_status, response_body, response_type,
            created_at < now() - $3 * interval '1 hour' AS expired,
            locked_until < now() AS lock_expired
     FROM ${table} WHERE scope = $1 AND key = $2`,
    [scope, key, ttlHours],
  );
  return result.rows[0];
}

function replay(reply: FastifyReply, row: KeyRow): FastifyReply {
  reply.header('idempotent-replayed', 'true');
  if (row.response_type) reply.type(row.response_type);
  return reply.code(row.response_status ?? 200).send(row.response_body ?? '');
}

function bodyText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return payload === undefined || payload === null ? '' : JSON.stringify(payload);
}
