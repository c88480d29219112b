import { randomUUID } from 'node:crypto';
import type { IdentityPort } from '@pcf/identity/port';
import { type Database, type PortResolver, parseMoney, seedOnce } from '@pcf/kernel';
import type { ActivityRepository } from './activity.repository.ts';
import type { Ledger } from './ledger.service.ts';

const DEMO_FAN = 'fan@demo.paiecashfan.dev';
const OPENING_BALANCES = [
  { amount: '1247.50', asset: 'EUR' },
  { amount: '150.00', asset: 'USD' },
  { amount: '250.000000', asset: 'USDC' },
  { amount: '0.01250000', asset: 'BTC' },
  { amount: '0.35', asset: 'ETH' },
] as const;

/** Gives the demo fan opening balances, posted as confirmed demo deposits through the ledger. */
export async function seedWalletDemo(deps: {
  db: Database;
  ports: PortResolver;
  ledger: Ledger;
  activity: ActivityRepository;
}): Promise<string[]> {
  const fan = await deps.ports.get<IdentityPort>('identity').findUser(DEMO_FAN);
  if (!fan) return [];
  await seedOnce(deps.db, 'wallet', 'wallet-demo-v1', async (tx) => {
    for (const opening of OPENING_BALANCES) {
      const amount = parseMoney(opening.amount, opening.asset);
      const { transactionId } = await deps.ledger.apply(tx, {
        kind: 'deposit',
        reference: 'demo opening balance',
        legs: [
          {
            ownerType: 'system',
            ownerId: 'deposit_clearing:demo',
            asset: amount.asset,
            amount: -amount.minor,
          },
          { ownerType: 'fan', ownerId: fan.id, asset: amount.asset, amount: amount.minor },
        ],
      });
      await deps.activity.insert(tx, {
        id: randomUUID(),
        userId: fan.id,
        type: 'deposit',
        asset: amount.asset,
        amount: amount.minor,
        status: 'completed',
        counterparty: { kind: 'provider', id: 'demo', name: 'Opening balance' },
        reference: 'demo opening balance',
        note: null,
        transactionId,
        sourceId: null,
      });
    }
  });
  return [];
}
