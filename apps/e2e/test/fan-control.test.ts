/**
 * "The fan stays in control" (docs/embedding.md): a host page on another origin may ask for a payment or a checkout,
 * but nothing is paid until the fan clicks confirm inside the widget; what the page may read about a fan who signed
 * in inside the widget needs that fan's consent, once per partner, revocable. Partner-backend sessions are consented
 * by construction, but their money moves still need the click.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { apiCaller, type E2E, FAN_PASSWORD, type Fan, startE2E } from './support/harness.ts';
import { hostPage, partnerSessionFetcher } from './support/pages.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));

type CallState =
  | { state: 'pending' }
  | { state: 'ok'; value: unknown }
  | { state: 'error'; code: string; message: string };
interface HostWindow {
  pcf: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
  calls?: Record<string, CallState>;
  pcfEvents: { widget: string; type: string; data: Record<string, unknown> }[];
}

/** Starts pcf.<module>.<method>(...args) in the host page and records how it settles under `name`. */
async function hostCall(page: Page, name: string, method: string, args: unknown[] = []): Promise<void> {
  await page.evaluate(
    ({ name, method, args }) => {
      const host = window as unknown as HostWindow;
      const [module, fn] = method.split('.') as [string, string];
      host.calls ??= {};
      host.calls[name] = { state: 'pending' };
      host.pcf[module]![fn]!(...args).then(
        (value) => {
          host.calls![name] = { state: 'ok', value };
        },
        (error: { code: string; message: string }) => {
          host.calls![name] = { state: 'error', code: error.code, message: error.message };
        },
      );
    },
    { name, method, args },
  );
}

const callState = (page: Page, name: string) =>
  page.evaluate((name) => (window as unknown as HostWindow).calls?.[name], name);

const settled = async (page: Page, name: string): Promise<CallState> => {
  await expect
    .poll(async () => (await callState(page, name))?.state, { timeout: 15_000 })
    .not.toBe('pending');
  return (await callState(page, name)) as CallState;
};

const hostEvents = (page: Page) => page.evaluate(() => (window as unknown as HostWindow).pcfEvents);

