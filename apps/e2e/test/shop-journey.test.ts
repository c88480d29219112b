import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { type E2E, startE2E } from './support/harness.ts';
import { hostPage, partnerSessionFetcher } from './support/pages.ts';

interface RecordedEvent {
  widget: string;
  type: string;
  data: Record<string, unknown>;
}

const events = (page: Page) =>
  page.evaluate(() => (window as unknown as { pcfEvents: RecordedEvent[] }).pcfEvents);
const cents = (value: string | null) => Math.round(Number(value) * 100);

describe.skipIf(!chromiumAvailable)('shop journey next to the wallet, across origins (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ demoClub: 'monaco' });
  }, 90_000);
  afterAll(() => e2e?.close());

  it('a fan buys a jersey; the wallet shows the debit, then the cashback, without a reload; the host hears the seed events', async () => {
    const user = {
      externalUserId: `shopper-${Date.now()}`,
      displayName: 'Shopper',
      email: `shopper-${Date.now()}@e2e.test`,
    };
    // The partner backend's session for this fan, used here to fund the wallet through the sandbox processor.
    const session = await fetch(`${e2e.host.origin}/partner-backend/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const deposit = await fetch(`${e2e.server.url}/v1/wallet/deposit`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${session.token}`,
        'content-type': 'application/json',
        'idempotency-key': `fund-${user.externalUserId}`,
      },
      body: JSON.stringify({ amount: '200.00', asset: 'EUR', method: 'card' }),
    });
    expect(deposit.status).toBe(202);

    e2e.host.page(
      '/shop.html',
      hostPage(e2e, { widgets: ['wallet', 'shop'], fetchSessionToken: partnerSessionFetcher(user) }),
    );
    const page = await e2e.newPage({ width: 1280, height: 1000 });
    await page.goto(`${e2e.host.origin}/shop.html`);
    const wallet = page.frameLocator('#wallet iframe');
    const shop = page.frameLocator('#shop iframe');
    const balance = wallet.getByTestId('balance-total');
    await expect.poll(() => balance.getAttribute('data-value'), { timeout: 15_000 }).toBe('200.00');

    const walletFrame = () => page.frames().find((f) => f.url().includes('/widgets/wallet-widget.html'))!;
    await walletFrame().evaluate(() => {
      (window as unknown as { marker: string }).marker = 'still here';
    });
    await shop.getByTestId('shop-search').fill('maillot domicile');
    const card = shop.getByTestId('product-card').first();
    await card.waitFor({ timeout: 10_000 });
    await card.getByTestId('product-open').click();
    await shop.getByTestId('variant-option').first().click();
    await shop.getByTestId('add-to-cart').click();
    await expect
      .poll(async () => (await events(page)).some((e) => e.type === 'productAddedToCart'), {
        timeout: 10_000,
      })
      .toBe(true);
    await shop.getByTestId('cart-open').click();
    const total = cents(await shop.getByTestId('cart-total').getAttribute('data-value'));
    const cashback = cents(await shop.getByTestId('cart-cashback').getAttribute('data-value'));
    expect(total).toBeGreaterThan(0);
    expect(cashback).toBe(Math.floor(total * 0.05));

    await shop.getByTestId('checkout-submit').click();
    await shop.getByTestId('checkout-confirm').click();
    const confirmation = shop.getByTestId('order-confirmation');
    await expect.poll(() => confirmation.getAttribute('data-status'), { timeout: 15_000 }).toBe('paid');

    // The wallet shows the payment, then the cashback above it (newest first), live: the frame was never reloaded.
    const history = async () =>
      wallet
        .getByTestId('tx-item')
        .evaluateAll((items) =>
          items.slice(0, 2).map((i) => `${i.getAttribute('data-type')} ${i.getAttribute('data-amount')}`),
        );
    const euros = (minor: number) => (minor / 100).toFixed(2);
    await expect
      .poll(history, { timeout: 15_000 })
      .toEqual([`cashback ${euros(cashback)}`, `payment -${euros(total)}`]);
    await expect
      .poll(() => balance.getAttribute('data-value'), { timeout: 10_000 })
      .toBe(euros(20_000 - total + cashback));
    expect(await walletFrame().evaluate(() => (window as unknown as { marker?: string }).marker)).toBe(
      'still here',
    );
    const balances = (await events(page))
      .filter((e) => e.type === 'balanceUpdated')
      .map((e) => e.data.balance);
    expect(balances.at(-1)).toBe(euros(20_000 - total + cashback));
    await expect.poll(() => confirmation.getAttribute('data-cashback'), { timeout: 15_000 }).toBe('credited');

    const types = (await events(page)).map((e) => `${e.widget}.${e.type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'wallet.ready',
        'shop.ready',
        'shop.productAddedToCart',
        'shop.checkoutInitiated',
        'wallet.balanceUpdated',
      ]),
    );
    const added = (await events(page)).find((e) => e.type === 'productAddedToCart');
    expect(added?.data).toMatchObject({ cartCount: 1 });
  });
});
