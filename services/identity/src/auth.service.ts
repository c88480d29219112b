import { randomUUID } from 'node:crypto';
import {
  type Config,
  isUniqueViolation,
  type Outbox,
  type Queryable,
  RateLimitedError,
  type RateLimitStore,
  TtlCache,
} from '@pcf/kernel';
import { type IdentityRepository, type NewUser, publicUser, type UserRecord } from './auth.repository.ts';
import { handleCandidate } from './handles.ts';
import {
  emailTaken,
  invalidCredentials,
  invalidRefreshToken,
  refreshTokenReused,
  userNotFound,
} from './identity.errors.ts';
import { userRegistered } from './identity.events.ts';
import type { LoginBody, SignupBody, TokenPair, UpdateMeBody, User } from './identity.schema.ts';
import { assertStrongPassword } from './password-strength.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { randomToken, sha256 } from './secrets.ts';
import type { SigningKeys } from './signing-keys.ts';

export const PROFILE_CACHE_MS = 10_000;

export const LOGIN_LIMITS = {
  perAccount: { limit: 10, windowMs: 15 * 60_000 },
  // Generous per IP: a stadium's Wi-Fi puts thousands of fans behind one address.
  perIp: { limit: 300, windowMs: 15 * 60_000 },
};

export interface IdentityServiceDeps {
  repository: IdentityRepository;
  keys: SigningKeys;
  outbox: Outbox;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  rateLimits: RateLimitStore;
  config: Pick<Config, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>;
}

/** Fans' accounts and sessions: sign-up, sign-in, token rotation, profile. */
export class IdentityService {
  /** Profiles read by /me; writes through this service refresh the entry, other replicas see them within the TTL. */
  readonly #profiles = new TtlCache<string, User>(PROFILE_CACHE_MS);

  constructor(private readonly deps: IdentityServiceDeps) {}

  /** Creates a fan and signs them in; throws 400 `weak_password` for a guessable password, 409 `email_taken`. */
  async signup(body: SignupBody): Promise<TokenPair> {
    const email = normalizeEmail(body.email);
    await assertStrongPassword(body.password, [email, body.displayName]);
    const passwordHash = await hashPassword(body.password);
    const user = await this.createUser({
      email,
      passwordHash,
      displayName: body.displayName.trim(),
      role: 'fan',
      partnerId: null,
    });
    return this.#startSession(user);
  }

  async login(body: LoginBody, ip: string): Promise<TokenPair> {
    const email = normalizeEmail(body.email);
    const accountKey = `login:account:${sha256(email)}`;
    const { rateLimits } = this.deps;
    const [byIp, byAccount] = await Promise.all([
      rateLimits.hit(`login:ip:${ip}`, LOGIN_LIMITS.perIp.limit, LOGIN_LIMITS.perIp.windowMs),
      rateLimits.hit(accountKey, LOGIN_LIMITS.perAccount.limit, LOGIN_LIMITS.perAccount.windowMs),
    ]);
    for (const result of [byIp, byAccount]) {
      if (!result.allowed) {
        throw new RateLimitedError(
          Math.ceil(result.resetMs / 1000),
          'Too many sign-in attempts; wait a few minutes and try again',
        );
      }
    }
    const user = await this.deps.repository.findUserByEmail(email);
    if (!(await verifyPassword(user?.passwordHash, body.password)) || !user) throw invalidCredentials();
    await rateLimits.reset(accountKey);
    return this.#startSession(user);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const { repository } = this.deps;
    const hash = sha256(refreshToken);
    const outcome = await this.deps.transaction(async (tx) => {
      const token = await repository.lockRefreshToken(tx, hash);
      if (!token || token.sessionRevoked || token.sessionExpired) return { error: invalidRefreshToken() };
      if (token.usedAt !== null) {
        await repository.revokeSession(token.sessionId, 'refresh_token_reused', tx);
        return { error: refreshTokenReused() };
      }
      await repository.markRefreshTokenUsed(tx, hash);
      const next = randomToken(48);
      await repository.insertRefreshToken(sha256(next), token.sessionId, tx);
      const user = await repository.findUserById(token.userId, tx);
      return { user, sessionId: token.sessionId, next };
    });
    if ('error' in outcome) throw outcome.error;
    if (!outcome.user) throw invalidRefreshToken();
    return this.#tokens(outcome.user, outcome.sessionId, outcome.next);
  }