describe.skipIf(!chromiumAvailable)('the fan stays in control (Chromium, host on another origin)', () => {
  let e2e: E2E;
  let partnerId: string;

  const api = (...call: Parameters<ReturnType<typeof apiCaller>>) => apiCaller(e2e.server.url)(...call);
  const balanceOf = async (token: string) =>
    (await api('GET', '/v1/wallet/balance', token)).body.balance as string;
  /** A sandbox card deposit, waited for until the balance shows it. */
  const fund = async (token: string, amount: string) => {
    const before = Number(await balanceOf(token));
    const deposit = await api(
      'POST',
      '/v1/wallet/deposit',
      token,
      { amount, asset: 'EUR', method: 'card' },
      crypto.randomUUID(),
    );
    expect(deposit.status).toBe(202);
    await expect
      .poll(async () => Number(await balanceOf(token)), { timeout: 10_000 })
      .toBe(before + Number(amount));
  };
  const signInInside = async (widget: FrameLocator, fan: Fan) => {
    await widget.getByTestId('signin-email').fill(fan.email);
    await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
    await widget.getByTestId('signin-submit').click();
  };
  const prompt = (widget: FrameLocator) => widget.getByTestId('fan-prompt');

  beforeAll(async () => {
    e2e = await startE2E({ demoClub: 'monaco' });
    await mkdir(SCREENSHOTS, { recursive: true });
    e2e.host.page('/wallet.html', hostPage(e2e, { widgets: ['wallet'] }));
    e2e.host.page('/shop.html', hostPage(e2e, { widgets: ['shop'] }));
    const key = await fetch(`${e2e.server.url}/v1/partners/publishable-keys/${e2e.publishableKey}`);
    partnerId = ((await key.json()) as { partnerId: string }).partnerId;
  }, 90_000);
  afterAll(() => e2e?.close());

  it('sendPayment from the host pays nothing until the fan clicks confirm inside the iframe; cancel and Escape reject PCF_USER_CANCELLED', async () => {
    const [fan, friend] = [await e2e.signUp('Payer'), await e2e.signUp('Payee')];
    await fund(fan.token, '50.00');
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/wallet.html`);
    const widget = page.frameLocator('#wallet iframe');
    await signInInside(widget, fan);
    await widget.getByTestId('balance-total').waitFor({ timeout: 10_000 });

    await hostCall(page, 'first', 'wallet.sendPayment', [friend.email, '10.00', { note: 'Merci !' }]);
    const dialog = prompt(widget);
    await dialog.waitFor({ timeout: 10_000 });
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    expect(await dialog.getAttribute('data-kind')).toBe('payment');
    const text = await dialog.innerText();
    expect(text).toContain(friend.email);
    expect(text).toMatch(/10,00\s€/);
    expect(text).toContain('AS Monaco');
    expect(text).toContain(new URL(e2e.host.origin).host);
    // Focus is inside the dialog, which is labelled.
    const frame = page.frames().find((f) => f.url().includes('/widgets/wallet-widget.html'))!;
    expect(
      await frame.evaluate(() => {
        const dialogElement = document.querySelector('[data-testid="fan-prompt"]');
        const label = document.getElementById(dialogElement?.getAttribute('aria-labelledby') ?? '');
        return {
          focusInside: !!dialogElement?.contains(document.activeElement),
          label: label?.textContent ?? '',
          modal: dialogElement?.getAttribute('aria-modal'),
        };
      }),
    ).toEqual({ focusInside: true, label: expect.stringMatching(/paiement/i), modal: 'true' });

    // Nothing has moved while the fan looks at it; a script's synthetic click (not a trusted event) does nothing.
    expect(await callState(page, 'first')).toEqual({ state: 'pending' });
    expect(await balanceOf(fan.token)).toBe('50.00');
    await frame.evaluate(() =>
      (document.querySelector('[data-testid="fan-prompt-confirm"]') as HTMLButtonElement | null)?.click(),
    );
    expect(await callState(page, 'first')).toEqual({ state: 'pending' });
    expect(await balanceOf(fan.token)).toBe('50.00');

    // Only one question at a time: a second money move while the first waits is refused at once.
    await hostCall(page, 'second', 'wallet.sendPayment', [friend.email, '1.00']);
    expect(await settled(page, 'second')).toMatchObject({ state: 'error', code: 'PCF_BUSY' });

    await dialog.getByTestId('fan-prompt-cancel').click();
    expect(await settled(page, 'first')).toMatchObject({ state: 'error', code: 'PCF_USER_CANCELLED' });
    expect(await dialog.count()).toBe(0);
    expect(await balanceOf(fan.token)).toBe('50.00');
    expect(await balanceOf(friend.token)).toBe('0.00');

    await hostCall(page, 'escaped', 'wallet.sendPayment', [friend.email, '10.00']);
    await dialog.waitFor({ timeout: 10_000 });
    // The dialog takes the focus once rendered; Escape is the fan's key only from then on.
    await expect
      .poll(() =>
        frame.evaluate(() =>
          document.querySelector('[data-testid="fan-prompt"]')?.contains(document.activeElement),
        ),
      )
      .toBe(true);
    await page.keyboard.press('Escape');
    expect(await settled(page, 'escaped')).toMatchObject({ state: 'error', code: 'PCF_USER_CANCELLED' });
    expect(await balanceOf(fan.token)).toBe('50.00');

    await hostCall(page, 'paid', 'wallet.sendPayment', [friend.email, '10.00', { note: 'Merci !' }]);
    await dialog.waitFor({ timeout: 10_000 });
    expect(await balanceOf(fan.token)).toBe('50.00');
    await dialog.getByTestId('fan-prompt-confirm').click();
    expect(await settled(page, 'paid')).toMatchObject({ state: 'ok', value: { amount: '-10.00' } });
    expect(await balanceOf(fan.token)).toBe('40.00');
    expect(await balanceOf(friend.token)).toBe('10.00');

    // A recipient the fan could misread (a bidi override reverses what follows) is refused before anything is shown.
    await hostCall(page, 'spoofed', 'wallet.sendPayment', [`\u202e${friend.email}`, '1.00']);
    expect(await settled(page, 'spoofed')).toMatchObject({ state: 'error', code: 'PCF_BAD_REQUEST' });
    expect(await dialog.count()).toBe(0);
  });

  it('checkout from the host shows the cart as the API prices it and pays only after the click', async () => {
    const fan = await e2e.signUp('Buyer');
    await fund(fan.token, '300.00');
    const products = await api('GET', '/v1/shop/products?club=monaco&limit=20', fan.token);
    const product = (
      products.body.data as { id: string; name: string; variants: { id: string; inStock: boolean }[] }[]
    ).find((p) => p.variants.some((v) => v.inStock))!;
    const variant = product.variants.find((v) => v.inStock)!;
    const added = await api('POST', '/v1/shop/cart/add', fan.token, {
      productId: product.id,
      variantId: variant.id,
      quantity: 1,
    });
    expect(added.status).toBe(200);
    const total = added.body.total.amount as string;

    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/shop.html`);
    const widget = page.frameLocator('#shop iframe');
    await widget.getByTestId('signin-open').click();
    await signInInside(widget, fan);
    await widget.getByTestId('signout').waitFor({ timeout: 10_000 });

    await hostCall(page, 'cancelled', 'shop.checkout');
    const dialog = prompt(widget);
    await dialog.waitFor({ timeout: 10_000 });
    expect(await dialog.getAttribute('data-kind')).toBe('checkout');
    expect(await dialog.getByTestId('fan-prompt-total').getAttribute('data-value')).toBe(total);
    expect(await dialog.innerText()).toContain(product.name);
    await page.screenshot({ path: `${SCREENSHOTS}shop-host-checkout-1280.png`, fullPage: true });
    await dialog.getByTestId('fan-prompt-cancel').click();
    expect(await settled(page, 'cancelled')).toMatchObject({ state: 'error', code: 'PCF_USER_CANCELLED' });
    expect(await balanceOf(fan.token)).toBe('300.00');
    expect((await api('GET', '/v1/shop/cart?club=monaco', fan.token)).body.count).toBe(1);

    await hostCall(page, 'paid', 'shop.checkout');
    await dialog.waitFor({ timeout: 10_000 });
    expect(await balanceOf(fan.token)).toBe('300.00');
    await dialog.getByTestId('fan-prompt-confirm').click();
    expect(await settled(page, 'paid')).toMatchObject({
      state: 'ok',
      value: { status: 'paid', total: { amount: total } },
    });
    // The total, then the cashback the cart showed (credited once the order is paid).
    const cents = (value: string) => Math.round(Number(value) * 100);
    expect(cents(await balanceOf(fan.token))).toBeGreaterThanOrEqual(30_000 - cents(total));
    await expect
      .poll(async () => cents(await balanceOf(fan.token)), { timeout: 10_000 })
      .toBe(30_000 - cents(total) + cents(added.body.cashback.amount.amount as string));
  });

  it('host reads need the consent of a fan who signed in inside the widget: deny, allow, remembered, revoked', async () => {
    const [fan, friend] = [await e2e.signUp('Reader'), await e2e.signUp('Sender')];
    await fund(friend.token, '20.00');
    const sent = await api(
      'POST',
      '/v1/wallet/send',
      friend.token,
      { to: fan.email, amount: '5.00', asset: 'EUR', note: 'secret note' },
      crypto.randomUUID(),
    );
    expect(sent.status).toBe(201);
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/wallet.html`);
    const widget = page.frameLocator('#wallet iframe');
    await signInInside(widget, fan);
    const total = widget.getByTestId('balance-total');
    await expect.poll(() => total.getAttribute('data-value'), { timeout: 10_000 }).toBe('5.00');
    // Without consent the page does not hear the balance either.
    expect((await hostEvents(page)).filter((e) => e.type === 'balanceUpdated')).toEqual([]);

    await hostCall(page, 'denied', 'wallet.getBalance');
    const dialog = prompt(widget);
    await dialog.waitFor({ timeout: 10_000 });
    expect(await dialog.getAttribute('data-kind')).toBe('consent');
    expect(await dialog.innerText()).toContain('AS Monaco');
    await page.screenshot({ path: `${SCREENSHOTS}wallet-host-consent-1280.png`, fullPage: true });
    await dialog.getByTestId('fan-prompt-cancel').click();
    expect(await settled(page, 'denied')).toMatchObject({ state: 'error', code: 'PCF_USER_CANCELLED' });
    expect((await api('GET', '/v1/auth/consents', fan.token)).body.data).toEqual([]);

    await hostCall(page, 'allowed', 'wallet.getBalance');
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByTestId('fan-prompt-confirm').click();
    expect(await settled(page, 'allowed')).toEqual({ state: 'ok', value: 5 });
    const consents = await api('GET', '/v1/auth/consents', fan.token);
    expect(consents.body.data).toEqual([expect.objectContaining({ partnerId, partnerName: 'AS Monaco' })]);
    await expect
      .poll(async () => (await hostEvents(page)).filter((e) => e.type === 'balanceUpdated').length)
      .toBeGreaterThan(0);

    // Remembered: the next reads answer without a question; the history carries no free-text note.
    await hostCall(page, 'again', 'wallet.getBalance');
    expect(await settled(page, 'again')).toEqual({ state: 'ok', value: 5 });
    await hostCall(page, 'history', 'wallet.getTransactions', [10]);
    const history = await settled(page, 'history');
    expect(history).toMatchObject({ state: 'ok', value: [expect.objectContaining({ amount: '5.00' })] });
    expect(JSON.stringify(history)).not.toContain('secret note');
    expect(await dialog.count()).toBe(0);

    // Revoked through the API: the question comes back.
    const revoked = await api('DELETE', `/v1/auth/consents/${partnerId}`, fan.token);
    expect(revoked.status).toBe(204);
    await hostCall(page, 'after-revoke', 'wallet.getBalance');
    await dialog.waitFor({ timeout: 10_000 });
    expect(await dialog.getAttribute('data-kind')).toBe('consent');
    await page.keyboard.press('Escape');
    expect(await settled(page, 'after-revoke')).toMatchObject({ state: 'error', code: 'PCF_USER_CANCELLED' });
  });

  it('the fan sees and revokes the access from inside the widget', async () => {
    const fan = await e2e.signUp('Revoker');
    const granted = await api('PUT', `/v1/auth/consents/${partnerId}`, fan.token, {});
    expect(granted.status).toBe(201);
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/wallet.html`);
    const widget = page.frameLocator('#wallet iframe');
    await signInInside(widget, fan);
    await widget.getByTestId('balance-total').waitFor({ timeout: 10_000 });
    await hostCall(page, 'granted', 'wallet.getBalance');
    expect(await settled(page, 'granted')).toEqual({ state: 'ok', value: 0 });
    const notice = widget.getByTestId('host-access');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.innerText()).toContain('AS Monaco');
    await page.screenshot({ path: `${SCREENSHOTS}wallet-host-access-1280.png`, fullPage: true });
    await notice.getByTestId('host-access-revoke').click();
    await expect
      .poll(async () => (await api('GET', '/v1/auth/consents', fan.token)).body.data, { timeout: 10_000 })
      .toEqual([]);
    await hostCall(page, 'revoked', 'wallet.getBalance');
    await prompt(widget).waitFor({ timeout: 10_000 });
    await prompt(widget).getByTestId('fan-prompt-cancel').click();
    expect(await settled(page, 'revoked')).toMatchObject({ state: 'error', code: 'PCF_USER_CANCELLED' });
  });

  it('partner-backend sessions read without a consent screen, but their payments still need the click', async () => {
    const user = {
      externalUserId: `control-${Date.now()}`,
      displayName: 'Partner Fan',
      email: `control-${Date.now()}@e2e.test`,
    };
    const session = (await (
      await fetch(`${e2e.host.origin}/partner-backend/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user),
      })
    ).json()) as { token: string };
    await fund(session.token, '30.00');
    const friend = await e2e.signUp('PartnerFriend');
    e2e.host.page('/partner-wallet.html', hostPage(e2e, { fetchSessionToken: partnerSessionFetcher(user) }));
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/partner-wallet.html`);
    const widget = page.frameLocator('#wallet iframe');
    await expect
      .poll(() => widget.getByTestId('balance-total').getAttribute('data-value'), { timeout: 10_000 })
      .toBe('30.00');

    await hostCall(page, 'read', 'wallet.getBalance');
    expect(await settled(page, 'read')).toEqual({ state: 'ok', value: 30 });
    expect(await prompt(widget).count()).toBe(0);

    await hostCall(page, 'pay', 'wallet.sendPayment', [friend.email, '7.50']);
    await prompt(widget).waitFor({ timeout: 10_000 });
    expect(await prompt(widget).getAttribute('data-kind')).toBe('payment');
    expect(await balanceOf(session.token)).toBe('30.00');
    await prompt(widget).getByTestId('fan-prompt-confirm').click();
    expect(await settled(page, 'pay')).toMatchObject({ state: 'ok' });
    expect(await balanceOf(session.token)).toBe('22.50');
    expect(await balanceOf(friend.token)).toBe('7.50');
  });
});
