import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** A request at least this slow (ms) is logged at `warn` whatever its status. */
export const SLOW_REQUEST_MS = 1_000;

/**
 * Fastify's own request logging, one line per request ("request completed": method, URL, status, time in ms)
 * instead of Fastify's two lines with whole request and reply objects. The level follows what the line is for:
 * - 5xx and handler errors at `error`; requests slower than SLOW_REQUEST_MS at `warn`; 4xx at `info`;
 * - everything else (2xx, 3xx) at `debug`: at the default `info` a successful request costs no log line (it was
 *   about an eighth of the CPU of a cheap request, docs/benchmarks-hot-path.md); the access log of every request is
 *   the reverse proxy's (nginx) or `LOG_LEVEL=debug`'s.
 * It goes through the app's logger, so redaction applies. Tokens never travel in URLs.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    const log = reply.log;
    const level =
      error || status >= 500 ? 'error' : ms >= SLOW_REQUEST_MS ? 'warn' : status >= 400 ? 'info' : 'debug';
    const line = { method: request.method, url: request.url, status, ms: Math.round(ms * 10) / 10 };
    if (error) log.error({ ...line, err: error }, 'request errored');
    else log[level](line, 'request completed');
  }
}
