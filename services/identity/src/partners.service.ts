import { randomUUID } from 'node:crypto';
import {
  decodeTimeCursor,
  isUniqueViolation,
  type Outbox,
  type Page,
  type Queryable,
  toPage,
} from '@pcf/kernel';
import type { IdentityRepository } from './auth.repository.ts';
import { publicUser } from './auth.repository.ts';
import type { IdentityService } from './auth.service.ts';
import { normalizeEmail } from './auth.service.ts';
import { keyNotFound, partnerNotFound, slugTaken } from './identity.errors.ts';
import { partnerCreated } from './identity.events.ts';
import type { PublishableKeyInfo } from './identity.port.ts';
import type {
  ApiKey,
  CreateKeyBody,
  CreatePartnerBody,
  Partner,
  User,
  WidgetSessionBody,
} from './identity.schema.ts';
import type { PartnersRepository } from './partners.repository.ts';
import { assertStrongPassword } from './password-strength.ts';
import { hashPassword } from './passwords.ts';
import { randomToken, sha256 } from './secrets.ts';
import type { SigningKeys } from './signing-keys.ts';

/** The caller as partners see it: platform admins see every partner, partner admins only their own. */
export interface PartnerActor {
  role: 'fan' | 'partner_admin' | 'platform_admin';
  partnerId: string | undefined;
}

export interface PartnersServiceDeps {
  partners: PartnersRepository;
  users: IdentityRepository;
  identity: IdentityService;
  keys: SigningKeys;
  outbox: Outbox;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  widgetSessionTtlSeconds: number;
}

/** Writes identity.partner_created for a partner inserted in tx: the one place its payload is built (demo seed too). */
export async function publishPartnerCreated(
  outbox: Outbox,
  tx: Queryable,
  partner: Pick<Partner, 'id' | 'slug' | 'name'>,
): Promise<void> {
  await outbox.publish(tx, partnerCreated, { partnerId: partner.id, slug: partner.slug, name: partner.name });
}

export class PartnersService {
  constructor(private readonly deps: PartnersServiceDeps) {}

  /** Creates a partner and its admin; 400 `weak_password` for a guessable admin password, 409 `slug_taken`. */
  async createPartner(body: CreatePartnerBody): Promise<{ partner: Partner; admin: User }> {
    await assertStrongPassword(body.admin.password, [body.admin.email, body.admin.displayName, body.slug]);
    const passwordHash = await hashPassword(body.admin.password);
    try {
      return await this.deps.transaction(async (tx) => {
        if (await this.deps.partners.slugExists(body.slug, tx)) throw slugTaken();
        const partner = await this.deps.partners.insertPartner(
          { id: randomUUID(), name: body.name.trim(), slug: body.slug },
          tx,
        );
        const admin = await this.deps.identity.createUser(
          {
            email: normalizeEmail(body.admin.email),
            passwordHash,
            displayName: body.admin.displayName.trim(),
            role: 'partner_admin',
            partnerId: partner.id,
          },
          tx,
        );
        await publishPartnerCreated(this.deps.outbox, tx, partner);
        return { partner, admin: publicUser(admin) };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'partners_slug_key')) throw slugTaken();
      throw error;
    }
  }

  async listPartners(limit: number, cursor?: string): Promise<Page<Partner>> {
    const after = cursor ? decodeTimeCursor(cursor) : undefined;
    const page = toPage(await this.deps.partners.listPartners(limit, after), limit, (p) => [
      p.cursorAt,
      p.id,
    ]);
    return { data: page.data.map(({ cursorAt: _c, ...partner }) => partner), nextCursor: page.nextCursor };
  }

  async getPartner(actor: PartnerActor, partnerId: string): Promise<Partner> {
    this.#assertCanManage(actor, partnerId);
    const partner = await this.deps.partners.findPartner(partnerId);
    if (!partner) throw partnerNotFound();
    return partner;
  }

  async createKey(
    actor: PartnerActor,
    partnerId: string,
    body: CreateKeyBody,
  ): Promise<ApiKey & { secret: string | null }> {
    await this.getPartner(actor, partnerId);
    const mode = body.mode ?? 'live';
    const secret = body.kind === 'secret' ? `sk_${mode}_${randomToken(40)}` : null;
    const key = await this.deps.partners.insertKey({
      id: randomUUID(),
      partnerId,
      kind: body.kind,
      mode,
      publishableKey: body.kind === 'publishable' ? `pk_${mode}_${randomToken(24)}` : null,
      secretHash: secret ? sha256(secret) : null,
      secretLast4: secret ? secret.slice(-4) : null,
      allowedOrigins: body.kind === 'publishable' ? (body.allowedOrigins ?? []) : [],
      label: body.label ?? null,
    });
    return { ...key, secret };
  }

