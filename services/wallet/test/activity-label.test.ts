import { describe, expect, it } from 'vitest';
import { activityLabel } from '../src/activity-label.ts';

describe('history labels: a key for the client to translate, never a raw name', () => {
  it('names deposits by method, the demo balance, merchants and cashback', () => {
    expect(activityLabel('deposit', { kind: 'provider', id: 'sandbox', name: 'Card' })).toBe('card');
    expect(activityLabel('deposit', { kind: 'provider', id: 'sandbox', name: 'Bank transfer' })).toBe(
      'bank_transfer',
    );
    expect(activityLabel('deposit', { kind: 'provider', id: 'demo', name: 'Opening balance' })).toBe(
      'welcome',
    );
    expect(activityLabel('payment', { kind: 'merchant', id: 'shop', name: 'shop' })).toBe('shop');
    expect(activityLabel('refund', { kind: 'merchant', id: 'tickets', name: 'tickets' })).toBe('tickets');
    expect(activityLabel('cashback', { kind: 'merchant', id: null, name: 'Cashback' })).toBe('cashback');
  });

  it('leaves fans and the exchange to their names, and anything unknown to "other"', () => {
    expect(activityLabel('send', { kind: 'fan', id: 'u1', name: 'Léa (@lea)' })).toBeNull();
    expect(activityLabel('conversion', { kind: 'exchange', id: null, name: 'EUR → BTC' })).toBeNull();
    expect(activityLabel('payment', { kind: 'merchant', id: 'bakery', name: 'bakery' })).toBe('other');
    expect(activityLabel('deposit', null)).toBe('other');
  });
});
