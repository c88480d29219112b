import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { apiCaller, type E2E, FAN_PASSWORD, startE2E } from './support/harness.ts';
import { hostPage, partnerSessionFetcher } from './support/pages.ts';

type PcfWindow = { pcf: { wallet: { update(options: { sessionToken: string | null }): Promise<void> } } };

async function signInInside(widget: FrameLocator, email: string): Promise<void> {
  await widget.getByTestId('signin-email').fill(email);
  await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
  await widget.getByTestId('signin-submit').click();
}

const overlaps = (a: DOMRect | null, b: DOMRect | null) =>
  !!a && !!b && a.top < b.bottom && b.top < a.bottom && a.left < b.right && b.left < a.right;

describe.skipIf(!chromiumAvailable)('one sign-in per page (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ demoClub: 'monaco' });
    e2e.host.page('/both.html', hostPage(e2e, { widgets: ['wallet', 'shop'] }));
  }, 120_000);
  afterAll(() => e2e?.close());

  it('one sign-in in the wallet serves the shop too; a sign-out in the shop signs the wallet out', async () => {
    const fan = await e2e.signUp('Once');
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/both.html`);
    const wallet = page.frameLocator('#wallet iframe');
    const shop = page.frameLocator('#shop iframe');
    // Both widgets drawn (a fresh server compiles each route's schemas at its first request: the first sign-in of
    // a run is the slowest one).
    await shop.getByTestId('signin-open').waitFor({ timeout: 15_000 });
    await wallet.getByTestId('signin-email').waitFor({ timeout: 15_000 });

    await signInInside(wallet, fan.email);
    await wallet.getByTestId('balance-total').waitFor({ timeout: 20_000 });
    // The shop never saw a form: it follows the wallet's sign-in.
    await shop.getByTestId('signout').waitFor({ timeout: 10_000 });
    expect(await shop.getByTestId('signin-open').count()).toBe(0);
    await shop.getByTestId('cart-open').click();
    await shop
      .getByTestId('signin-email')
      .waitFor({ state: 'detached', timeout: 2_000 })
      .catch(() => undefined);
    expect(await shop.getByTestId('signin-email').count()).toBe(0);

    await shop.getByTestId('signout').click();
    await wallet.getByTestId('signin-email').waitFor({ timeout: 10_000 });
    await shop.getByTestId('signin-open').waitFor({ timeout: 10_000 });
  });

  it('the "new balance" toast never covers the last history line', async () => {
    const fan = await e2e.signUp('Toast');
    const page: Page = await e2e.newPage({ width: 375, height: 800 });
    await page.goto(`${e2e.host.origin}/both.html`);
    const wallet = page.frameLocator('#wallet iframe');
    await signInInside(wallet, fan.email);
    await wallet.getByTestId('balance-total').waitFor({ timeout: 10_000 });
    const api = apiCaller(e2e.server.url);
    const deposit = await api(
      'POST',
      '/v1/wallet/deposit',
      fan.token,
      { amount: '20', asset: 'EUR', method: 'card' },
      `toast-${fan.id}`,
    );
    expect(deposit.status).toBe(202);
    const toast = wallet.locator('.pcf-toast');
    await toast.waitFor({ timeout: 10_000 });
    await expect.poll(() => wallet.getByTestId('tx-item').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const last = wallet.getByTestId('tx-item').last();
    const [toastBox, lastBox] = [
      await toast.evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect),
      await last.evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect),
    ];
    expect(overlaps(toastBox, lastBox)).toBe(false);

    // The review names the recipient before "Confirmer"; an unknown one is reported on the form.
    const friend = await e2e.signUp('Friend');
    await wallet.getByTestId('action-send').click();
    await wallet.getByTestId('send-to').fill('nobody-here@e2e.test');
    await wallet.getByTestId('send-amount').fill('2');
    await wallet.getByTestId('send-note').fill('Pour les places');
    await wallet.getByTestId('send-submit').click();
    await wallet.getByText('Destinataire introuvable').waitFor({ timeout: 10_000 });
    expect(await wallet.getByTestId('send-confirm').count()).toBe(0);
    await wallet.getByTestId('send-to').fill(friend.email);
    await wallet.getByTestId('send-submit').click();
    await wallet.getByTestId('send-confirm').waitFor({ timeout: 10_000 });
    const review = (await wallet.locator('.pcf-row').allTextContents()).join(' | ');
    expect(review).toContain(`Friend (@${friend.handle})`);
    expect(review).not.toContain(friend.email);
    await wallet.getByTestId('send-confirm').click();
    await wallet.getByTestId('send-success').waitFor({ timeout: 10_000 });
    // The history shows the note, and lines a fan can read.
    await expect
      .poll(() => wallet.getByTestId('tx-note').allTextContents(), { timeout: 10_000 })
      .toContain('Pour les places');
    const history = (await wallet.getByTestId('tx-item').allTextContents()).join(' | ');
    expect(history).toContain('Dépôt · Carte bancaire');
    expect(history).not.toMatch(/· (Card|shop|Cashback)\b/);
  });

  it('a partner-backend session is "signed in through the partner": no PaieCashFan sign-out, and when the host drops its token the fan is sent back to the partner, not to our form', async () => {
    const user = {
      externalUserId: `ext-${Date.now()}`,
      displayName: 'Partner Fan',
      email: 'partner-fan@club.test',
    };
    e2e.host.page(
      '/partner-both.html',
      hostPage(e2e, { widgets: ['wallet', 'shop'], fetchSessionToken: partnerSessionFetcher(user) }),
    );
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/partner-both.html`);
    const wallet = page.frameLocator('#wallet iframe');
    const shop = page.frameLocator('#shop iframe');
    await wallet.getByTestId('balance-total').waitFor({ timeout: 15_000 });
    const via = wallet.getByTestId('via-partner');
    await via.waitFor({ timeout: 5_000 });
    expect(await via.textContent()).toContain('Connecté via');
    expect(await wallet.getByTestId('signout').count()).toBe(0);
    await shop.getByTestId('via-partner').waitFor({ timeout: 10_000 });
    expect(await shop.getByTestId('signout').count()).toBe(0);

    // The partner's user signed out of the partner's site: the host drops the token.
    await page.evaluate(() => (window as unknown as PcfWindow).pcf.wallet.update({ sessionToken: null }));
    const back = wallet.getByTestId('partner-signed-out');
    await back.waitFor({ timeout: 10_000 });
    expect(await wallet.getByTestId('signin-email').count()).toBe(0);
    // … and signed in there again: the widget asks the host for a token.
    await wallet.getByTestId('partner-reconnect').click();
    await wallet.getByTestId('via-partner').waitFor({ timeout: 10_000 });
    await wallet.getByTestId('balance-total').waitFor({ timeout: 10_000 });
  });

  it('draws no block of its own colour on the host, and theme "auto" follows the host’s colour scheme', async () => {
    const frame = (theme: string) =>
      `<iframe id="w-${theme}" style="width:360px;height:600px;border:0" src="${e2e.platformUrl}/widgets/wallet-widget.html?pk=${e2e.publishableKey}&locale=en&theme=${theme}"></iframe>`;
    e2e.host.page(
      '/look.html',
      `<!doctype html><html><body style="background:#fff">${frame('dark')}${frame('auto')}</body></html>`,
    );
    const look = async (colorScheme: 'light' | 'dark') => {
      const page = await e2e.newPage();
      await page.emulateMedia({ colorScheme });
      await page.goto(`${e2e.host.origin}/look.html`);
      const read = async (theme: string) => {
        const widget = page.frameLocator(`#w-${theme}`);
        const card = widget.locator('.pcf-card').first();
        await card.waitFor({ timeout: 15_000 });
        return {
          page: await widget
            .locator('html')
            .evaluate((el) => [
              getComputedStyle(el).backgroundColor,
              getComputedStyle(document.body).backgroundColor,
            ]),
          card: await card.evaluate((el) => getComputedStyle(el).backgroundColor),
          lang: await widget.locator('html').getAttribute('lang'),
        };
      };
      const result = { dark: await read('dark'), auto: await read('auto') };
      await page.context().close();
      return result;
    };
    const light = await look('light');
    // Transparent page: only the cards are painted, whatever the theme.
    expect(light.dark.page).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
    expect(light.auto.page).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
    expect(light.dark.card).toBe('rgb(24, 32, 42)');
    expect(light.auto.card).toBe('rgb(255, 255, 255)');
    // The plain iframe's URL sets its language.
    expect(light.auto.lang).toBe('en');
    const dark = await look('dark');
    expect(dark.auto.card).toBe('rgb(24, 32, 42)');
  });
});
