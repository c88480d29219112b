import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../db/database.ts';
import { UnauthenticatedError } from '../errors.ts';

export interface MetricsRouteOptions {
  /** Bearer token that GET /metrics requires (PCF_METRICS_TOKEN); undefined leaves it open. */
  token?: string | undefined;
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'pcf_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'pcf_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly eventLag = new Histogram({
    name: 'pcf_event_delivery_lag_seconds',
    help: 'Time from an event being written to the outbox to a consumer processing it',
    labelNames: ['consumer'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'pcf_' });
    this.#registerCollectors();
  }

  readonly #pools = new Map<string, () => PoolStats>();
  readonly #outboxes = new Map<string, () => Promise<number>>();

  observePool(database: string, stats: () => PoolStats): void {
    this.#pools.set(database, stats);
  }

  observeOutbox(service: string, pending: () => Promise<number>): void {
    this.#outboxes.set(service, pending);
  }

  #registerCollectors(): void {
    const pools = this.#pools;
    const poolGauge = (name: string, help: string, read: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['database'],
        registers: [this.registry],
        collect() {
          for (const [database, stats] of pools) this.set({ database }, read(stats()));
        },
      });
    poolGauge('pcf_db_pool_connections', 'Open database connections', (s) => s.total);
    poolGauge('pcf_db_pool_idle', 'Idle database connections', (s) => s.idle);
    poolGauge('pcf_db_pool_waiting', 'Queries waiting for a database connection', (s) => s.waiting);
    const outboxes = this.#outboxes;
    new Gauge({
      name: 'pcf_outbox_pending_events',
      help: 'Outbox events not yet handed to the bus, per service',
      labelNames: ['service'],
      registers: [this.registry],
      async collect() {
        for (const [service, pending] of outboxes) this.set({ service }, await pending().catch(() => -1));
      },
    });
  }

  /**
   * Counts every request of app and serves GET /metrics (Prometheus text). With options.token, /metrics answers
   * 401 problem+json `invalid_metrics_token` unless the request carries `Authorization: Bearer <token>`.
   */
  register(app: FastifyInstance, options: MetricsRouteOptions = {}): void {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      this.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      done();
    });
    const authorize = options.token === undefined ? undefined : bearerCheck(options.token);
    app.get(
      '/metrics',
      { schema: { hide: true }, config: { ownAuthorization: true } },
      async (request, reply) => {
        authorize?.(request, reply);
        reply.type(this.registry.contentType);
        return this.registry.metrics();
      },
    );
  }
}

/** @throws UnauthenticatedError (401, `invalid_metrics_token`) unless the request bears exactly `token`. */
function bearerCheck(token: string): (request: FastifyRequest, reply: FastifyReply) => void {
  const expected = digest(token);
  return (request, reply) => {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : '';
    if (!timingSafeEqual(digest(presented), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthenticatedError(
        'GET /metrics requires Authorization: Bearer <PCF_METRICS_TOKEN>',
        'invalid_metrics_token',
      );
    }
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
