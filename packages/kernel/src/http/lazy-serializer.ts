import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type SerializerFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']
>;

/**
 * Fastify's own response serializer (fast-json-stringify, with the app's shared schemas), compiled the first time
 * a route answers with that status instead of for every route at start-up: compiling ~150 response schemas was a
 * sixth of a restart (docs/benchmarks-hot-path.md). Answers are the same; only the moment of compilation moves.
 */
export const lazySerializerFactory: SerializerFactory = (externalSchemas, serializerOptions) => {
  const compile = SerializerSelector()(externalSchemas, serializerOptions);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => {
      serialize ??= compile(route);
      return serialize(data);
    };
  };
};
