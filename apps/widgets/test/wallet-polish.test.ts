import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../../packages/widget-kit/src/i18n.ts';
import { emptyCatalogueMessage } from '../src/shop/Catalogue.tsx';
import { flashTitle } from '../src/shop/parts.tsx';
import { describeActivity } from '../src/wallet/activity-label.ts';
import { DepositWatch } from '../src/wallet/deposit-watch.ts';

// setLocale writes document.documentElement.lang; the tests run without a DOM.
vi.stubGlobal('document', { documentElement: {} });

const line = (
  type: string,
  counterparty: { kind: string; id: string | null; name: string } | null,
  label: string | null,
) => ({ type, counterparty, label }) as Parameters<typeof describeActivity>[0];

describe('history lines read as a fan would say them', () => {
  afterEach(() => setLocale('fr'));

  it('translates what the server names by key, never showing its raw or English names', () => {
    setLocale('fr');
    expect(
      describeActivity(line('deposit', { kind: 'provider', id: 'demo', name: 'Opening balance' }, 'welcome')),
    ).toEqual({ title: 'Dépôt', detail: 'Solde de bienvenue' });
    expect(
      describeActivity(line('deposit', { kind: 'provider', id: 'sandbox', name: 'Card' }, 'card')),
    ).toEqual({
      title: 'Dépôt',
      detail: 'Carte bancaire',
    });
    expect(describeActivity(line('payment', { kind: 'merchant', id: 'shop', name: 'shop' }, 'shop'))).toEqual(
      {
        title: 'Paiement',
        detail: 'Boutique du club',
      },
    );
    setLocale('en');
    expect(
      describeActivity(line('deposit', { kind: 'provider', id: 'sandbox', name: 'Card' }, 'card')),
    ).toEqual({
      title: 'Deposit',
      detail: 'Card',
    });
    expect(
      describeActivity(line('payment', { kind: 'merchant', id: 'shop', name: 'shop' }, 'shop')).detail,
    ).toBe('Club shop');
  });

  it('never repeats the title ("Cashback · Cashback")', () => {
    setLocale('fr');
    expect(
      describeActivity(line('cashback', { kind: 'merchant', id: 'partner-1', name: 'Cashback' }, 'cashback')),
    ).toEqual({ title: 'Cashback', detail: null });
  });

  it('names a fan or the exchange as the server wrote them, and shows nothing for an unknown key', () => {
    setLocale('fr');
    const fan = { kind: 'fan', id: 'u1', name: 'Léa Martin (@lea)' };
    expect(describeActivity(line('receive', fan, null))).toEqual({
      title: 'Réception',
      detail: 'Léa Martin (@lea)',
    });
    const exchange = { kind: 'exchange', id: null, name: 'EUR → BTC' };
    expect(describeActivity(line('conversion', exchange, null)).detail).toBe('EUR → BTC');
    const unknown = { kind: 'merchant', id: 'bakery', name: 'bakery_internal' };
    expect(describeActivity(line('payment', unknown, 'other'))).toEqual({ title: 'Paiement', detail: null });
    expect(describeActivity(line('mystery', null, null)).title).toBe('Opération');
  });
});

describe('flash sale badge title', () => {
  it('says "Vente flash" once', () => {
    expect(flashTitle('Vente flash −20 % écharpes', 'Vente flash')).toBe('Vente flash −20 % écharpes');
    expect(flashTitle('-20 % écharpes', 'Vente flash')).toBe('Vente flash · -20 % écharpes');
    expect(flashTitle(null, 'Flash sale')).toBe('Flash sale');
    expect(flashTitle('  ', 'Flash sale')).toBe('Flash sale');
  });
});

describe('an empty shop catalogue', () => {
  it('says "no product matches your search" only after a search or a filter', () => {
    expect(emptyCatalogueMessage('', '')).toBe('noProductsYet');
    expect(emptyCatalogueMessage('   ', '')).toBe('noProductsYet');
    expect(emptyCatalogueMessage('maillot', '')).toBe('noProducts');
    expect(emptyCatalogueMessage('', 'jerseys')).toBe('noProducts');
  });
});

describe('a deposit awaiting confirmation', () => {
  afterEach(() => vi.useRealTimers());

  it('reads its status as soon as the balance changed, not at the next poll', async () => {
    vi.useFakeTimers();
    let status = 'pending';
    const read = vi.fn(async () => ({ status }));
    const settled = vi.fn();
    const watch = new DepositWatch(read, { settled, timedOut: vi.fn() }, { intervalMs: 1000, maxPolls: 60 });
    watch.start();
    status = 'confirmed';
    watch.nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toHaveBeenCalledWith({ status: 'confirmed' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('polls, then gives up after maxPolls', async () => {
    vi.useFakeTimers();
    const read = vi.fn(async () => ({ status: 'pending' }));
    const timedOut = vi.fn();
    const watch = new DepositWatch(read, { settled: vi.fn(), timedOut }, { intervalMs: 100, maxPolls: 3 });
    watch.start();
    await vi.advanceTimersByTimeAsync(450);
    expect(read).toHaveBeenCalledTimes(3);
    expect(timedOut).toHaveBeenCalledOnce();
  });
});
