import { fileURLToPath } from 'node:url';
import type { ServiceName } from './config.ts';
import type { PortDeclaration, PortOf } from './port/declare.ts';
import { portRoutes } from './port/http-routes.ts';
import type { ServiceContext, ServiceInstance, ServiceModule } from './service.ts';

/** The port type a declaration gives (undefined for a service that offers no port). */
export type DeclaredPort<D extends PortDeclaration | undefined> = D extends PortDeclaration
  ? PortOf<D>
  : undefined;

/**
 * What a service's `create` returns: its port implementation (which may have more methods than the port declares,
 * for its own tests and operators; other services only ever see the declared ones), public routes, consumers,
 * demo seed and background work. The `/internal` routes are generated from the port declaration.
 */
export type ServiceParts<Port> = Omit<ServiceInstance<Port>, 'internalRoutes' | 'port'> &
  (Port extends undefined ? { port?: undefined } : { port: Port });

/** A service module, written as data: see docs/architecture.md ("Adding a service"). */
export interface ServiceDefinition<D extends PortDeclaration | undefined> {
  name: ServiceName;
  /** The migrations folder, e.g. `new URL('../migrations', import.meta.url)`. */
  migrations: URL;
  /** Contrib extensions its migrations need (pg_trgm, unaccent). */
  extensions?: ServiceModule['extensions'];
  /** Path prefixes the gateway forwards to it. */
  routePrefixes: string[];
  /** Cache-Control on every answer of its public routes (`no-store` when answers carry tokens or balances). */
  cacheControl?: string;
  /** Its port declaration (`<svc>.port.ts`), if other services call it. */
  port?: D;
  /** Services whose ports it calls; checked when the platform starts. */
  dependsOn?: readonly ServiceName[];
  create(ctx: ServiceContext): Promise<ServiceParts<DeclaredPort<D>>>;
}

/**
 * Turns a service definition into the ServiceModule the platform runs: the migrations path resolved, the
 * `/internal/<service>` routes generated from the port declaration and bound to the implementation `create`
 * returns.
 */
export function defineService<D extends PortDeclaration | undefined = undefined>(
  definition: ServiceDefinition<D>,
): ServiceModule<DeclaredPort<D>> {
  const { migrations, create, port, ...rest } = definition;
  return {
    ...rest,
    migrationsDir: fileURLToPath(migrations),
    ...(port ? { port } : {}),
    async create(ctx) {
      const parts = await create(ctx);
      const implementation = parts.port as DeclaredPort<D>;
      return {
        ...parts,
        port: implementation,
        ...(port && implementation
          ? { internalRoutes: portRoutes(port, implementation as PortOf<typeof port>) }
          : {}),
      };
    },
  };
}
