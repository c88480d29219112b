import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { type E2E, startE2E } from './support/harness.ts';
import { partnerSessionFetcher, walletHostPage } from './support/pages.ts';

interface RecordedEvent {
  type: string;
  data: { balance?: string };
}
type HostWindow = { pcfEvents: RecordedEvent[]; pcf: { wallet: { getBalance(): Promise<number> } } };

const events = (page: Page) => page.evaluate(() => (window as unknown as HostWindow).pcfEvents);
const getBalance = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as HostWindow).pcf.wallet.getBalance().then(
      (value) => ({ ok: true as const, value }),
      (error: { code?: string }) => ({ ok: false as const, code: error.code }),
    ),
  );
const widgetFrame = (page: Page, e2e: E2E): Frame | undefined =>
  page.frames().find((f) => f.url().startsWith(`${e2e.platformUrl}/widgets/wallet-widget.html`));

/** A page on another origin that forges envelopes at its parent and at the widget, recording what it hears. */
const FORGER = `<!doctype html><script>
  window.heard = [];
  addEventListener('message', (e) => window.heard.push(e.data));
  const forged = { ns: 'pcf', v: 1, widget: 'wallet', type: 'WALLET_BALANCE_UPDATED',
    data: { balance: '999999.00', currency: 'EUR', assets: [] } };
  setInterval(() => {
    parent.postMessage(forged, '*');
    for (let i = 0; i < parent.frames.length; i++) {
      parent.frames[i].postMessage({ ns: 'pcf', v: 1, widget: 'wallet', type: 'PCF_HELLO',
        data: { instanceId: 'forged', locale: 'fr', appearance: {}, sessionToken: null, options: {} } }, '*');
      parent.frames[i].postMessage({ ns: 'pcf', v: 1, widget: 'wallet', type: 'PCF_REQUEST', id: 'x',
        data: { method: 'wallet.getBalance' } }, '*');
    }
  }, 100);
</script>`;

