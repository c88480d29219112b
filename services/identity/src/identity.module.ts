import { defineService } from '@pcf/kernel';
import { identityRoutes } from './auth.routes.ts';
import { consentsRoutes } from './consents.routes.ts';
import { assembleIdentity } from './identity.assembly.ts';
import { identityDemoBanner, seedIdentityDemo } from './identity.demo.ts';
import { identityPort } from './identity.port.ts';
import { partnersRoutes } from './partners.routes.ts';
import { sessionsRoutes } from './sessions.routes.ts';

export type { IdentityPort } from './identity.port.ts';

/** Identity: fans, partners and their keys, sessions, consents; signs the tokens every service verifies. */
export const identityModule = defineService({
  name: 'identity',
  migrations: new URL('../migrations', import.meta.url),
  routePrefixes: ['/v1/auth', '/v1/partners', '/.well-known/jwks.json'],
  // Tokens, sessions and secret keys: never kept by a browser or a shared cache.
  cacheControl: 'no-store',
  port: identityPort,
  async create(ctx) {
    const parts = await assembleIdentity(ctx);
    const origin = new URL(ctx.config.publicUrl).origin;
    return {
      port: parts.port,
      routes: async (app) => {
        await app.register(identityRoutes(parts.identity, parts.keys));
        await app.register(partnersRoutes(parts.partners));
        await app.register(consentsRoutes(parts.consents));
        await app.register(sessionsRoutes(parts.sessions));
      },
      seedDemo: () =>
        seedIdentityDemo({
          db: ctx.db,
          identity: parts.identity,
          partners: parts.partnersRepository,
          outbox: ctx.outbox,
          password: ctx.config.demoPassword,
          origins: [...new Set(['http://localhost:8080', 'http://127.0.0.1:8080', origin])],
        }),
      demoBanner: () => identityDemoBanner(ctx.config.demoPassword),
    };
  },
});
