import { fileURLToPath } from 'node:url';
import type { ServiceContext, ServiceInstance, ServiceModule } from '@pcf/kernel';
import { IdentityRepository, publicUser } from './auth.repository.ts';
import { identityRoutes } from './auth.routes.ts';
import { IdentityService, normalizeEmail } from './auth.service.ts';
import { ConsentsRepository } from './consents.repository.ts';
import { consentsRoutes } from './consents.routes.ts';
import { ConsentsService } from './consents.service.ts';
import { identityDemoBanner, seedIdentityDemo } from './identity.demo.ts';
import { identityInternalRoutes } from './identity.internal-routes.ts';
import { type IdentityPort, identityHttpPort } from './identity.port.ts';
import { PartnersRepository } from './partners.repository.ts';
import { partnersRoutes } from './partners.routes.ts';
import { PartnersService } from './partners.service.ts';
import { hashPassword } from './passwords.ts';
import { SessionsRepository } from './sessions.repository.ts';
import { sessionsRoutes } from './sessions.routes.ts';
import { SessionsService } from './sessions.service.ts';
import { SigningKeys } from './signing-keys.ts';

export type { IdentityPort } from './identity.port.ts';

async function create(ctx: ServiceContext): Promise<ServiceInstance<IdentityPort>> {
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
    findUser: async (reference) => {
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
    },
  };

  const origin = new URL(ctx.config.publicUrl).origin;
  return {
    port,
    routes: async (app) => {
      await app.register(identityRoutes(identity, keys));
      await app.register(partnersRoutes(partners));
      await app.register(consentsRoutes(consents));
      await app.register(sessionsRoutes(sessions));
    },
    internalRoutes: identityInternalRoutes(port),
    seedDemo: () =>
      seedIdentityDemo({
        db: ctx.db,
        identity,
        partners: partnersRepository,
        outbox: ctx.outbox,
        password: ctx.config.demoPassword,
        origins: [...new Set(['http://localhost:8080', 'http://127.0.0.1:8080', origin])],
      }),
    demoBanner: () => identityDemoBanner(ctx.config.demoPassword),
  };
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

export const identityModule: ServiceModule<IdentityPort> = {
  name: 'identity',
  migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
  routePrefixes: ['/v1/auth', '/v1/partners', '/.well-known/jwks.json'],
  // Tokens, sessions, secret keys and balances: never kept by a browser or a shared cache.
  cacheControl: 'no-store',
  create,
  httpPort: identityHttpPort,
};
