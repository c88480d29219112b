import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { Config, ServiceName } from './config.ts';
import type { Database, Queryable } from './db/database.ts';
import type { Broadcaster } from './events/broadcaster.ts';
import type { ConsumerDefinition } from './events/consumer.ts';
import type { Outbox } from './events/outbox.ts';
import type { RateLimitStore } from './http/rate-limit.ts';
import type { PortDeclaration } from './port/declare.ts';

/**
 * Finds another service's port: in-process (validated against its declaration) when it runs here, over HTTP
 * otherwise. A service's resolver answers only the services listed in its module's `dependsOn`.
 */
export interface PortResolver {
  get<Port>(service: ServiceName): Port;
}

/** What a service receives from the platform; everything it touches goes through this. */
export interface ServiceContext {
  name: ServiceName;
  config: Config;
  /** This service's database; its tables live in the schema named like the service. */
  db: Database;
  logger: FastifyBaseLogger;
  outbox: Outbox;
  /** A transaction that wakes the outbox relay after commit, so events leave at once. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  ports: PortResolver;
  rateLimits: RateLimitStore;
  /** Fan-out to every process of the platform (live updates); not durable. */
  broadcaster: Broadcaster;
  /** Sends a request through this process's own HTTP stack (sandbox adapters calling our webhooks). */
  selfRequest(request: SelfRequest): Promise<{ statusCode: number; body: string }>;
}

export interface SelfRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ServiceInstance<Port> {
  port: Port;
  /** Public routes (full paths, e.g. /v1/auth/login). */
  routes: FastifyPluginAsync;
  /** Routes other services call, mounted under /internal/<service> behind the service token (generated from the port). */
  internalRoutes?: FastifyPluginAsync;
  consumers?: ConsumerDefinition[];
  /** Inserts demo data; runs once per database. Returns lines to print in the start log. */
  seedDemo?(): Promise<string[]>;
  /** Lines to print at every start in demo mode (e.g. the demo fan's credentials). */
  demoBanner?(): string[];
  /** Background work (sweepers, sealers), started once the platform listens. */
  start?(): void;
  stop?(): Promise<void>;
}

/** A service the platform can run: see `defineService` for the way to write one. */
export interface ServiceModule<Port = unknown> {
  name: ServiceName;
  migrationsDir: string;
  /** Contrib extensions the service's migrations need, installed in its schema (pg_trgm, unaccent). */
  extensions?: readonly ('pg_trgm' | 'unaccent')[];
  /** Path prefixes the gateway forwards to this service. */
  routePrefixes: string[];
  /**
   * Cache-Control sent on every answer of this service's public routes, errors included, unless a route sets its
   * own: `no-store` for services whose answers carry tokens, sessions or balances (identity, wallet).
   */
  cacheControl?: string;
  /**
   * The port other services call (`<svc>.port.ts`): the platform derives its HTTP client for other processes and
   * validates in-process calls with it; `defineService` derives the `/internal/<service>` routes from it.
   */
  port?: PortDeclaration;
  /**
   * Services whose ports this one calls. A process running this service without them here or in PCF_SERVICE_URLS
   * refuses to start (one line naming what is missing) instead of failing at the first call.
   */
  dependsOn?: readonly ServiceName[];
  create(ctx: ServiceContext): Promise<ServiceInstance<Port>>;
}
