import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PageQuery, requireUser } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import { SessionPage, SessionParams } from './sessions.schema.ts';
import type { SessionsService } from './sessions.service.ts';

const tags = ['auth'];
const Problem = Type.Object({}, { additionalProperties: true, description: 'application/problem+json' });
const security = [{ bearer: [] }];

/** The signed-in fan's sessions: GET lists them, DELETE ends one. */
export function sessionsRoutes(sessions: SessionsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/auth/sessions',
      {
        schema: {
          tags,
          summary: 'Your live sessions (signed-in devices and partner widget sessions), newest first',
          security,
          querystring: PageQuery,
          response: { 200: SessionPage, 401: Problem },
        },
      },
      async (request) => sessions.list(requireUser(request), request.query.limit ?? 20, request.query.cursor),
    );

    app.delete(
      '/v1/auth/sessions/:sessionId',
      {
        schema: {
          tags,
          summary: 'End one of your sessions; its tokens stop working within seconds',
          description:
            "404 session_not_found for a session that is not yours or already ended; a partner's widget " +
            'session may end only its own widget sessions (403 widget_session_forbidden).',
          security,
          params: SessionParams,
          response: { 204: Type.Null(), 401: Problem, 403: Problem, 404: Problem },
        },
      },
      async (request, reply) => {
        await sessions.revoke(requireUser(request), request.params.sessionId);
        return reply.code(204).send(null);
      },
    );
  };
}
