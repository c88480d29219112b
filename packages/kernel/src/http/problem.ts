import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCategory } from '../errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  [extension: string]: unknown;
}

const STATUS: Record<ErrorCategory, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Fastify's own 4xx errors (FST_ERR_*): their stable code and, where Fastify's message is poor, our detail. */
const FASTIFY_CODES: Record<string, { code: string; detail?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    detail: 'This route does not accept this Content-Type; send JSON as application/json',
  },
  FST_ERR_CTP_INVALID_TYPE: {
    code: 'unsupported_media_type',
    detail: 'The Content-Type header is not valid',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'empty_body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_content_length' },
  FST_ERR_BAD_URL: {
    code: 'malformed_url',
    detail: 'The URL path is not valid: a %-escape does not decode to UTF-8 text',
  },
  FST_ERR_INVALID_URL: { code: 'malformed_url', detail: 'The URL is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'path_parameter_too_long',
    detail: 'A path parameter is longer than 100 characters',
  },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemType(code: string): string {
  return `https://docs.paiecashfan.dev/problems/${code.replaceAll('_', '-')}`;
}

export function makeProblem(
  status: number,
  code: string,
  detail: string,
  requestId: string,
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    requestId,
    ...extra,
  };
}

/** The one place where any thrown error becomes an RFC 9457 response. */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof DomainError) {
    return makeProblem(STATUS[error.category], error.code, error.message, requestId, error.extra);
  }
  const fastifyError = error as Partial<FastifyError> & {
    validation?: ValidationIssue[];
    validationContext?: string;
  };
  if (Array.isArray(fastifyError.validation)) {
    const errors = fastifyError.validation.map((issue) =>
      describeIssue(issue, fastifyError.validationContext),
    );
    return makeProblem(
      400,
      'validation_failed',
      errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      requestId,
      {
        errors,
      },
    );
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return makeProblem(400, 'malformed_json', 'The request body is not valid JSON', requestId);
    }
    const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    return makeProblem(
      status,
      known?.code ?? 'bad_request',
      known?.detail ?? fastifyError.message ?? 'Bad request',
      requestId,
    );
  }
  return makeProblem(
    500,
    'internal_error',
    'Something went wrong on our side; it has been logged.',
    requestId,
  );
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 429 && typeof problem.retryAfter === 'number') {
    reply.header('retry-after', String(problem.retryAfter));
  }
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

export function replyWithError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const problem = toProblem(error, request.id);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem);
}

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser finds before there is a request (malformed request
 * line or headers → 400, headers over the size limit → 431, a request that took too long → 408) are answered as
 * problem+json too, written straight to the socket, which is then closed.
 */
export function writeClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request was not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are larger than the server accepts']
        : [400, 'malformed_request', 'The request is not valid HTTP (request line or headers)'];
  const body = JSON.stringify(makeProblem(status, code, detail, randomUUID()));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${TITLES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function describeIssue(issue: ValidationIssue, context = 'body'): { field: string; message: string } {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
  const params = issue.params ?? {};
  if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { field: join(path, params.missingProperty), message: 'is required' };
  }
  if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { field: join(path, params.additionalProperty), message: 'is not an allowed field' };
  }
  return { field: path || context, message: issue.message ?? 'is invalid' };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
