import { decodeTimeCursor, isUuid, type Page, toPage, type UserPrincipal } from '@pcf/kernel';
import type { Static } from '@sinclair/typebox';
import type { IdentityRepository } from './auth.repository.ts';
import { sessionNotFound, widgetSessionForbidden } from './identity.errors.ts';
import type { SessionsRepository } from './sessions.repository.ts';
import type { SessionView } from './sessions.schema.ts';

/** A fan's sessions: listed, revoked, and checked by the platform on every token (see the kernel's SessionCheck). */
export class SessionsService {
  constructor(private readonly deps: { sessions: SessionsRepository; users: IdentityRepository }) {}

  /** Whether tokens of the session may still be used (unknown ids and malformed ones are not). */
  async isSessionActive(sessionId: string): Promise<boolean> {
    return isUuid(sessionId) && this.deps.sessions.isLive(sessionId);
  }

  /** The caller's live sessions, newest first; `current` marks the caller's own. */
  async list(
    actor: UserPrincipal,
    limit: number,
    cursor?: string,
  ): Promise<Page<Static<typeof SessionView>>> {
    const after = cursor ? decodeTimeCursor(cursor) : undefined;
    const page = toPage(await this.deps.sessions.listLive(actor.userId, limit, after), limit, (s) => [
      s.cursorAt,
      s.id,
    ]);
    return {
      data: page.data.map(({ cursorAt: _c, ...s }) => ({ ...s, current: s.id === actor.sessionId })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Ends one of the caller's sessions (its tokens are refused within the platform's session-check window).
   * A widget session may end only widget sessions of its own partner.
   * @throws 404 `session_not_found` (not the caller's, already ended, unknown); 403 `widget_session_forbidden`
   */
  async revoke(actor: UserPrincipal, sessionId: string): Promise<void> {
    const session = await this.deps.sessions.findLive(actor.userId, sessionId);
    if (!session) throw sessionNotFound();
    if (actor.kind === 'widget' && (session.kind !== 'widget' || session.partner?.id !== actor.partnerId)) {
      throw widgetSessionForbidden();
    }
    await this.deps.users.revokeSession(session.id, 'revoked_by_fan');
  }
}
