import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { ADMIN, apiCaller, type E2E, type Json, startE2E } from './support/harness.ts';
import { hostPage, partnerSessionFetcher } from './support/pages.ts';

describe.skipIf(!chromiumAvailable)('shop checkout when the price changed (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ demoClub: 'monaco' });
  }, 90_000);
  afterAll(() => e2e?.close());

  const api = (...call: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(e2e.server.url)(...call);

  it('a one-use code used up elsewhere while the fan confirms: the widget shows old and new totals, the fan accepts the new one', async () => {
    const stamp = Date.now();
    const user = {
      externalUserId: `price-${stamp}`,
      displayName: 'Acheteuse',
      email: `price-${stamp}@e2e.test`,
    };
    const session = await fetch(`${e2e.host.origin}/partner-backend/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const admin = (
      await fetch(`${e2e.server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      }).then((r) => r.json() as Promise<Json>)
    ).accessToken as string;
    const code = `UNE${String(stamp).slice(-6)}`;
    const created = await api('POST', '/v1/shop/admin/promotions', admin, {
      club: 'monaco',
      kind: 'code',
      code,
      label: code,
      type: 'percentage',
      value: '50',
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      budget: { kind: 'uses', limit: 1 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const products = await api(
      'GET',
      '/v1/shop/products?club=monaco&category=accessoires&inStock=true',
      admin,
    );
    const product = products.body.data.find((p: Json) => !p.promotion && p.variants[0].stock > 2) as Json;
    const variantId = product.variants[0].id as string;

    // The fan's cart, with the code; the wallet is funded.
    expect(
      (
        await api(
          'POST',
          '/v1/wallet/deposit',
          session.token,
          { amount: '200.00', asset: 'EUR', method: 'card' },
          `f-${stamp}`,
        )
      ).status,
    ).toBe(202);
    const added = await api('POST', '/v1/shop/cart/add', session.token, { productId: product.id, variantId });
    expect(added.status).toBe(200);
    // What the cart costs without the code (list, flash or live price): what checkout charges once it is gone.
    const price = added.body.total.amount as string;
    const discounted = await api('POST', '/v1/shop/cart/discount', session.token, { club: 'monaco', code });
    expect(discounted.body.discountCode).toBe(code);
    const shown = discounted.body.total.amount as string;
    expect(shown).not.toBe(price);

    e2e.host.page(
      '/price-change.html',
      hostPage(e2e, { widgets: ['wallet', 'shop'], fetchSessionToken: partnerSessionFetcher(user) }),
    );
    const page = await e2e.newPage({ width: 1280, height: 1000 });
    await page.goto(`${e2e.host.origin}/price-change.html`);
    const shop = page.frameLocator('#shop iframe');
    const wallet = page.frameLocator('#wallet iframe');
    await expect
      .poll(() => wallet.getByTestId('balance-total').getAttribute('data-value'), { timeout: 15_000 })
      .toBe('200.00');
    await shop.getByTestId('cart-open').click();
    await expect
      .poll(() => shop.getByTestId('cart-total').getAttribute('data-value'), { timeout: 10_000 })
      .toBe(shown);
    await shop.getByTestId('checkout-submit').click();

    // Meanwhile another fan uses the one-use code up.
    const other = await e2e.signUp('Rapide');
    await api(
      'POST',
      '/v1/wallet/deposit',
      other.token,
      { amount: '100.00', asset: 'EUR', method: 'card' },
      `o-${stamp}`,
    );
    await api('POST', '/v1/shop/cart/add', other.token, { productId: product.id, variantId });
    await api('POST', '/v1/shop/cart/discount', other.token, { club: 'monaco', code });
    let paid = { status: 0, body: {} as Json };
    for (let i = 0; i < 50 && paid.status !== 201; i++) {
      // The sandbox deposit confirms after a short delay.
      paid = await api('POST', '/v1/shop/checkout', other.token, { club: 'monaco' }, `other-${stamp}-${i}`);
      if (paid.status !== 201) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body.total.amount).toBe(shown);

    // The fan confirms the total shown: refused, nothing charged, the change is on screen.
    await shop.getByTestId('checkout-confirm').click();
    const change = shop.getByTestId('price-change');
    await expect.poll(() => change.getAttribute('data-code'), { timeout: 10_000 }).toBe('promotion_ended');
    expect(await change.getAttribute('data-reason')).toBe('code_exhausted');
    expect(await change.getAttribute('data-total')).toBe(price);
    const text = (await change.textContent()) ?? '';
    expect(text).toContain(code);
    expect(text).toContain('Rien n’a été débité');
    expect(await shop.getByTestId('price-change-shown').textContent()).toContain(shown.replace('.', ','));
    expect(await shop.getByTestId('price-change-total').textContent()).toContain(price.replace('.', ','));
    await page.screenshot({ path: 'artifacts/screenshots/shop-price-change.png' }).catch(() => undefined);
    expect(await wallet.getByTestId('balance-total').getAttribute('data-value')).toBe('200.00');

    // The fan accepts: a new attempt pays exactly the new total.
    await shop.getByTestId('price-change-accept').click();
    const confirmation = shop.getByTestId('order-confirmation');
    await expect.poll(() => confirmation.getAttribute('data-status'), { timeout: 15_000 }).toBe('paid');
    expect(await shop.getByTestId('order-total').getAttribute('data-value')).toBe(price);
    const orders = await api('GET', '/v1/shop/orders', session.token);
    expect(orders.body.data.map((o: Json) => o.total.amount)).toEqual([price]);
  });
});
