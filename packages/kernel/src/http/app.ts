import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { destination } from 'pino';
import type { Config } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import { registerAccessLog } from './access-log.ts';
import { replyWithError, writeClientError } from './problem.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { validatorCompiler } from './validation.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'req.headers["x-pcf-service-token"]',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.secret',
  '*.secretKey',
];

export type HttpAppOptions = Pick<Config, 'logLevel' | 'bodyLimit' | 'trustProxy'> & {
  /** Test hook: collects log lines instead of writing them to stdout. */
  logStream?: NodeJS.WritableStream;
};

/** A Fastify instance with the platform's conventions: problem+json errors, strict validation, request ids, redacted logs. */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  // Asynchronous stdout: lines written while a write is in flight go out together in the next one.
  const stream = options.logStream ?? destination({ dest: 1, sync: false });
  const app = Fastify({
    logger: {
      level: options.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      stream,
    },
    // One line per request is written by registerAccessLog, with the fields we want.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
    // The router's own errors (bad %-encoding in a path, over-long path parameter) and the HTTP parser's (malformed
    // request line or headers) are problem+json like every other error.
    frameworkErrors: (error, request, reply) => replyWithError(request, reply, error),
    clientErrorHandler: writeClientError,
  });
  // JSON is the only body the API takes by default (a route adds parsers for what else it takes, e.g. images);
  // text/plain would otherwise be parsed into a string and reach validation as a confusing "must be object".
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler());
  app.setErrorHandler((error, request, reply) => replyWithError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    replyWithError(
      request,
      reply,
      new NotFoundError(`${request.method} ${request.url.split('?')[0]}`, 'route_not_found'),
    ),
  );
  registerAccessLog(app, stream);
  registerSecurityHeaders(app);
  return app;
}
