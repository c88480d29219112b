import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { UnavailableError } from '../errors.ts';

export interface LoadSheddingOptions {
  /** Mean event-loop delay (ms, sampled each second) above which requests are refused; 0 turns the check off. */
  maxEventLoopDelayMs: number;
  /** Heap in use (bytes) above which requests are refused; 0 turns the check off. */
  maxHeapUsedBytes: number;
}

/** Liveness and metrics still answer when the process sheds load. */
const EXEMPT = new Set(['/healthz', '/metrics']);
const RETRY_AFTER_SECONDS = 10;

/**
 * Load shedding through @fastify/under-pressure: while the process is over a limit, requests are refused at once
 * with 503 problem+json `overloaded` and `Retry-After: 10` instead of queueing until they time out. With both
 * limits at 0 (the default, see Config.maxEventLoopDelayMs) nothing is registered.
 */
export async function registerLoadShedding(
  app: FastifyInstance,
  options: LoadSheddingOptions,
): Promise<void> {
  // Both checks off: no plugin, so no sampling timer either.
  if (options.maxEventLoopDelayMs === 0 && options.maxHeapUsedBytes === 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: options.maxHeapUsedBytes,
    pressureHandler: (request, reply, type) => {
      if (EXEMPT.has(request.url)) return;
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return Promise.reject(
        new UnavailableError(`The server is overloaded (${type}); retry in a few seconds`, 'overloaded'),
      );
    },
  });
}
