import type { FastifyInstance } from 'fastify';
import type { SecretKeyResolver } from '../auth/auth-plugin.ts';
import { registerAuthentication } from '../auth/auth-plugin.ts';
import { SessionCheck, type SessionStatusSource } from '../auth/session-check.ts';
import type { JwksSource } from '../auth/token-verifier.ts';
import { TokenVerifier } from '../auth/token-verifier.ts';
import { type Config, ConfigError, type ServiceName } from '../config.ts';
import type { Database } from '../db/database.ts';
import { type Broadcaster, MemoryBroadcaster } from '../events/broadcaster.ts';
import { idempotentSubscription } from '../events/consumer.ts';
import type { DomainEvent, EventBus } from '../events/event.ts';
import { MemoryEventBus } from '../events/memory-bus.ts';
import { Outbox } from '../events/outbox.ts';
import { OutboxRelay } from '../events/relay.ts';
import { createHttpApp } from '../http/app.ts';
import { registerCacheControl } from '../http/cache-control.ts';
import type { OriginPolicy } from '../http/cors.ts';
import { cachedOriginPolicy, registerCors } from '../http/cors.ts';
import { registerIdempotency } from '../http/idempotency.ts';
import { requireServiceToken } from '../http/internal-guard.ts';
import { registerLoadShedding } from '../http/load-shedding.ts';
import { Metrics } from '../http/metrics.ts';
import { INTERNAL_PREFIX, registerOpenApi } from '../http/openapi.ts';
import { MemoryRateLimitStore, type RateLimitStore } from '../http/rate-limit.ts';
import { registerRequestRateLimits } from '../http/request-rate-limits.ts';
import type { ServiceContext, ServiceInstance, ServiceModule } from '../service.ts';
import { openDatabases } from './databases.ts';
import { registerHealth } from './health.ts';
import { Ports } from './ports.ts';

export interface PlatformOptions {
  /** Every service the platform knows; those selected by config.services run here, the others via HTTP ports. */
  modules: ServiceModule[];
  /** Non-API surfaces (widget pages, SDK, demo) registered on the same app, with access to the ports. */
  surfaces?: ((app: FastifyInstance, ports: { get<Port>(service: ServiceName): Port }) => Promise<void>)[];
}

/** What the platform itself needs from identity: keys to verify tokens, secret keys, allowed origins, live sessions. */
type IdentityForPlatform = JwksSource & SecretKeyResolver & OriginPolicy & SessionStatusSource;

interface RunningService {
  module: ServiceModule;
  instance: ServiceInstance<unknown>;
  db: Database;
  relay: OutboxRelay;
}

export interface Platform {
  app: FastifyInstance;
  config: Config;
  bus: EventBus;
  /** Lines for the start log (demo credentials in demo mode). */
  banner: string[];
  /** Services running in this process. */
  services: string[];
  /** Publishes every committed outbox event now (tests use it instead of waiting for the poller). */
  flushEvents(): Promise<void>;
  database(service: string): Database;
  /** A running service's port (tests drive cross-service calls through it). */
  port<Port>(service: string): Port;
  /** Starts outbox relays, the bus and services' background work; listen() does it too. */
  startBackground(): Promise<void>;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** All selected services in one process: databases, bus, HTTP app. Nothing listens until listen(). */
export async function createPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const catalogue = options.modules;
  const modules = catalogue.filter((m) => config.services.includes(m.name));
  if (modules.length === 0) {
    throw new ConfigError(
      `PCF_SERVICES selects no available service (available: ${catalogue.map((m) => m.name).join(', ')})`,
    );
  }
  const ports = new Ports(config, catalogue);
  ports.checkDependencies(modules);
  const app = createHttpApp(config);
  const metrics = new Metrics();
  const databases = await openDatabases(config, modules);
  const onBusError = (err: unknown) => app.log.error({ err }, 'event bus error');
  const redis = config.redisUrl
    ? (await import('./redis-wiring.ts')).redisWiring({ ...config, redisUrl: config.redisUrl }, onBusError)
    : undefined;
  const rateLimitRedis = redis?.rateLimitRedis;
  const rateLimits: RateLimitStore = redis?.rateLimits ?? new MemoryRateLimitStore();
  const bus: EventBus = redis?.bus ?? new MemoryEventBus();
  const broadcaster: Broadcaster = redis?.broadcaster ?? new MemoryBroadcaster();
  const observer = {
    processed: (event: { occurredAt: string }, consumer: string) =>
      metrics.eventLag.observe({ consumer }, (Date.now() - Date.parse(event.occurredAt)) / 1000),
    rejected: (event: DomainEvent, consumer: string, problems: string[]) =>
      app.log.error({ event, consumer, problems }, 'event payload does not match its topic; skipped'),
  };