describe.skipIf(!chromiumAvailable)('embedding security and resilience (Chromium)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // The shortest widget session the platform allows, so that the test sees a token expire.
    e2e = await startE2E({ env: { PCF_WIDGET_SESSION_TTL: '30' } });
  }, 90_000);
  afterAll(() => e2e?.close());

  it('a host whose origin the key does not allow gets no rendered widget and no answers', async () => {
    e2e.strangerHost.page('/stranger.html', walletHostPage(e2e));
    const page = await e2e.newPage();
    await page.goto(`${e2e.strangerHost.origin}/stranger.html`);
    await page.waitForTimeout(2_000);
    expect(await page.frameLocator('#wallet iframe').getByTestId('signin-email').count()).toBe(0);
    expect(await page.frameLocator('#wallet iframe').getByTestId('balance-total').count()).toBe(0);
    expect((await events(page)).filter((e) => e.type === 'ready')).toEqual([]);
    const balance = await getBalance(page);
    expect(balance.ok).toBe(false);
  });

  it('a host whose origin the key does not allow gets PCF_ORIGIN_DENIED at once, not the 10 s timeout, and no warning flood', async () => {
    e2e.strangerHost.page('/stranger-denied.html', walletHostPage(e2e));
    const page = await e2e.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
    });
    await page.goto(`${e2e.strangerHost.origin}/stranger-denied.html`);
    const outcome = await page.evaluate(async () => {
      const { pcf } = window as unknown as HostWindow;
      const started = performance.now();
      const code = await pcf.wallet.getBalance().then(
        () => 'resolved',
        (error: { code?: string }) => error.code,
      );
      return { code, elapsed: performance.now() - started };
    });
    expect(outcome.code).toBe('PCF_ORIGIN_DENIED');
    // The widget's denial, not the handshake giving up (PCF_TIMEOUT after 10 s).
    expect(outcome.elapsed).toBeLessThan(9_000);
    await expect
      .poll(async () => (await events(page)).filter((e) => e.type === 'error'), { timeout: 5_000 })
      .toEqual([
        { widget: 'wallet', type: 'error', data: { code: 'PCF_ORIGIN_DENIED', message: expect.any(String) } },
      ]);
    await page.waitForTimeout(1_000);
    expect((await events(page)).filter((e) => e.type === 'ready')).toEqual([]);
    expect(warnings.filter((text) => /postMessage|frame-ancestors|Refused to frame/.test(text))).toEqual([]);
  });

  it('an unknown publishable key renders a clear error, loads no data and answers nothing', async () => {
    e2e.host.page(
      '/unknown-key.html',
      walletHostPage({ platformUrl: e2e.platformUrl, publishableKey: 'pk_test_doesNotExist2026' }),
    );
    const page = await e2e.newPage();
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/wallet')) apiCalls.push(r.url());
    });
    await page.goto(`${e2e.host.origin}/unknown-key.html`);
    const error = page.frameLocator('#wallet iframe').getByTestId('widget-error');
    await expect.poll(() => error.getAttribute('data-code'), { timeout: 10_000 }).toBe('PCF_INVALID_KEY');
    expect((await events(page)).filter((e) => e.type === 'ready')).toEqual([]);
    expect((await getBalance(page)).ok).toBe(false);
    expect(apiCalls).toEqual([]);
  });

  it('partner-backend tokens: the widget shows the fan without a sign-in, and refreshes an expiring token unnoticed', async () => {
    const user = {
      externalUserId: `ext-${Date.now()}`,
      displayName: 'Token Fan',
      email: `token-${Date.now()}@e2e.test`,
    };
    e2e.host.page('/partner.html', walletHostPage(e2e, { fetchSessionToken: partnerSessionFetcher(user) }));
    const page = await e2e.newPage();
    const minted = e2e.host.sessionsMinted();
    await page.goto(`${e2e.host.origin}/partner.html`);
    const total = page.frameLocator('#wallet iframe').getByTestId('balance-total');
    await expect.poll(() => total.getAttribute('data-value'), { timeout: 10_000 }).toBe('0.00');
    expect(await page.frameLocator('#wallet iframe').getByTestId('signin-email').count()).toBe(0);
    expect(page.url()).not.toMatch(/eyJ/);
    for (const frame of page.frames()) expect(frame.url()).not.toMatch(/eyJ/);
    expect(await getBalance(page)).toEqual({ ok: true, value: 0 });

    // Past the 30 s lifetime of the first token: calls still succeed, with a token fetched again.
    await page.waitForTimeout(33_000);
    expect(await getBalance(page)).toEqual({ ok: true, value: 0 });
    expect(e2e.host.sessionsMinted() - minted).toBeGreaterThanOrEqual(2);
    expect(await page.frameLocator('#wallet iframe').getByTestId('signin-email').count()).toBe(0);
    // A third-party frame may be denied storage altogether; then nothing can be in it.
    const stored = await widgetFrame(page, e2e)!.evaluate(() => {
      const read = (f: () => string) => {
        try {
          return f();
        } catch {
          return '';
        }
      };
      return [
        read(() => JSON.stringify({ ...localStorage })),
        read(() => JSON.stringify({ ...sessionStorage })),
        read(() => document.cookie),
      ].join('');
    });
    expect(stored).not.toMatch(/eyJ/);
  }, 90_000);

  it('re-establishes the handshake when the widget reloads; calls still resolve', async () => {
    const user = {
      externalUserId: `reload-${Date.now()}`,
      displayName: 'Reload Fan',
      email: `reload-${Date.now()}@e2e.test`,
    };
    e2e.host.page('/reload.html', walletHostPage(e2e, { fetchSessionToken: partnerSessionFetcher(user) }));
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/reload.html`);
    await expect
      .poll(async () => (await events(page)).filter((e) => e.type === 'ready').length, { timeout: 10_000 })
      .toBe(1);
    await widgetFrame(page, e2e)!.evaluate(() => location.reload());
    await expect
      .poll(async () => (await events(page)).filter((e) => e.type === 'ready').length, { timeout: 10_000 })
      .toBe(2);
    expect(await getBalance(page)).toEqual({ ok: true, value: 0 });
  });

  it('ignores forged messages: wrong source window, wrong origin, wrong namespace', async () => {
    e2e.strangerHost.page('/forger.html', FORGER);
    const user = {
      externalUserId: `forge-${Date.now()}`,
      displayName: 'Forge Fan',
      email: `forge-${Date.now()}@e2e.test`,
    };
    const extraHtml = `<iframe id="forger" title="forger" src="${e2e.strangerHost.origin}/forger.html"></iframe>`;
    e2e.host.page(
      '/forged.html',
      walletHostPage(e2e, { fetchSessionToken: partnerSessionFetcher(user), extraHtml }),
    );
    const page = await e2e.newPage();
    await page.goto(`${e2e.host.origin}/forged.html`);
    await expect
      .poll(async () => (await events(page)).filter((e) => e.type === 'ready').length, { timeout: 10_000 })
      .toBe(1);
    // Same window (the host itself), wrong namespace, wrong version: all ignored too.
    await page.evaluate(() => {
      const data = { balance: '999999.00', currency: 'EUR', assets: [] };
      window.postMessage({ ns: 'pcf', v: 1, widget: 'wallet', type: 'WALLET_BALANCE_UPDATED', data }, '*');
      window.postMessage({ ns: 'other', v: 1, widget: 'wallet', type: 'WALLET_BALANCE_UPDATED', data }, '*');
      window.postMessage({ ns: 'pcf', v: 2, widget: 'wallet', type: 'WALLET_BALANCE_UPDATED', data }, '*');
    });
    await page.waitForTimeout(1_500);
    expect((await events(page)).some((e) => e.data?.balance === '999999.00')).toBe(false);
    const forger = page.frames().find((f) => f.url().includes('/forger.html'))!;
    const heard = (await forger.evaluate(() => (window as unknown as { heard: unknown[] }).heard)) as {
      type?: string;
    }[];
    expect(heard.filter((m) => m.type === 'PCF_ACK' || m.type === 'PCF_RESPONSE')).toEqual([]);
    expect(await getBalance(page)).toEqual({ ok: true, value: 0 });
  });
});
