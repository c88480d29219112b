import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { UnprocessableError } from '../errors.ts';
import { isUniqueViolation, type Queryable } from './database.ts';
import { quoteIdent } from './postgres.ts';

/**
 * Idempotency of operations that change state (sends, deposits, conversions, holds, checkouts…), one mechanism for
 * every service: an operation keyed by (scope, key) claims its key in its own transaction — or its own statement —
 * and stores its result there, atomically with its effect. A repeat of the request replays the stored result; the
 * same key with another request is refused (422 idempotency_key_reused); a failed operation stores nothing, so it
 * may be retried. The record lives in the kernel's `<schema>.idempotency_keys` table of the service's schema and is
 * kept as long as the ledger it protects (no expiry: a service-to-service key may come back late, e.g. a saga's
 * recovery pass or a redelivered event).
 */

/** The unique constraint a used key violates when a one-statement operation inserts its record (no ON CONFLICT). */
export const IDEMPOTENCY_KEY_CONSTRAINT = 'idempotency_keys_pkey';

/** `<schema>.idempotency_keys`, quoted: for one-statement operations that insert their record in their own SQL. */
export function idempotencyTable(schema: string): string {
  return `${quoteIdent(schema)}.idempotency_keys`;
}

/**
 * The Idempotency-Key of an HTTP request as the route hands it to its service (see http/idempotency.ts): the
 * operation sets `replayed` when it answers a stored result, and the HTTP layer then says so in the
 * `Idempotent-Replayed: true` header.
 */
export interface IdempotencyKeyRef {
  readonly key: string;
  replayed: boolean;
}

/** A key as services take it: the bare key (service-to-service calls) or the HTTP request's reference. */
export type OperationKey = string | IdempotencyKeyRef;

/** What a one-statement operation inserts in its record, besides its result: (scope, key, requestHash). */
export interface OperationClaim {
  scope: string;
  key: string;
  /** requestHash of the operation's request. */
  requestHash: string;
}

/** A stored operation: its request's hash and its result (JSON). */
export interface StoredOperation {
  requestHash: string;
  result: unknown;
}

/**
 * The outcome of an idempotent operation: `result` is what the operation stored (on a replay, read back as JSON);
 * `done` is what the operation itself returned, only when it ran now (undefined on a replay), e.g. for effects
 * outside the transaction that must happen once.
 */
export interface OperationRun<O extends { result: unknown }> {
  result: O['result'];
  replayed: boolean;
  done: O | undefined;
}

/** 422 idempotency_key_reused: the key was used before with a different request. */
export function idempotencyKeyReused(): UnprocessableError {
  return new UnprocessableError(
    'This Idempotency-Key was already used with a different request; use a new key for a new request',
    'idempotency_key_reused',
  );
}

/**
 * SHA-256 (hex) of a request in the JSON Canonicalization Scheme (RFC 8785: members sorted, no insignificant
 * whitespace, numbers and strings in ECMAScript's serialization), bigints as decimal strings and undefined members
 * left out: a retry whose JSON has its keys in another order, other whitespace or other escapes is the same request;
 * any different value is not.
 */
export function requestHash(request: unknown): string {
  const serialized = json(request);
  let canonical: string;
  try {
    canonical = canonicalize(JSON.parse(serialized)) ?? 'null';
  } catch {
    // Not I-JSON (RFC 7493), e.g. an unpaired surrogate no schema checked: compare it as serialized.
    canonical = `raw:${serialized}`;
  }
  return createHash('sha256').update(canonical).digest('hex');
}

function keyOf(key: OperationKey): string {
  return typeof key === 'string' ? key : key.key;
}

function markReplayed(key: OperationKey): void {
  if (typeof key !== 'string') key.replayed = true;
}

