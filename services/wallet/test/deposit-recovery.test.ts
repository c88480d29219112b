import { randomUUID } from 'node:crypto';
import { newFan, postgresBackend, waitFor, walletBalance } from '@pcf/kernel/testing';
import { describe, expect, it } from 'vitest';
import { startWalletPlatform } from './support.ts';

const postgres = postgresBackend();

describe.skipIf(!postgres)('deposits pending across a restart', () => {
  it('are followed up after the restart and confirmed once', async () => {
    const created = await postgres!.create();
    const sameDatabase = {
      name: 'postgres' as const,
      create: async () => ({ databaseUrl: created.databaseUrl, drop: async () => {} }),
    };
    try {
      // The processor never answers before the first process stops.
      const first = await startWalletPlatform(sameDatabase, { PCF_SANDBOX_CONFIRM_MS: '3600000' });
      const fan = await newFan(first);
      const started = await first.request({
        method: 'POST',
        url: '/v1/wallet/deposit',
        token: fan.token,
        headers: { 'idempotency-key': randomUUID() },
        body: { amount: '42.00', asset: 'EUR', method: 'card' },
      });
      expect(started.json().status).toBe('pending');
      await first.platform
        .database('wallet')
        .query("UPDATE wallet.deposits SET updated_at = now() - interval '1 minute'");
      await first.close();

      const second = await startWalletPlatform(sameDatabase);
      await second.platform.startBackground();
      await waitFor(
        async () => (await walletBalance(second, fan)).balance === '42.00',
        'deposit confirmed after restart',
      );
      const deposit = await second.request({
        method: 'GET',
        url: `/v1/wallet/deposits/${started.json().id}`,
        token: fan.token,
      });
      expect(deposit.json().status).toBe('confirmed');
      await second.close();
    } finally {
      await created.drop();
    }
  });
});
