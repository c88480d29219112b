import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/chromium.ts';
import { type E2E, FAN_PASSWORD, startE2E } from './support/harness.ts';
import { walletHostPage } from './support/pages.ts';

/** Screenshots land here (CI keeps the folder as an artifact; see docs/embedding.md). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));
const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(frame: Frame | Page): Promise<string[]> {
  await frame.evaluate(await AXE_SOURCE);
  const violations = (await frame.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe
      .run()
      .then((r) => r.violations),
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const widgetFrame = (page: Page, e2e: E2E) =>
  page.frames().find((f) => f.url().startsWith(`${e2e.platformUrl}/widgets/wallet-widget.html`))!;

describe.skipIf(!chromiumAvailable)('accessibility and screenshots (Chromium, axe-core)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    e2e.host.page('/a11y.html', walletHostPage(e2e));
    await mkdir(SCREENSHOT_DIR, { recursive: true });
  }, 90_000);
  afterAll(() => e2e?.close());

  for (const width of [375, 1280]) {
    it(`the wallet widget has no serious or critical axe violations at ${width} px, signed out and signed in`, async () => {
      const fan = await e2e.signUp(`Axe${width}`);
      const page = await e2e.newPage({ width, height: 900 });
      await page.goto(`${e2e.host.origin}/a11y.html`);
      const widget = page.frameLocator('#wallet iframe');
      await widget.getByTestId('signin-email').waitFor();
      expect(await seriousViolations(widgetFrame(page, e2e))).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOT_DIR}wallet-signin-${width}.png`, fullPage: true });

      await widget.getByTestId('signin-email').fill(fan.email);
      await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
      await widget.getByTestId('signin-submit').click();
      await widget.getByTestId('balance-total').waitFor();
      expect(await seriousViolations(widgetFrame(page, e2e))).toEqual([]);
      await page.screenshot({ path: `${SCREENSHOT_DIR}wallet-${width}.png`, fullPage: true });

      // Auto-height: the iframe is as tall as its content, with no inner scrollbar.
      const sizes = await widgetFrame(page, e2e).evaluate(() => ({
        scroll: document.documentElement.scrollHeight,
        client: document.documentElement.clientHeight,
      }));
      expect(sizes.scroll).toBeLessThanOrEqual(sizes.client + 1);
    });
  }

  it("the fan's confirmation of a payment the host asked for has no serious or critical axe violations", async () => {
    const fan = await e2e.signUp('AxeDialog');
    const page = await e2e.newPage({ width: 375, height: 800 });
    await page.goto(`${e2e.host.origin}/a11y.html`);
    const widget = page.frameLocator('#wallet iframe');
    await widget.getByTestId('signin-email').fill(fan.email);
    await widget.getByTestId('signin-password').fill(FAN_PASSWORD);
    await widget.getByTestId('signin-submit').click();
    await widget.getByTestId('balance-total').waitFor();
    const answer = page.evaluate(() =>
      (
        window as unknown as {
          pcf: { wallet: { sendPayment(to: string, amount: string): Promise<unknown> } };
        }
      ).pcf.wallet
        .sendPayment('friend@e2e.test', '12.50')
        .catch((error: { code: string }) => error.code),
    );
    const dialog = widget.getByTestId('fan-prompt');
    await dialog.waitFor();
    expect(await seriousViolations(widgetFrame(page, e2e))).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}wallet-confirm-375.png`, fullPage: true });
    await dialog.getByTestId('fan-prompt-cancel').click();
    expect(await answer).toBe('PCF_USER_CANCELLED');
  });

  it('the demo page has no serious or critical axe violations and shows every widget slot', async () => {
    const page = await e2e.newPage({ width: 1280, height: 900 });
    await page.goto(`${e2e.platformUrl}/demo?pk=${e2e.publishableKey}`);
    await expect.poll(() => page.locator('iframe').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}demo-1280.png`, fullPage: true });
  });
});
