import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { destination } from 'pino';
import type { Config } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import { lazySerializerFactory } from './lazy-serializer.ts';
import { replyWithError, writeClientError } from './problem.ts';
import { RequestLog } from './request-log.ts';
import { registerSecurityHeaders, writeSecurityHeaders } from './security-headers.ts';
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

const LOG_FLUSH_MS = 250;

/** A Fastify instance with the platform's conventions: problem+json errors, strict validation, request ids, redacted logs. */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  // Asynchronous, buffered stdout: lines go out 4 KB at a time (a write per request line was a tenth of the CPU of
  // a cheap request, docs/benchmarks-hot-path.md), and at least every LOG_FLUSH_MS; pino flushes the rest on exit.
  const stdout = options.logStream ? undefined : destination({ dest: 1, sync: false, minLength: 4096 });
  const stream = options.logStream ?? stdout;
  const app = Fastify({
    logger: {
      level: options.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      stream,
    },
    // Fastify's request logging, one line per request with the fields we want.
    logController: new RequestLog(),
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
    frameworkErrors: (error, request, reply) => {
      // No hook runs for these: the headers every answer carries are written here.
      writeSecurityHeaders(request.raw, reply.raw);
      reply.header('x-request-id', request.id);
      return replyWithError(request, reply, error);
    },
    clientErrorHandler: writeClientError,
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory } },
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
  registerSecurityHeaders(app);
  if (stdout) {
    const timer = setInterval(() => stdout.flush(), LOG_FLUSH_MS).unref();
    app.addHook('onClose', (_instance, done) => {
      clearInterval(timer);
      stdout.flush();
      done();
    });
  }
  return app;
}
