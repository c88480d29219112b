import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * Fastify's own request logging, one line per request: the "request completed" line carries the method, URL,
 * status and time (ms) instead of Fastify's two lines (incoming + completed) with whole request and reply objects.
 * It goes through the app's logger, so its level and redaction apply. Tokens never travel in URLs.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