  async listKeys(
    actor: PartnerActor,
    partnerId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<ApiKey>> {
    await this.getPartner(actor, partnerId);
    const after = cursor ? decodeTimeCursor(cursor) : undefined;
    return toPage(await this.deps.partners.listKeys(partnerId, limit, after), limit, (k) => [
      k.createdAt,
      k.id,
    ]);
  }

  /**
   * Revokes a key. Revoking a secret key also ends every widget session it minted: a session is live only while
   * its minting key is (SessionsRepository), so their tokens are refused by the platform's session check within
   * seconds — sessions minted concurrently with the revocation included.
   */
  async revokeKey(actor: PartnerActor, partnerId: string, keyId: string): Promise<ApiKey> {
    await this.getPartner(actor, partnerId);
    const key = await this.deps.partners.revokeKey(partnerId, keyId);
    if (!key) throw keyNotFound();
    return key;
  }

  resolveSecretKey(secret: string) {
    return this.deps.partners.findActiveSecretKey(sha256(secret));
  }

  getPublishableKey(publishableKey: string): Promise<PublishableKeyInfo | null> {
    return this.deps.partners.findActivePublishableKey(publishableKey);
  }

  isAllowedOrigin(origin: string): Promise<boolean> {
    return this.deps.partners.originAllowed(origin);
  }

  /**
   * Turns a partner's signed-in user into a short-lived widget session, minted by the secret key `keyId`. The
   * partner's external id maps to one fan forever; we never link to an existing account by email (a partner cannot
   * claim someone's account). The token is bound to the partner's publishable-key origins, and its session to the
   * minting key (revoking the key ends it).
   */
  async createWidgetSession(partnerId: string, keyId: string, body: WidgetSessionBody) {
    const user = await this.#partnerFan(partnerId, body);
    const publishable = await this.deps.partners.listKeys(partnerId, 100);
    const origins = [
      ...new Set(
        publishable.filter((k) => k.kind === 'publishable' && !k.revokedAt).flatMap((k) => k.allowedOrigins),
      ),
    ];
    const sessionId = randomUUID();
    const ttl = this.deps.widgetSessionTtlSeconds;
    await this.deps.users.insertSession({
      id: sessionId,
      userId: user.id,
      kind: 'widget',
      partnerId,
      ttlSeconds: ttl,
      mintedByKeyId: keyId,
    });
    const token = await this.deps.keys.sign(
      { sub: user.id, role: 'fan', sid: sessionId, typ: 'widget', pid: partnerId, origins },
      ttl,
    );
    return { token, expiresIn: ttl, user };
  }

  /**
   * The partner's fan for this external id, created on first sight. The email a partner supplies is unverified:
   * it is kept only with the partner's link (partner_fans), never as the account's email — so it is never a login,
   * never a send target, and never blocks the address's owner from signing up.
   */
  async #partnerFan(partnerId: string, body: WidgetSessionBody): Promise<User> {
    const existing = await this.deps.partners.findPartnerFan(partnerId, body.externalUserId);
    if (existing) return this.deps.identity.me(existing);
    const email = body.email ? normalizeEmail(body.email) : null;
    const linked = await this.deps
      .transaction(async (tx) => {
        const user = await this.deps.identity.createUser(
          {
            email: null,
            passwordHash: null,
            displayName: body.displayName.trim(),
            role: 'fan',
            partnerId: null,
          },
          tx,
        );
        const inserted = await this.deps.partners.insertPartnerFan(
          { partnerId, externalUserId: body.externalUserId, userId: user.id, email },
          tx,
        );
        if (!inserted) throw new LostRace();
        return user;
      })
      .catch((error: unknown) => {
        if (error instanceof LostRace || isUniqueViolation(error)) return undefined;
        throw error;
      });
    if (linked) return publicUser(linked);
    const winner = await this.deps.partners.findPartnerFan(partnerId, body.externalUserId);
    if (!winner) throw new Error('partner fan link vanished');
    return this.deps.identity.me(winner);
  }

  #assertCanManage(actor: PartnerActor, partnerId: string): void {
    const allowed =
      actor.role === 'platform_admin' || (actor.role === 'partner_admin' && actor.partnerId === partnerId);
    if (!allowed) throw partnerNotFound();
  }
}

class LostRace extends Error {}
