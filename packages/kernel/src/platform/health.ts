import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';

/** /healthz: the process answers. /readyz: every database this process uses answers too. */
export function registerHealth(app: FastifyInstance, services: { name: string; db: Database }[]): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, 'ok' | 'unavailable'> = {};
    await Promise.all(
      services.map(async ({ name, db }) => {
        checks[name] = await Promise.race([
          db.query('SELECT 1').then(() => 'ok' as const),
          new Promise<'unavailable'>((resolve) => setTimeout(() => resolve('unavailable'), 2_000).unref()),
        ]).catch(() => 'unavailable' as const);
      }),
    );
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
