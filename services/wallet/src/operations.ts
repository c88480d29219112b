import { createHash } from 'node:crypto';
import { isUniqueViolation, KeyedMutex, type Queryable, UnprocessableError } from '@pcf/kernel';
import { type LedgerRepository, OPERATIONS_KEY } from './ledger.repository.ts';
import type { BalanceChange } from './ledger.service.ts';
import { keyReused } from './wallet.errors.ts';

export interface OperationOutcome<T> {
  result: T;
  changes: BalanceChange[];
}

/**
 * Runs a money operation once per (scope, key): the key is claimed in the operation's own transaction and
 * the result stored with it. A repeat returns the stored result; the same key with another request is refused.
 * A failed operation stores nothing, so it may be retried.
 */
export class Operations {
  /** One-statement operations of one scope (e.g. one payer's sends) queue here, one at a time, see runAtomic. */
  readonly #queues = new KeyedMutex();

  constructor(
    private readonly repository: LedgerRepository,
    private readonly transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>,
    private readonly onCommitted: (changes: BalanceChange[]) => void,
    private readonly db: Queryable,
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
    key: string,
    request: unknown,
    post: (operation: { scope: string; key: string; requestHash: string }) => Promise<OperationOutcome<T>>,
  ): Promise<T> {
    const hash = requestHash(request);
    try {
      const done = await this.#queues.run(scope, () => post({ scope, key, requestHash: hash }));
      this.onCommitted(done.changes);
      return done.result;
    } catch (error) {
      const used = isUniqueViolation(error, OPERATIONS_KEY);
      if (!used && !(error instanceof UnprocessableError && error.code === 'insufficient_funds')) throw error;
      const previous = await this.repository.findOperation(this.db, scope, key);
      if (!previous) {
        if (used) throw new Error(`operation ${scope}/${key}: key taken but no operation stored`);
        throw error;
      }
      if (previous.requestHash !== hash) throw keyReused();
      return previous.result as T;
    }
  }

  /**
   * As runAtomic, for a one-statement operation with a precondition (e.g. a hold still capturable): `post` returns
   * undefined when the precondition does not hold (nothing written). Then, as when the key is already used, a
   * stored result for the key is replayed (or the key refused if the request differs) — the same precedence as
   * run, which claims the key first — and otherwise `refused` gives the error to throw. A failure stores nothing.
   */
  async runGuarded<T>(
    scope: string,
    key: string,
    request: unknown,
    post: (operation: {
      scope: string;
      key: string;
      requestHash: string;
    }) => Promise<OperationOutcome<T> | undefined>,
    refused: () => Promise<Error>,
  ): Promise<T> {
    const hash = requestHash(request);
    let done: OperationOutcome<T> | undefined;
    try {
      done = await post({ scope, key, requestHash: hash });
    } catch (error) {
      if (!isUniqueViolation(error, OPERATIONS_KEY)) throw error;
    }
    if (done) {
      this.onCommitted(done.changes);
      return done.result;
    }
    const previous = await this.repository.findOperation(this.db, scope, key);
    if (previous) {
      if (previous.requestHash !== hash) throw keyReused();
      return previous.result as T;
    }
    throw await refused();
  }

  async run<T>(
    scope: string,
    key: string,
    request: unknown,
    operation: (tx: Queryable) => Promise<OperationOutcome<T>>,
  ): Promise<T> {
    return (await this.runReporting(scope, key, request, operation)).result;
  }

  /** As run, telling whether the result was replayed (so side effects outside the transaction run once). */
  async runReporting<T>(
    scope: string,
    key: string,
    request: unknown,
    operation: (tx: Queryable) => Promise<OperationOutcome<T>>,
  ): Promise<{ result: T; replayed: boolean }> {
    const hash = requestHash(request);
    const outcome = await this.transaction(async (tx) => {
      if (!(await this.repository.claimOperation(tx, scope, key, hash))) {
        const previous = await this.repository.findOperation(tx, scope, key);
        if (!previous || previous.requestHash !== hash) throw keyReused();
        return { result: previous.result as T, changes: [], replayed: true };
      }
      const done = await operation(tx);
      await this.repository.completeOperation(tx, scope, key, done.result);
      return { ...done, replayed: false };
    });
    if (!outcome.replayed) this.onCommitted(outcome.changes);
    return { result: outcome.result, replayed: outcome.replayed };
  }
}

export function requestHash(request: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(request, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)))
    .digest('hex');
}
