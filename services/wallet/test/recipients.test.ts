import { newFan, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPIENT_LOOKUPS } from '../src/accounts.service.ts';
import { startWalletPlatform } from './support.ts';

/** GET /v1/wallet/recipients: the fan sees who a send pays before the confirm step. */
describe.each(testBackends().slice(0, 1))('recipient look-up before a send on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startWalletPlatform(backend);
  });
  afterAll(() => t.close());

  const lookup = (token: string, to: string) =>
    t.request({ method: 'GET', url: `/v1/wallet/recipients?to=${encodeURIComponent(to)}`, token });

  it('names the fan an email, @handle or id designates, without their email', async () => {
    const [payer, lea] = [await newFan(t, 'Payer'), await newFan(t, 'Léa Martin')];
    for (const reference of [lea.email, `@${lea.handle}`, lea.id]) {
      const found = await lookup(payer.token, reference);
      expect(found.statusCode, reference).toBe(200);
      expect(found.json()).toEqual({ id: lea.id, displayName: 'Léa Martin', handle: lea.handle });
    }
  });

  it('reports an unknown recipient (404) and the fan themselves (400) before anything is confirmed', async () => {
    const payer = await newFan(t, 'Unknown');
    const missing = await lookup(payer.token, 'nobody-at-all@example.com');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('recipient_not_found');
    expect((await lookup(payer.token, payer.email)).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/v1/wallet/recipients?to=x' })).statusCode).toBe(401);
  });

  it('spends the same look-up budget as a send (429 once spent)', async () => {
    const prober = await newFan(t, 'Prober');
    const codes: number[] = [];
    for (let i = 0; i <= RECIPIENT_LOOKUPS.limit; i++) {
      codes.push((await lookup(prober.token, `probe-${i}@example.com`)).statusCode);
    }
    expect(codes.slice(0, RECIPIENT_LOOKUPS.limit).every((code) => code === 404)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});
