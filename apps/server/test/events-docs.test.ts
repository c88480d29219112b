import { payloadProblems } from '@pcf/kernel';
import { describe, expect, it } from 'vitest';
import { declaredTopics, eventsDoc } from '../../../scripts/events-docs.ts';

describe('docs/events.md', () => {
  it('lists exactly the topics the services declare, as their schemas say (fix: npm run docs:events)', async () => {
    const { current, expected } = await eventsDoc();
    expect(current).toBe(expected);
  });

  it('every service declares its topics, and every declaration checks a payload', async () => {
    const topics = await declaredTopics();
    expect(topics.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'identity.partner_created',
        'identity.user_registered',
        'shop.order_paid',
        'shop.order_refunded',
        'wallet.balance_changed',
        'wallet.transaction_posted',
      ]),
    );
    for (const topic of topics) expect(payloadProblems(topic, {}), topic.name).not.toEqual([]);
  });
});
