import type { IdentityPort } from '@pcf/identity/port';
import type { Config, ServiceName } from '@pcf/kernel';
import type { FastifyInstance } from 'fastify';
import { type PublishableKeyLookup, type WebOptions, webRoutes } from './web.routes.ts';

/** The web surface of a platform process: keys are looked up through identity's port. */
export function platformWebSurface(config: Config, dirs?: WebOptions['dirs']) {
  return async (app: FastifyInstance, ports: { get<Port>(service: ServiceName): Port }) => {
    const identity = ports.get<IdentityPort>('identity');
    await app.register(
      webRoutes({
        publicOrigin: new URL(config.publicUrl).origin,
        lookupKey: (pk) => identity.getPublishableKey(pk),
        lookupPayee: async (handle) => {
          const user = await identity.findUser(`@${handle}`);
          return user ? { displayName: user.displayName, handle: user.handle } : null;
        },
        ...(dirs ? { dirs } : {}),
      }),
    );
  };
}

/** The gateway's lookup: identity's public key endpoint, through the identity service's URL. */
export function publicKeyLookup(identityUrl: string): PublishableKeyLookup {
  return async (pk) => {
    const response = await fetch(`${identityUrl}/v1/partners/publishable-keys/${encodeURIComponent(pk)}`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`identity answered ${response.status} for a publishable key`);
    return (await response.json()) as { allowedOrigins: string[] };
  };
}