/** JSON of a request or result, bigints as decimal strings, undefined as null. */
function json(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export interface IdempotentOperationsOptions {
  /** The service's schema, whose `idempotency_keys` table holds the records. */
  schema: string;
  /** Runs fn in one transaction (the service's database). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** For look-ups outside a transaction (after a one-statement operation); defaults to a transaction. */
  db?: Queryable;
  /**
   * Also takes a stored request hash this accepts as the same request (records hashed another way before, e.g.
   * migrated from a service's own table); requestHash(request) is always accepted.
   */
  acceptsStoredHash?: (stored: string, request: unknown) => boolean;
}

/** Runs operations once per (scope, key) in one service's schema; see the module comment. */
export class IdempotentOperations {
  readonly #table: string;

  constructor(private readonly options: IdempotentOperationsOptions) {
    this.#table = idempotencyTable(options.schema);
  }

  /**
   * Runs `work` once per (scope, key), in one transaction that first claims the key and at the end stores
   * `work`'s `result` (JSON) with it. A repeat (even concurrent: its claim waits for the first transaction) replays
   * the stored result; the same key with another request throws 422 idempotency_key_reused. When `work` throws,
   * the transaction rolls back and nothing is stored.
   */
  async run<O extends { result: unknown }>(
    scope: string,
    key: OperationKey,
    request: unknown,
    work: (tx: Queryable) => Promise<O>,
  ): Promise<OperationRun<O>> {
    const claim = { scope, key: keyOf(key), requestHash: requestHash(request) };
    const outcome = await this.options.transaction(async (tx): Promise<OperationRun<O>> => {
      if (!(await this.claim(tx, claim))) {
        return {
          result: (await this.#stored(tx, claim, request)).result as O['result'],
          replayed: true,
          done: undefined,
        };
      }
      const done = await work(tx);
      await this.complete(tx, claim, done.result);
      return { result: done.result, replayed: false, done };
    });
    if (outcome.replayed) markReplayed(key);
    return outcome;
  }

  /**
   * Runs a one-statement operation once per (scope, key): `post` claims the key in its own SQL (inserting
   * `claim` and its result into idempotencyTable(schema), without ON CONFLICT) together with its effect, and returns
   * what it stored as `result`. A used key makes the statement fail on IDEMPOTENCY_KEY_CONSTRAINT with nothing
   * written (a concurrent one waits for the first); then the stored result is replayed, or 422
   * idempotency_key_reused thrown for another request. Options:
   * - `replayFirstOn(error)`: other errors after which a stored result wins (e.g. insufficient funds: a replay of an
   *   operation that succeeded must not be judged against today's state); without one, the error is thrown.
   * - `refused()`: `post` may return undefined when its precondition does not hold (nothing written); then a stored
   *   result is replayed as above, and otherwise refused()'s error is thrown.
   */
  async runStatement<O extends { result: unknown }>(
    scope: string,
    key: OperationKey,
    request: unknown,
    post: (claim: OperationClaim) => Promise<O | undefined>,
    options: { replayFirstOn?: (error: unknown) => boolean; refused?: () => Promise<Error> } = {},
  ): Promise<OperationRun<O>> {
    const claim = { scope, key: keyOf(key), requestHash: requestHash(request) };
    let done: O | undefined;
    let failure: { error: unknown; used: boolean } | undefined;
    try {
      done = await post(claim);
    } catch (error) {
      const used = isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT);
      if (!used && !options.replayFirstOn?.(error)) throw error;
      failure = { error, used };
    }
    if (done !== undefined) return { result: done.result, replayed: false, done };
    const previous = await this.#replayOf(this.options.db ?? this.#reader(), claim, request);
    if (previous) {
      markReplayed(key);
      return { result: previous.result as O['result'], replayed: true, done: undefined };
    }
    if (failure?.used) throw new Error(`operation ${scope}/${claim.key}: key taken but no record stored`);
    if (failure) throw failure.error;
    if (options.refused) throw await options.refused();
    throw new Error(`operation ${scope}/${claim.key}: refused without a reason`);
  }

  /**
   * Looks before an operation that is not one transaction (e.g. calls to another service, then a transaction that
   * stores the result with run): the stored result for (scope, key) when this request was already done — the key
   * is then marked replayed —, undefined when the key is unused; throws 422 idempotency_key_reused when the key was
   * used with another request.
   */
  async lookup(scope: string, key: OperationKey, request: unknown): Promise<StoredOperation | undefined> {
    const claim = { scope, key: keyOf(key), requestHash: requestHash(request) };
    const previous = await this.#replayOf(this.options.db ?? this.#reader(), claim, request);
    if (previous) markReplayed(key);
    return previous;
  }

  /**
   * Claims the key in tx's transaction: true when this transaction owns it now, false when it was already used
   * (a concurrent claimer's transaction is waited for: the key is then used, or free again if it rolled back).
   */
  async claim(tx: Queryable, claim: OperationClaim): Promise<boolean> {
    const result = await tx.query(
      `INSERT INTO ${this.#table} (scope, key, request_hash, result) VALUES ($1, $2, $3, 'null'::jsonb)
       ON CONFLICT DO NOTHING`,
      [claim.scope, claim.key, claim.requestHash],
    );
    return result.rowCount === 1;
  }

  /** Stores the result of a key claimed in tx's transaction. */
  async complete(tx: Queryable, claim: OperationClaim, result: unknown): Promise<void> {
    await tx.query(`UPDATE ${this.#table} SET result = $3::jsonb WHERE scope = $1 AND key = $2`, [
      claim.scope,
      claim.key,
      json(result),
    ]);
  }

  /**
   * Frees a key in tx's transaction, for an operation that failed after its claim was committed (e.g. a checkout
   * whose payment was refused): a retry with the same key runs it again.
   */
  async forget(tx: Queryable, scope: string, key: string): Promise<void> {
    await tx.query(`DELETE FROM ${this.#table} WHERE scope = $1 AND key = $2`, [scope, key]);
  }

  /** The record of (scope, key), or undefined. */
  async find(q: Queryable, scope: string, key: string): Promise<StoredOperation | undefined> {
    // As text, parsed here: the same value whichever driver (pg, PGlite) and whatever the JSON's type.
    const result = await q.query<{ request_hash: string; result: string }>(
      `SELECT request_hash, result::text AS result FROM ${this.#table} WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    const row = result.rows[0];
    return row ? { requestHash: row.request_hash, result: JSON.parse(row.result) } : undefined;
  }

  /**
   * The stored result of this claim's key, or undefined when the key is unused; throws 422 idempotency_key_reused
   * when it was used with another request.
   */
  async #replayOf(
    q: Queryable,
    claim: OperationClaim,
    request: unknown,
  ): Promise<StoredOperation | undefined> {
    const previous = await this.find(q, claim.scope, claim.key);
    if (
      previous &&
      previous.requestHash !== claim.requestHash &&
      !this.options.acceptsStoredHash?.(previous.requestHash, request)
    ) {
      throw idempotencyKeyReused();
    }
    return previous;
  }

  /** The same key used by the same request, a second time: its stored result (throws 422 for another request). */
  async #stored(tx: Queryable, claim: OperationClaim, request: unknown): Promise<StoredOperation> {
    const previous = await this.#replayOf(tx, claim, request);
    if (!previous) throw new Error(`operation ${claim.scope}/${claim.key}: key taken but no record stored`);
    return previous;
  }

  #reader(): Queryable {
    return {
      query: <R>(sql: string, params?: readonly unknown[]) =>
        this.options.transaction((tx) => tx.query<R>(sql, params)),
    };
  }
}
