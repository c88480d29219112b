import { randomUUID } from 'node:crypto';
import { createPostgresDatabase, waitFor } from '@pcf/kernel/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, type ServerProcess, startServer } from './process.ts';

const databaseServer = process.env.TEST_DATABASE_URL;
const ADMIN = { email: 'root@crash.test', password: 'root-password-123' };

describe.skipIf(!databaseServer)('wallet crash safety (kill -9 mid-load) on PostgreSQL', () => {
  let server: ServerProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await drop?.();
  });

  it('keeps every acknowledged transfer, half-writes none, and still balances after a restart', async () => {
    const database = await createPostgresDatabase(databaseServer!);
    drop = database.drop;
    const env = {
      PORT: '0',
      DATABASE_URL: database.databaseUrl,
      PCF_ADMIN_EMAIL: ADMIN.email,
      PCF_ADMIN_PASSWORD: ADMIN.password,
      PCF_SANDBOX_CONFIRM_MS: '0',
      PCF_RATE_LIMIT_IP: '1000000',
      PCF_RATE_LIMIT_USER: '1000000',
    };
    server = await startServer(env);
    let call = apiClient(server.url);

    const fans: { id: string; token: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const signup = await call('/v1/auth/signup', {
        method: 'POST',
        body: { email: `crash-${i}@example.com`, password: 'crash-password-1', displayName: `Fan ${i}` },
      });
      const user = signup.body.user as { id: string };
      fans.push({ id: user.id, token: String(signup.body.accessToken) });
      await call('/v1/wallet/deposit', {
        method: 'POST',
        token: String(signup.body.accessToken),
        key: randomUUID(),
        body: { amount: '100.00', asset: 'EUR', method: 'card' },
      });
    }
    for (const fan of fans) {
      await waitFor(
        async () => (await call('/v1/wallet/balance', { token: fan.token })).body.balance === '100.00',
        'funded',
      );
    }

    const acknowledged: { key: string; from: number; transactionId: string }[] = [];
    const attempted: { key: string; from: number; to: number }[] = [];
    let stop = false;
    const worker = async (seed: number) => {
      let n = seed;
      while (!stop) {
        n = (n * 1103515245 + 12345) % 2147483648;
        const from = n % fans.length;
        const to = (from + 1 + (n % (fans.length - 1))) % fans.length;
        const key = randomUUID();
        attempted.push({ key, from, to });
        try {
          const response = await call('/v1/wallet/send', {
            method: 'POST',
            token: fans[from]!.token,
            key,
            body: { to: fans[to]!.id, amount: '0.01', asset: 'EUR' },
          });
          if (response.status === 201)
            acknowledged.push({ key, from, transactionId: String(response.body.transactionId) });
        } catch {
          // the server died under us: this send is unacknowledged
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => worker(i + 1));
    await waitFor(() => acknowledged.length >= 200, 'sends under way', 30_000);
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(200);

    server = await startServer(env);
    call = apiClient(server.url);

    const client = new pg.Client({ connectionString: database.databaseUrl });
    await client.connect();
    try {
      const ids = acknowledged.map((a) => a.transactionId);
      const found = await client.query(
        'SELECT count(*)::int AS n FROM wallet.transactions WHERE id = ANY($1::uuid[])',
        [ids],
      );
      expect(found.rows[0].n).toBe(acknowledged.length);
      const halfWritten = await client.query(
        `SELECT t.id FROM wallet.transactions t LEFT JOIN wallet.entries e ON e.transaction_id = t.id
         GROUP BY t.id HAVING count(e.id) <> 2 AND t.kind = 'transfer'`,
      );
      expect(halfWritten.rows).toEqual([]);
      const total = await client.query(
        `SELECT sum(posted)::text AS total FROM wallet.accounts WHERE owner_type = 'fan' AND asset = 'EUR'`,
      );
      expect(total.rows[0].total).toBe('100000');
    } finally {
      await client.end();
    }

    // A retry of an acknowledged send replays it: same transaction, no second transfer. (A send that was in flight
    // when the process died answers 409 until its key's lock lapses, then runs at most once: the wallet's own
    // operations table holds one row per key, written in the transfer's transaction.)
    for (const done of acknowledged.slice(-30)) {
      const attempt = attempted.find((a) => a.key === done.key)!;
      const retry = await call('/v1/wallet/send', {
        method: 'POST',
        token: fans[attempt.from]!.token,
        key: attempt.key,
        body: { to: fans[attempt.to]!.id, amount: '0.01', asset: 'EUR' },
      });
      expect(retry.status).toBe(201);
      expect(retry.body.transactionId).toBe(done.transactionId);
    }
    const admin = await call('/v1/auth/login', { method: 'POST', body: ADMIN });
    const report = await call('/v1/wallet/admin/audit', { token: String(admin.body.accessToken) });
    expect(report.body).toMatchObject({ ok: true, problems: [] });
  });
});
