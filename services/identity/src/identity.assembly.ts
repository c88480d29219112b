import type { ServiceContext } from '@pcf/kernel';
import { IdentityRepository, publicUser } from './auth.repository.ts';
import { IdentityService, normalizeEmail } from './auth.service.ts';
import { ConsentsRepository } from './consents.repository.ts';
import { ConsentsService } from './consents.service.ts';
import type { IdentityPort, UserSummary } from './identity.port.ts';
import { PartnersRepository } from './partners.repository.ts';
import { PartnersService } from './partners.service.ts';
import { hashPassword } from './passwords.ts';
import { SessionsRepository } from './sessions.repository.ts';
import { SessionsService } from './sessions.service.ts';
import { SigningKeys } from './signing-keys.ts';

/** Everything identity is made of, wired (signing keys loaded, the first admin created from the environment). */
export async function assembleIdentity(ctx: ServiceContext) {
  const users = new IdentityRepository(ctx.db);
  const partnersRepository = new PartnersRepository(ctx.db);
  const keys = new SigningKeys(users);
  await keys.load();
  const identity = new IdentityService({
    repository: users,
    keys,
    outbox: ctx.outbox,
    transaction: ctx.transaction,
    rateLimits: ctx.rateLimits,
    config: ctx.config,
  });
  const partners = new PartnersService({
    partners: partnersRepository,
    users,
    identity,
    keys,
    outbox: ctx.outbox,
    transaction: ctx.transaction,
    widgetSessionTtlSeconds: ctx.config.widgetSessionTtlSeconds,
  });
  const sessions = new SessionsService({ sessions: new SessionsRepository(ctx.db), users });
  const consents = new ConsentsService({
    consents: new ConsentsRepository(ctx.db),
    partners: partnersRepository,
  });
  await bootstrapAdmin(ctx, users, identity);

  const port: IdentityPort = {
    getJwks: async () => keys.jwks(),
    resolveSecretKey: (secret) => partners.resolveSecretKey(secret),
    isAllowedOrigin: (origin) => partners.isAllowedOrigin(origin),
    getPublishableKey: (pk) => partners.getPublishableKey(pk),
    isSessionActive: (sessionId) => sessions.isSessionActive(sessionId),
    findUser: (reference) => findUser(users, reference),
  };
  return { users, partnersRepository, keys, identity, partners, sessions, consents, port };
}

/** A user by id, account email or @handle, as the port shows it. */
async function findUser(users: IdentityRepository, reference: string): Promise<UserSummary | null> {
  const ref = reference.trim();
  const user =
    ref.includes('@') && !ref.startsWith('@')
      ? await users.findUserByEmail(normalizeEmail(ref))
      : /^[0-9a-f-]{36}$/i.test(ref)
        ? await users.findUserById(ref.toLowerCase())
        : await users.findUserByHandle(ref.replace(/^@/, '').toLowerCase());
  if (!user) return null;
  const { email, id, displayName, handle, role, partnerId, locale, displayCurrency } = publicUser(user);
  return { email, id, displayName, handle, role, partnerId, locale, displayCurrency };
}

/** PCF_ADMIN_EMAIL + PCF_ADMIN_PASSWORD create the first platform admin on a fresh database. */
async function bootstrapAdmin(ctx: ServiceContext, users: IdentityRepository, identity: IdentityService) {
  const { adminEmail, adminPassword } = ctx.config;
  if (!adminEmail || !adminPassword) return;
  const email = normalizeEmail(adminEmail);
  if (await users.findUserByEmail(email)) return;
  await identity.createUser({
    email,
    passwordHash: await hashPassword(adminPassword),
    displayName: 'Platform Admin',
    role: 'platform_admin',
    partnerId: null,
  });
  ctx.logger.info({ email }, 'platform admin created from PCF_ADMIN_EMAIL');
}
