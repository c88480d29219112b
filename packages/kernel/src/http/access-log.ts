import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';

/**
 * One pino-compatible JSON line per request, written straight to the log destination: on the hot path this skips
 * pino's per-call redaction and serialisation, which cost a quarter of the throughput (docs/benchmarks.md).
 * It holds no secrets by construction: tokens never travel in URLs.
 */
export function registerAccessLog(app: FastifyInstance, destination: { write(line: string): unknown }): void {
  if (!['info', 'debug', 'trace'].includes(app.log.level)) return;
  const fixed = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  app.addHook('onResponse', (request, reply, done) => {
    destination.write(
      `{"level":30,"time":${Date.now()}${fixed},"reqId":${JSON.stringify(request.id)},"method":"${request.method}",` +
        `"url":${JSON.stringify(request.url)},"status":${reply.statusCode},` +
        `"ms":${Math.round(reply.elapsedTime * 10) / 10},"msg":"request completed"}\n`,
    );
    done();
  });
}
