import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import { NotFoundError } from '../errors.ts';
import {
  argsOf,
  type LooseMethods,
  operationsOf,
  type PortDeclaration,
  type PortOf,
  pathParams,
  pickFields,
} from './declare.ts';

const EMPTY = Type.Object({}, { additionalProperties: false });

/**
 * The HTTP face of a port, generated from its declaration: one route per operation, validating path parameters,
 * body (POST) or query string (GET) with the declared input schema, answering the implementation's result as JSON.
 * The platform mounts it under `/internal/<service>` behind the service token.
 */
export function portRoutes<D extends PortDeclaration>(
  declaration: D,
  implementation: PortOf<D>,
): FastifyPluginAsync {
  const target = implementation as unknown as LooseMethods;
  return async (app) => {
    for (const [name, op] of operationsOf(declaration)) {
      const inPath = pathParams(op.path);
      const params = pickFields(op.input, inPath, true);
      const rest = pickFields(op.input, inPath, false);
      const schema: FastifySchema = {
        summary: op.summary ?? name,
        ...(params ? { params } : {}),
        ...(op.method === 'POST' ? { body: rest ?? EMPTY } : {}),
        ...(op.method === 'GET' && rest ? { querystring: rest } : {}),
      };
      app.route({
        method: op.method,
        url: op.path,
        schema,
        handler: async (request, reply) => {
          // Each part was validated against its slice of the one input schema; together they are that input.
          const input = {
            ...(request.params as Record<string, unknown>),
            ...((op.method === 'POST' ? request.body : request.query) as Record<string, unknown>),
          };
          const method = target[name];
          if (!method) throw new Error(`${declaration.service} port: ${name} is not implemented`);
          const result = await method.apply(implementation, argsOf(op, input));
          if (result === null && op.notFound) throw new NotFoundError(op.notFound.resource, op.notFound.code);
          // Serialised here so that every output (null, true, a string) is JSON, whatever its type.
          return reply.type('application/json; charset=utf-8').send(JSON.stringify(result ?? null));
        },
      });
    }
  };
}
