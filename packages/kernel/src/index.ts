export * from './auth/auth-plugin.ts';
export * from './auth/principal.ts';
export * from './auth/session-check.ts';
export * from './auth/token-verifier.ts';
export * from './config.ts';
export { DataDirectoryInUseError } from './db/data-dir-lock.ts';
export * from './db/database.ts';
export * from './db/idempotent-operations.ts';
export * from './db/migrate.ts';
export { KeyedMutex } from './db/mutex.ts';
export { PgliteDatabase } from './db/pglite.ts';
export { PostgresDatabase, quoteIdent } from './db/postgres.ts';
export * from './define-service.ts';
export * from './demo-seed.ts';
export * from './errors.ts';
export * from './events/broadcaster.ts';
export { renderTopicCatalogue } from './events/catalogue.ts';
export * from './events/consumer.ts';
export * from './events/event.ts';
export { MemoryEventBus } from './events/memory-bus.ts';
export { type EncodedEvent, Outbox, type OutboxOptions } from './events/outbox.ts';
export { OutboxRelay } from './events/relay.ts';
export * from './events/topic.ts';
export * from './http/app.ts';
export * from './http/cors.ts';
export * from './http/idempotency.ts';
export * from './http/internal-guard.ts';
export * from './http/load-shedding.ts';
export { Metrics } from './http/metrics.ts';
export { INTERNAL_PREFIX, registerOpenApi } from './http/openapi.ts';
export * from './http/problem.ts';
export * from './http/rate-limit.ts';
export * from './http/request-rate-limits.ts';
export * from './http/schemas.ts';
export * from './internal-client.ts';
export * from './money.ts';
export * from './pagination.ts';
export { PeriodicTasks } from './periodic-tasks.ts';
export { createPlatform, type Platform, type PlatformOptions } from './platform/platform.ts';
export {
  declarePort,
  type Operation,
  type OperationArgs,
  type OperationMethod,
  type PortDeclaration,
  type PortOf,
} from './port/declare.ts';
export { portClient } from './port/http-client.ts';
export { portRoutes } from './port/http-routes.ts';
export { inputValidator, localPort } from './port/local.ts';
export * from './service.ts';
export * from './text.ts';
export { TtlCache } from './ttl-cache.ts';
