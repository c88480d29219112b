import { describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { createHttpApp } from '../src/http/app.ts';
import { registerHealth } from '../src/platform/health.ts';

function fakeDatabase(query: () => Promise<unknown>): Database {
  return {
    kind: 'postgres',
    query: query as Database['query'],
    transaction: () => Promise.reject(new Error('unused')),
    stats: () => ({ total: 0, idle: 0, waiting: 0 }),
    close: async () => {},
  };
}

describe('/readyz', () => {
  it('is 503 and names the service whose database does not answer, while /healthz stays 200', async () => {
    const app = createHttpApp({ logLevel: 'silent', bodyLimit: 1024, trustProxy: false });
    registerHealth(app, [
      { name: 'identity', db: fakeDatabase(async () => ({ rows: [], rowCount: 1 })) },
      { name: 'wallet', db: fakeDatabase(() => Promise.reject(new Error('connection refused'))) },
    ]);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not_ready', checks: { identity: 'ok', wallet: 'unavailable' } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
