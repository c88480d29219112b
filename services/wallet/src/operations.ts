import { createHash } from 'node:crypto';
import {
  type IdempotentOperations,
  KeyedMutex,
  type OperationClaim,
  type OperationKey,
  type Queryable,
  UnprocessableError,
} from '@pcf/kernel';
import type { BalanceChange } from './ledger.service.ts';

export interface OperationOutcome<T> {
  result: T;
  changes: BalanceChange[];
}

/**
 * Accepts the request hash of a record written before the kernel's mechanism (migration 002 marks them 'json:'):
 * SHA-256 of the request's JSON.stringify, bigints as decimal strings. Pass as IdempotentOperations'
 * acceptsStoredHash.
 */
export function acceptsLegacyHash(stored: string, request: unknown): boolean {
  if (!stored.startsWith('json:')) return false;
  const json = JSON.stringify(request, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  return stored === `json:${createHash('sha256').update(json).digest('hex')}`;
}

const insufficientFunds = (error: unknown) =>
  error instanceof UnprocessableError && error.code === 'insufficient_funds';

/**
 * The wallet's money operations on the kernel's idempotency mechanism (IdempotentOperations, in the wallet's
 * `wallet.idempotency_keys`): each runs once per (scope, key), its key claimed and its result stored in its own
 * transaction or statement. A repeat returns the stored result; the same key with another request is refused
 * (422 idempotency_key_reused). A failed operation stores nothing, so it may be retried. On top of the kernel's
 * mechanism: balance changes are announced once, after the commit, and one payer's statements queue in-process.
 */
export class Operations {
  /** One-statement operations of one scope (e.g. one payer's sends) queue here, one at a time, see runAtomic. */
  readonly #queues = new KeyedMutex();

  constructor(
    private readonly idempotency: IdempotentOperations,
    private readonly onCommitted: (changes: BalanceChange[]) => void,
  ) {}

  /**
   * As run, for an operation that is one statement (Ledger.postOperation): `post` claims the key, writes
   * everything and stores the result at once, so there is no transaction to hold open. A used key makes the
   * statement fail with nothing written; then the stored result is replayed (or the key refused if the request
   * differs). A statement refused for insufficient funds is also checked against a stored result first: a replay of
   * a send that succeeded earlier must not be judged against today's balance. A failure stores nothing.
   * Statements of one scope run one at a time in this process: they would serialise on the account's row lock
   * anyway, and queued here they hold one pooled connection instead of all of them (a burst of one payer's sends
   * would otherwise starve every other request of connections).
   */
  async runAtomic<T>(
    scope: string,
    key: OperationKey,
    request: unknown,
    post: (operation: OperationClaim) => Promise<OperationOutcome<T>>,
  ): Promise<T> {
    const run = await this.idempotency.runStatement(
      scope,
      key,
      request,
      (claim) => this.#queues.run(scope, () => post(claim)),
      { replayFirstOn: insufficientFunds },
    );
    if (run.done) this.onCommitted(run.done.changes);
    return run.result;
  }

  /**
   * As runAtomic, for a one-statement operation with a precondition (e.g. a hold still capturable): `post` returns
   * undefined when the precondition does not hold (nothing written). Then, as when the key is already used, a
   * stored result for the key is replayed (or the key refused if the request differs) — the same precedence as
   * run, which claims the key first — and otherwise `refused` gives the error to throw. A failure stores nothing.
   */
  async runGuarded<T>(
    scope: string,
    key: OperationKey,
    request: unknown,
    post: (operation: OperationClaim) => Promise<OperationOutcome<T> | undefined>,
    refused: () => Promise<Error>,
  ): Promise<T> {
    const run = await this.idempotency.runStatement(scope, key, request, post, { refused });
    if (run.done) this.onCommitted(run.done.changes);
    return run.result;
  }

  /** Runs `operation` once per (scope, key) in one transaction that claims the key first (IdempotentOperations.run). */
  async run<T>(
    scope: string,
    key: OperationKey,
    request: unknown,
    operation: (tx: Queryable) => Promise<OperationOutcome<T>>,
  ): Promise<T> {
    return (await this.runReporting(scope, key, request, operation)).result;
  }

  /** As run, telling whether the result was replayed (so side effects outside the transaction run once). */
  async runReporting<T>(
    scope: string,
    key: OperationKey,
    request: unknown,
    operation: (tx: Queryable) => Promise<OperationOutcome<T>>,
  ): Promise<{ result: T; replayed: boolean }> {
    const run = await this.idempotency.run(scope, key, request, operation);
    if (run.done) this.onCommitted(run.done.changes);
    return { result: run.result, replayed: run.replayed };
  }
}
