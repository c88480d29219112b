import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { fundWallet, newFan, postgresBackend } from '@pcf/kernel/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { send, startWalletPlatform } from './support.ts';

const postgres = postgresBackend();
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function verify(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', '--silent', 'wallet:verify'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => {
    output += c;
  });
  child.stderr.on('data', (c) => {
    output += c;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe.skipIf(!postgres)('npm run wallet:verify', () => {
  it('passes on a sound ledger and names a one-byte edit with exit code 1', async () => {
    const created = await postgres!.create();
    const url = created.databaseUrl!;
    try {
      // Reuse the database the platform creates: start it on that URL.
      const t = await startWalletPlatform({
        name: 'postgres',
        create: async () => ({ databaseUrl: url, drop: async () => {} }),
      });
      const [a, b] = [await newFan(t), await newFan(t)];
      await fundWallet(t, a, '10.00');
      const sent = await send(t, a, { to: b.id, amount: '3.21', asset: 'EUR' });
      await t.close();

      const clean = await verify(url);
      expect(clean.output).toContain('0 problem(s)');
      expect(clean.code).toBe(0);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('ALTER TABLE wallet.entries DISABLE TRIGGER entries_immutable');
      await client.query(
        'UPDATE wallet.entries SET amount = 320 WHERE transaction_id = $1 AND amount = 321',
        [sent.json().transactionId],
      );
      await client.end();

      const tampered = await verify(url);
      expect(tampered.code).toBe(1);
      expect(tampered.output).toContain(`transaction ${sent.json().transactionId}`);
      expect(tampered.output).toContain('content changed after it was posted');
    } finally {
      await created.drop();
    }
  });
});