  /**
   * Ends the session (the refresh-token family). Its access or widget tokens are refused by the platform's session
   * check within PCF_SESSION_CHECK_SECONDS.
   */
  async logout(sessionId: string): Promise<void> {
    await this.deps.repository.revokeSession(sessionId, 'logout');
  }

  async me(userId: string): Promise<User> {
    const cached = this.#profiles.get(userId);
    if (cached) return cached;
    const user = await this.deps.repository.findUserById(userId);
    if (!user) throw userNotFound();
    const profile = publicUser(user);
    this.#profiles.set(userId, profile);
    return profile;
  }

  async updateMe(userId: string, changes: UpdateMeBody): Promise<User> {
    const user = await this.deps.repository.updateUser(userId, {
      ...changes,
      displayName: changes.displayName?.trim(),
    });
    if (!user) throw userNotFound();
    const profile = publicUser(user);
    this.#profiles.set(userId, profile);
    return profile;
  }

  /** Creates a user with a unique handle, and announces it on the bus. */
  async createUser(user: Omit<NewUser, 'id' | 'handle'>, tx?: Queryable): Promise<UserRecord> {
    const create = async (q: Queryable) => {
      if (user.email && (await this.deps.repository.emailExists(user.email, q))) throw emailTaken();
      const handle = await this.#freeHandle(user.displayName, q);
      const record = await this.deps.repository.insertUser({ ...user, id: randomUUID(), handle }, q);
      await this.deps.outbox.publish(q, userRegistered, {
        userId: record.id,
        role: record.role,
        handle: record.handle,
        locale: record.locale,
        displayCurrency: record.displayCurrency,
      });
      return record;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return tx ? await create(tx) : await this.deps.transaction(create);
      } catch (error) {
        // Two signups may draw the same random handle at once (it was free when each looked): the later one
        // tries again with another handle instead of failing.
        if (!tx && attempt < 5 && isUniqueViolation(error, 'users_handle_key')) continue;
        if (isUniqueViolation(error, 'users_email_key')) throw emailTaken();
        throw error;
      }
    }
  }

  async issueAccessToken(user: UserRecord, sessionId: string): Promise<string> {
    return this.deps.keys.sign(
      {
        sub: user.id,
        role: user.role,
        sid: sessionId,
        typ: 'access',
        ...(user.partnerId ? { pid: user.partnerId } : {}),
      },
      this.deps.config.accessTokenTtlSeconds,
    );
  }

  async #startSession(user: UserRecord): Promise<TokenPair> {
    const sessionId = randomUUID();
    const refreshToken = randomToken(48);
    await this.deps.transaction(async (tx) => {
      await this.deps.repository.insertSession(
        {
          id: sessionId,
          userId: user.id,
          kind: 'password',
          partnerId: null,
          ttlSeconds: this.deps.config.refreshTokenTtlSeconds,
        },
        tx,
      );
      await this.deps.repository.insertRefreshToken(sha256(refreshToken), sessionId, tx);
    });
    return this.#tokens(user, sessionId, refreshToken);
  }

  async #tokens(user: UserRecord, sessionId: string, refreshToken: string): Promise<TokenPair> {
    return {
      accessToken: await this.issueAccessToken(user, sessionId),
      refreshToken,
      expiresIn: this.deps.config.accessTokenTtlSeconds,
      tokenType: 'Bearer',
      user: publicUser(user),
    };
  }

  async #freeHandle(displayName: string, q: Queryable): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const handle = handleCandidate(displayName);
      if (!(await this.deps.repository.handleExists(handle, q))) return handle;
    }
    return `fan${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
