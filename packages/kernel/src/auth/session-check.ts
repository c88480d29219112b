import { UnavailableError } from '../errors.ts';
import { TtlCache } from '../ttl-cache.ts';

/** Identity's answer to "may tokens of this session still be used?" (in-process, or over its HTTP port). */
export interface SessionStatusSource {
  /**
   * True while the session exists, is neither revoked (logout, revocation from the sessions list, refresh-token
   * reuse) nor expired, and — for a widget session — the partner secret key that minted it is not revoked.
   */
  isSessionActive(sessionId: string): Promise<boolean>;
}

/** Longest life of any token (access and widget tokens live ≤ 15 min): an ended session is remembered that long. */
const ENDED_MEMORY_MS = 15 * 60_000;
/** When identity cannot be asked, a session seen active this recently is still served (then 503). */
const STALE_GRACE_MS = 60_000;

/**
 * Session liveness on the request path, cheap: one lookup per session per `freshMs` (concurrent requests of one
 * session share it). An ended session never comes back, so "ended" is remembered until every token of it has
 * expired. If identity cannot be reached, a session seen active within the last minute is served from memory;
 * otherwise isActive throws UnavailableError (503 `session_check_unavailable`).
 */
export class SessionCheck {
  readonly #answers: TtlCache<string, { active: boolean; checkedAt: number }>;
  readonly #pending = new Map<string, Promise<boolean>>();

  /**
   * @param source identity's port
   * @param freshMs how long an "active" answer is trusted, in ms (0: ask on every request)
   * @param now clock in ms (tests)
   */
  constructor(
    private readonly source: SessionStatusSource,
    private readonly freshMs = 5_000,
    private readonly now: () => number = () => Date.now(),
    maxEntries = 50_000,
  ) {
    this.#answers = new TtlCache(ENDED_MEMORY_MS, maxEntries, now);
  }

  /** Whether the session may be used now; throws UnavailableError when that cannot be known. */
  async isActive(sessionId: string): Promise<boolean> {
    const known = this.#answers.get(sessionId);
    if (known && (!known.active || this.now() - known.checkedAt < this.freshMs)) return known.active;
    const pending = this.#pending.get(sessionId);
    if (pending) return pending;
    const lookup = this.#ask(sessionId, known).finally(() => this.#pending.delete(sessionId));
    this.#pending.set(sessionId, lookup);
    return lookup;
  }

  async #ask(sessionId: string, known: { active: boolean; checkedAt: number } | undefined): Promise<boolean> {
    let active: boolean;
    try {
      active = await this.source.isSessionActive(sessionId);
    } catch {
      if (known?.active && this.now() - known.checkedAt < STALE_GRACE_MS) return true;
      throw new UnavailableError(
        'Your session could not be checked right now; retry shortly',
        'session_check_unavailable',
      );
    }
    this.#answers.set(sessionId, { active, checkedAt: this.now() });
    return active;
  }
}
