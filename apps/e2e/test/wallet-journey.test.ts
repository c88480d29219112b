import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { type E2E, FAN_PASSWORD, startE2E } from './support/harness.ts';
import { walletHostPage } from './support/pages.ts';

interface RecordedEvent {
  type: string;
  data: { balance?: string; currency?: string };
}

describe.skipIf(!chromiumAvailable)('wallet journey across origins (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    e2e.host.page('/journey.html', walletHostPage(e2e));
  }, 90_000);
  afterAll(() => e2e?.close());

  const events = (page: Page) =>
    page.evaluate(() => (window as unknown as { pcfEvents: RecordedEvent[] }).pcfEvents);

  it('signs in inside the widget, allows the page to read, deposits 100 EUR, sends 10 EUR; the host hears WALLET_BALANCE_UPDATED and getBalance() agrees', async () => {
    const [fan, friend] = [await e2e.signUp('Journey'), await e2e.signUp('Friend')];
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/journey.html`);
    expect(new URL(page.url()).origin).not.toBe(new URL(e2e.platformUrl).origin);
    const widget = page.frameLocator('#wallet iframe');

    await widget.getByTestId('signin-email').fill(fan.email);
    await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
    await widget.getByTestId('signin-submit').click();
    const total = widget.getByTestId('balance-total');
    await expect.poll(() => total.getAttribute('data-value'), { timeout: 10_000 }).toBe('0.00');

    // The page reads this fan's wallet once the fan allows it on the consent screen inside the widget.
    const firstRead = page.evaluate(() =>
      (window as unknown as { pcf: { wallet: { getBalance(): Promise<number> } } }).pcf.wallet.getBalance(),
    );
    const consent = widget.getByTestId('fan-prompt');
    await consent.waitFor({ timeout: 10_000 });
    expect(await consent.getAttribute('data-kind')).toBe('consent');
    await consent.getByTestId('fan-prompt-confirm').click();
    expect(await firstRead).toBe(0);

    await widget.getByTestId('action-deposit').click();
    await widget.getByTestId('deposit-amount').fill('100');
    await widget.getByTestId('deposit-submit').click();
    const deposit = widget.getByTestId('deposit-status');
    await expect
      .poll(() => deposit.getAttribute('data-status'), { timeout: 10_000 })
      .toMatch(/pending|confirmed/);
    await expect.poll(() => deposit.getAttribute('data-status'), { timeout: 10_000 }).toBe('confirmed');
    await expect.poll(() => total.getAttribute('data-value'), { timeout: 10_000 }).toBe('100.00');

    await widget.getByTestId('action-send').click();
    await widget.getByTestId('send-to').fill(friend.email);
    await widget.getByTestId('send-amount').fill('10');
    await widget.getByTestId('send-submit').click();
    await widget.getByTestId('send-confirm').click();
    await widget.getByTestId('send-success').waitFor({ timeout: 10_000 });

    await expect
      .poll(
        async () =>
          (await events(page)).filter((e) => e.type === 'balanceUpdated').map((e) => e.data.balance),
        {
          timeout: 10_000,
        },
      )
      .toContain('90.00');
    const updated = (await events(page)).findLast((e) => e.type === 'balanceUpdated');
    expect(updated?.data).toMatchObject({ balance: '90.00', currency: 'EUR' });
    expect(
      await page.evaluate(() =>
        (window as unknown as { pcf: { wallet: { getBalance(): Promise<number> } } }).pcf.wallet.getBalance(),
      ),
    ).toBe(90);
    await expect.poll(() => total.getAttribute('data-value')).toBe('90.00');
  });

  it('loads the history page by page as the fan scrolls', async () => {
    const fan = await e2e.signUp('Scroller');
    for (let i = 0; i < 25; i++) {
      const response = await fetch(`${e2e.server.url}/v1/wallet/deposit`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fan.token}`,
          'content-type': 'application/json',
          'idempotency-key': `scroll-${fan.id}-${i}`,
        },
        body: JSON.stringify({ amount: `${i + 1}.00`, asset: 'EUR', method: 'card' }),
      });
      expect(response.status).toBe(202);
    }
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/journey.html`);
    const widget = page.frameLocator('#wallet iframe');
    await widget.getByTestId('signin-email').fill(fan.email);
    await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
    await widget.getByTestId('signin-submit').click();
    const items = widget.getByTestId('tx-item');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(20);
    await items.nth(19).scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 5_000);
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(25);
  });

  it('shows insufficient funds clearly and moves nothing', async () => {
    const [fan, friend] = [await e2e.signUp('Broke'), await e2e.signUp('Other')];
    const page = await e2e.newPage({ width: 375, height: 800 });
    await page.goto(`${e2e.host.origin}/journey.html`);
    const widget = page.frameLocator('#wallet iframe');
    await widget.getByTestId('signin-email').fill(fan.email);
    await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
    await widget.getByTestId('signin-submit').click();
    await widget.getByTestId('action-send').click();
    await widget.getByTestId('send-to').fill(friend.email);
    await widget.getByTestId('send-amount').fill('5');
    await widget.getByTestId('send-submit').click();
    await widget.getByTestId('send-confirm').click();
    const error = widget.getByTestId('send-error');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 10_000 }).toBe('insufficient_funds');
    expect(await widget.getByTestId('balance-total').getAttribute('data-value')).toBe('0.00');
  });
});
