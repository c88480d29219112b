import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServerProcess, startServer } from '../../server/test/process.ts';
import { chromiumAvailable, launchChromium } from './support/chromium.ts';

const DEMO_PK = 'pk_test_monacoDemo2026';

/**
 * `npm start` in demo mode prints http://localhost:PORT (and listens on 127.0.0.1:PORT): the demo must work at both,
 * for the port of this start — also when the data directory was first seeded by a start on another port.
 */
describe.skipIf(!chromiumAvailable)('the demo at every address the server prints (Chromium)', () => {
  let dataDir: string;
  let server: ServerProcess;
  let port: number;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pcf-demo-addr-'));
    const env = (p: number) => ({
      PORT: String(p),
      PCF_DATA_DIR: dataDir,
      PCF_DEMO: '1',
      PCF_RATE_LIMIT_IP: '1000000',
      PCF_RATE_LIMIT_USER: '1000000',
    });
    // Seeded on one port, then started again on another, non-default one.
    const first = await startServer(env(await freePort()));
    await first.stop();
    port = await freePort();
    server = await startServer(env(port));
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the demo key allows http://127.0.0.1:PORT and http://localhost:PORT, and the widget pages may be framed by both', async () => {
    const key = await fetch(`http://127.0.0.1:${port}/v1/partners/publishable-keys/${DEMO_PK}`);
    expect(key.status).toBe(200);
    const { allowedOrigins } = (await key.json()) as { allowedOrigins: string[] };
    expect(allowedOrigins).toEqual(
      expect.arrayContaining([`http://127.0.0.1:${port}`, `http://localhost:${port}`]),
    );
    const page = await fetch(`http://127.0.0.1:${port}/widgets/wallet-widget.html?pk=${DEMO_PK}`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`http://127.0.0.1:${port}`);
    expect(csp).toContain(`http://localhost:${port}`);
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`loads the demo at http://${host}:PORT with working widgets`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`http://${host}:${port}/demo`);
      const wallet = page.frameLocator('#wallet iframe');
      await wallet.getByTestId('signin-email').waitFor({ timeout: 20_000 });
      expect(await wallet.getByTestId('widget-error').count()).toBe(0);
      // The plain iframe gets its language and theme from its URL.
      const plain = await page.locator('#plain-iframe').getAttribute('src');
      expect(new URL(plain ?? '').searchParams.get('locale')).toBe('fr');
      // The event log speaks the page's language: 24-hour French times, no AM/PM.
      const first = page.getByTestId('event-log').locator('li').first();
      await first.waitFor({ timeout: 20_000 });
      expect(await first.textContent()).toMatch(/^\d{2}:\d{2}:\d{2} /);
      await page.locator('#locale').selectOption('en');
      await expect
        .poll(async () =>
          new URL((await page.locator('#plain-iframe').getAttribute('src')) ?? '').searchParams.get('locale'),
        )
        .toBe('en');
      await context.close();
    });
  }

  it('the demo page resolves theme "auto" to the colour scheme the system prefers, and follows its changes', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/demo`);
    const theme = () => page.locator('html').getAttribute('data-theme');
    await expect.poll(theme).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    await page.locator('#theme').selectOption('light');
    await expect.poll(theme).toBe('light');
    await page.locator('#theme').selectOption('auto');
    await expect.poll(theme).toBe('dark');
    await context.close();
  });

  it('a payment link /pay/@handle names who is paid and opens the send filled in once the payer signs in', async () => {
    const base = `http://localhost:${port}`;
    const signup = async (name: string) => {
      const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now()}@e2e.test`;
      const response = await fetch(`http://127.0.0.1:${port}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'Allez-Les-Rouges-Pay-2026', displayName: name }),
      });
      const body = (await response.json()) as { user?: { handle: string } };
      if (!body.user) throw new Error(`signup ${response.status}: ${JSON.stringify(body)}`);
      return { email, handle: body.user.handle };
    };
    const [payee, payer] = [await signup('Camille Payee'), await signup('Payer')];
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${base}/pay/@${payee.handle}?amount=12.5&asset=EUR`);
    expect(await page.getByTestId('pay-title').textContent()).toBe('Payer Camille Payee');
    expect(await page.getByTestId('pay-amount').textContent()).toContain('12,50');
    const wallet = page.frameLocator('[data-testid="pay-widget"]');
    await wallet.getByTestId('signin-email').fill(payer.email);
    await wallet.getByTestId('signin-password').fill('Allez-Les-Rouges-Pay-2026');
    await wallet.getByTestId('signin-submit').click();
    await wallet.getByTestId('send-to').waitFor({ timeout: 20_000 });
    expect(await wallet.getByTestId('send-to').inputValue()).toBe(`@${payee.handle}`);
    expect(await wallet.getByTestId('send-amount').inputValue()).toBe('12.5');
    await context.close();
  });
});