  const running: RunningService[] = [];
  for (const module of modules) {
    const db = databases.forService.get(module.name)!;
    const relay = new OutboxRelay(db, module.name, bus, {
      onError: (err) => app.log.warn({ err, service: module.name }, 'outbox relay pass failed; will retry'),
    });
    const ctx: ServiceContext = {
      name: module.name,
      config,
      db,
      logger: app.log.child({ service: module.name }),
      outbox: new Outbox(module.name, module.name),
      transaction: async (fn) => {
        const result = await db.transaction(fn);
        relay.wake();
        return result;
      },
      ports: ports.for(module),
      rateLimits,
      broadcaster,
      selfRequest: async ({ method, url, headers, body }) => {
        const response = await app.inject({
          method,
          url,
          headers,
          ...(body === undefined ? {} : { payload: body }),
        });
        return { statusCode: response.statusCode, body: response.body };
      },
    };
    const instance = await module.create(ctx);
    ports.setLocal(module.name, instance.port);
    for (const consumer of instance.consumers ?? []) {
      bus.subscribe(idempotentSubscription(db, module.name, consumer, observer));
    }
    metrics.observePool(module.name, () => db.stats());
    metrics.observeOutbox(module.name, () => relay.pending());
    running.push({ module, instance, db, relay });
  }

  if (!ports.has('identity')) {
    throw new ConfigError(
      'identity must run in this process or be listed in PCF_SERVICE_URLS (tokens are verified with its keys)',
    );
  }
  const identity = ports.get<IdentityForPlatform>('identity');

  // Demo data is written while the routes are registered below: the one waits on the database, the other works
  // on this thread (with the embedded database on its own thread, a start overlaps them).
  const seeding = config.demo ? seedDemo(running) : Promise.resolve([]);
  seeding.catch(() => undefined);
  metrics.register(app, { token: config.metricsToken });
  await registerOpenApi(app, config.publicUrl);
  await registerLoadShedding(app, {
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    maxHeapUsedBytes: config.maxHeapUsedBytes,
  });
  await registerCors(app, new URL(config.publicUrl).origin, cachedOriginPolicy(identity));
  // Before authentication: the per-IP budget is spent before a token is verified.
  const perCaller = await registerRequestRateLimits(app, {
    perIpPerMinute: config.rateLimitPerIp,
    perUserPerMinute: config.rateLimitPerUser,
    redis: rateLimitRedis,
    keyPrefix: `${config.redisPrefix}rl:`,
  });
  registerAuthentication(app, new TokenVerifier(identity), identity, perCaller, {
    sessions: new SessionCheck(identity, config.sessionCheckSeconds * 1000),
    platformOrigin: new URL(config.publicUrl).origin,
  });
  registerHealth(
    app,
    running.map((r) => ({ name: r.module.name, db: r.db })),
  );
  for (const { module, instance } of running) {
    await app.register(async (scope) => {
      if (module.cacheControl) registerCacheControl(scope, module.cacheControl);
      registerIdempotency(scope);
      await scope.register(instance.routes);
    });
    const internal = instance.internalRoutes;
    // Internal routes serve other processes: when every service runs here, nothing needs them, so none listen.
    if (internal && config.split) {
      await app.register(
        async (scope) => {
          requireServiceToken(scope, config.serviceToken);
          await scope.register(internal);
        },
        { prefix: `${INTERNAL_PREFIX}${module.name}` },
      );
    }
  }
  for (const surface of options.surfaces ?? []) await surface(app, ports);
  const banner = await seeding;
  await app.ready();

  let closed = false;
  let started = false;
  const find = (service: string) => {
    const found = running.find((r) => r.module.name === service);
    if (!found) throw new Error(`service ${service} is not running here`);
    return found;
  };
  const startBackground = async () => {
    if (started) return;
    started = true;
    await bus.start();
    for (const { relay, instance } of running) {
      relay.start();
      instance.start?.();
    }
  };

  return {
    app,
    config,
    bus,
    banner,
    services: running.map((r) => r.module.name),
    flushEvents: async () => {
      for (const { relay } of running) await relay.flush();
    },
    database: (service) => find(service).db,
    port: <Port>(service: string) => find(service).instance.port as Port,
    startBackground,
    async listen() {
      await startBackground();
      return app.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      for (const { relay } of running) await relay.stop();
      await bus.stop();
      for (const { instance } of running) await instance.stop?.();
      await broadcaster.close();
      await rateLimits.close();
      await rateLimitRedis?.quit();
      for (const db of databases.all) await db.close();
    },
  };
}

/** Seeds every service's demo data, one service after the other; returns the lines for the start log. */
async function seedDemo(running: RunningService[]): Promise<string[]> {
  const banner: string[] = [];
  for (const { instance } of running) {
    banner.push(...((await instance.seedDemo?.()) ?? []), ...(instance.demoBanner?.() ?? []));
  }
  return banner;
}
