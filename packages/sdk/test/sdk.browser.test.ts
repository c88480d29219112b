/**
 * The SDK in real Chromium against a fake widget (protocol.ts's envelope rules, inline below) on another origin:
 * loaded twice, handshake and calls, auto-height, forged messages, iframe reload, lazy-load, and 100 mount/destroy
 * cycles that must leave no iframe, message listener, timer or observer behind. Skipped without /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { type Browser, chromium, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IIFE_OPTIONS } from '../bundle-options.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOST = 'http://host.test';
const WIDGETS = 'http://widgets.test';
const EVIL = 'http://evil.test';
/** A partner page on an origin the (fake) key does not allow. */
const STRANGER = 'http://stranger.test';

/** A minimal wallet widget: SYN on load, ACK to an allowed parent, answers requests, reloads on demand. */
const FAKE_WIDGET = `<!doctype html><html><body><script>
const allowed = ${JSON.stringify(HOST)};
const env = (type, data, id) => ({ ns: 'pcf', v: 1, widget: 'wallet', type, ...(id ? { id } : {}), data });
const parentOrigin = location.ancestorOrigins?.[0] ?? new URL(document.referrer).origin;
if (parentOrigin === allowed) parent.postMessage(env('PCF_SYN', {}), allowed);
// As widget-kit's bridge does: a parent the key does not allow is told once, with nothing but the code.
else parent.postMessage(env('PCF_ORIGIN_DENIED', {}), parentOrigin);
const failure = { code: 'PCF_API_ERROR', message: 'Not enough EUR', status: 422, apiCode: 'insufficient_funds' };
addEventListener('message', (e) => {
  const m = e.data;
  if (e.source !== parent || e.origin !== allowed || m?.ns !== 'pcf') return;
  const post = (type, data, id) => parent.postMessage(env(type, data, id), allowed);
  if (m.type === 'PCF_HELLO') {
    post('PCF_ACK', { instanceId: m.data.instanceId, authenticated: !!m.data.sessionToken });
    post('WIDGET_READY', { widget: 'wallet', authenticated: false });
    post('WIDGET_RESIZE', { height: 480 });
  } else if (m.type === 'PCF_REQUEST') {
    const result = m.data.method === 'wallet.getBalance' ? { balance: '42.50', currency: 'EUR' } : null;
    const answer = m.data.method === 'wallet.sendPayment' ? { ok: false, error: failure } : { ok: true, result };
    setTimeout(() => post('PCF_RESPONSE', answer, m.id), 50);
  } else if (m.type === 'UPDATE_WALLET_BALANCE') {
    post('WALLET_BALANCE_UPDATED', { balance: '42.50', currency: 'EUR', assets: [] });
  } else if (m.type === 'EXECUTE_ACTION' && m.data.action === 'reload') {
    location.reload();
  } else if (m.type === 'EXECUTE_ACTION' && m.data.action === 'forge') {
    parent.postMessage({ ...env('WALLET_BALANCE_UPDATED', { balance: '999' }), ns: 'other' }, allowed);
    parent.postMessage({ ...env('WALLET_BALANCE_UPDATED', { balance: '999' }), v: 2 }, allowed);
  }
});
</script></body></html>`;

/** A page on another origin that posts a perfectly valid envelope to its parent. */
const EVIL_FRAME = `<!doctype html><script>
parent.postMessage({ ns: 'pcf', v: 1, widget: 'wallet', type: 'WALLET_BALANCE_UPDATED', data: { balance: '999' } }, '*');
</script>`;

/** Counts what the SDK could leak: message listeners, pending timeouts, intervals, live IntersectionObservers. */
const LEAK_PROBE = () => {
  const leaks = { listeners: 0, timeouts: new Set<number>(), intervals: new Set<number>(), observers: 0 };
  (window as unknown as { leaks: typeof leaks }).leaks = leaks;
  const { addEventListener, removeEventListener, setTimeout, clearTimeout, setInterval, clearInterval } =
    window;
  const listeners = new Set<unknown>();
  window.addEventListener = function (this: Window, ...args: Parameters<typeof addEventListener>) {
    if (args[0] === 'message' && !listeners.has(args[1])) listeners.add(args[1]) && leaks.listeners++;
    return addEventListener.apply(this, args);
  } as typeof addEventListener;
  window.removeEventListener = function (this: Window, ...args: Parameters<typeof removeEventListener>) {
    if (args[0] === 'message' && listeners.delete(args[1])) leaks.listeners--;
    return removeEventListener.apply(this, args);
  } as typeof removeEventListener;
  window.setTimeout = ((handler: () => void, ms?: number) => {
    const id: number = setTimeout(() => {
      leaks.timeouts.delete(id);
      handler();
    }, ms);
    leaks.timeouts.add(id);
    return id;
  }) as typeof setTimeout;
  window.clearTimeout = ((id?: number) => {
    if (id !== undefined) leaks.timeouts.delete(id);
    clearTimeout(id);
  }) as typeof clearTimeout;
  window.setInterval = ((handler: () => void, ms?: number) => {
    const id: number = setInterval(handler, ms);
    leaks.intervals.add(id);
    return id;
  }) as typeof setInterval;
  window.clearInterval = ((id?: number) => {
    if (id !== undefined) leaks.intervals.delete(id);
    clearInterval(id);
  }) as typeof clearInterval;
  const Observer = window.IntersectionObserver;
  window.IntersectionObserver = class extends Observer {
    #live = false;
    override observe(target: Element) {
      if (!this.#live) leaks.observers++;
      this.#live = true;
      super.observe(target);
    }
    override disconnect() {
      if (this.#live) leaks.observers--;
      this.#live = false;
      super.disconnect();
    }
  };
};

const hostPage = `<!doctype html><html><body style="margin:0">
<div id="wallet"></div><div id="spacer" style="height:3000px"></div><div id="below"></div>
<script src="/sdk/paiecashfan-sdk.js"></script><script src="/sdk/paiecashfan-sdk.js"></script>
</body></html>`;

describe.skipIf(!existsSync(CHROMIUM))('SDK in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let serve: (route: Route) => Promise<void>;

  beforeAll(async () => {
    const sdk = (await build({ ...IIFE_OPTIONS, write: false })).outputFiles?.[0]?.text ?? '';
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
    await page.addInitScript(LEAK_PROBE);
    serve = (route) => {
      const url = new URL(route.request().url());
      const html = (body: string) => route.fulfill({ contentType: 'text/html', body });
      if ((url.origin === HOST || url.origin === STRANGER) && url.pathname === '/sdk/paiecashfan-sdk.js') {
        return route.fulfill({ contentType: 'text/javascript', body: sdk });
      }
      if (url.origin === HOST || url.origin === STRANGER) return html(hostPage);
      if (url.origin === WIDGETS && url.pathname === '/widgets/wallet-widget.html') return html(FAKE_WIDGET);
      if (url.origin === EVIL) return html(EVIL_FRAME);
      return route.abort();
    };
    await page.route('**/*', serve);
    await page.goto(`${HOST}/`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loaded twice: one PaieCashFan, one message listener, each event once', async () => {
    const result = await page.evaluate(async (baseUrl) => {
      const pcf = new window.PaieCashFan!({ apiKey: 'pk_test_abcdefgh1234', environment: { baseUrl } });
      const seen: string[] = [];
      pcf.on('*', (event) => seen.push(`${event.widget}:${event.type}`));
      pcf.wallet.mount('#wallet');
      const listenersWhileMounted = (window as unknown as { leaks: { listeners: number } }).leaks.listeners;
      await new Promise<void>((resolve) => pcf.wallet.on('ready', () => resolve()));
      const balance = await pcf.wallet.getBalance();
      const updated = new Promise((resolve) => pcf.wallet.on('balanceUpdated', resolve));
      pcf.wallet.refresh();
      await updated;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const frame = document.querySelector('#wallet iframe') as HTMLIFrameElement;
      const info = {
        balance,
        listenersWhileMounted,
        updates: seen.filter((s) => s === 'wallet:WALLET_BALANCE_UPDATED').length,
        readies: seen.filter((s) => s === 'wallet:WIDGET_READY').length,
        height: frame.style.height,
        title: frame.title,
        src: frame.src,
      };
      pcf.destroy();
      return info;
    }, WIDGETS);
    expect(result).toMatchObject({
      balance: 42.5,
      listenersWhileMounted: 1,
      updates: 1,
      readies: 1,
      height: '480px',
      title: 'PaieCashFan — Portefeuille',
    });
    expect(result.src).toMatch(
      /^http:\/\/widgets\.test\/widgets\/wallet-widget\.html\?pk=pk_test_abcdefgh1234&locale=fr&theme=dark(&group=\w+)?$/,
    );
  });

  it('a failure through the mounted widget keeps the API’s status and problem code, as over REST', async () => {
    const failure = await page.evaluate(async (baseUrl) => {
      const pcf = new window.PaieCashFan!({ apiKey: 'pk_test_abcdefgh1234', environment: { baseUrl } });
      pcf.wallet.mount('#wallet');
      const error = await pcf.wallet.sendPayment('@bob', '10.00').catch((e) => e);
      pcf.destroy();
      return {
        isPcfError: error instanceof window.PaieCashFan!.PcfError,
        code: error.code,
        message: error.message,
        status: error.status,
        apiCode: error.apiCode,
      };
    }, WIDGETS);
    expect(failure).toEqual({
      isPcfError: true,
      code: 'PCF_API_ERROR',
      message: 'Not enough EUR',
      status: 422,
      apiCode: 'insufficient_funds',
    });
  });

  it('an origin the key does not allow: PCF_ORIGIN_DENIED from the widget, not the 10 s timeout, no warning flood', async () => {
    const stranger = await browser.newPage();
    const warnings: string[] = [];
    stranger.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
    });
    await stranger.route('**/*', serve);
    await stranger.goto(`${STRANGER}/`);
    const outcome = await stranger.evaluate(async (baseUrl) => {
      const started = performance.now();
      const pcf = new window.PaieCashFan!({ apiKey: 'pk_test_abcdefgh1234', environment: { baseUrl } });
      const errors: string[] = [];
      pcf.wallet.on('error', (data) => errors.push(data.code));
      pcf.wallet.mount('#wallet', { lazy: false });
      const code = await pcf.wallet.getBalance().then(
        () => 'resolved',
        (error) => error.code,
      );
      const elapsed = performance.now() - started;
      // Later calls fail at once the same way; nothing is left retrying.
      const again = await pcf.wallet.getBalance().catch((error) => error.code);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      pcf.destroy();
      return { code, again, errors, elapsed };
    }, WIDGETS);
    await stranger.close();
    expect(outcome).toMatchObject({ code: 'PCF_ORIGIN_DENIED', again: 'PCF_ORIGIN_DENIED' });
    expect(outcome.errors).toEqual(['PCF_ORIGIN_DENIED']);
    // Not the timeout path (which takes 10 s): the denial itself.
    expect(outcome.elapsed).toBeLessThan(9_000);
    expect(warnings).toEqual([]);
  });

  it('ignores forged messages: wrong ns or version, wrong source window, wrong origin', async () => {
    const balances = await page.evaluate(
      async ({ baseUrl, evil }) => {
        const pcf = new window.PaieCashFan!({ apiKey: 'pk_test_abcdefgh1234', environment: { baseUrl } });
        const balances: string[] = [];
        pcf.wallet.on('balanceUpdated', (data) => balances.push(data.balance));
        pcf.wallet.mount('#wallet');
        await new Promise<void>((resolve) => pcf.wallet.on('ready', () => resolve()));
        const envelope = {
          ns: 'pcf',
          v: 1,
          widget: 'wallet',
          type: 'WALLET_BALANCE_UPDATED',
          data: { balance: '999' },
        };
        window.postMessage(envelope, '*');
        const evilFrame = document.createElement('iframe');
        evilFrame.src = `${evil}/`;
        document.body.append(evilFrame);
        pcf.wallet.send('EXECUTE_ACTION', { action: 'forge' });
        await new Promise((resolve) => setTimeout(resolve, 500));
        // The genuine update the refresh asks for (waited for, not timed: the machine may be busy).
        const genuine = new Promise((resolve) => pcf.wallet.on('balanceUpdated', resolve));
        pcf.wallet.refresh();
        await genuine;
        await new Promise((resolve) => setTimeout(resolve, 100));
        evilFrame.remove();
        pcf.destroy();
        return balances;
      },
      { baseUrl: WIDGETS, evil: EVIL },
    );
    expect(balances).toEqual(['42.50']);
  });

  it('re-handshakes after the iframe reloads; a call made meanwhile still resolves', async () => {
    const balance = await page.evaluate(async (baseUrl) => {
      const pcf = new window.PaieCashFan!({ apiKey: 'pk_test_abcdefgh1234', environment: { baseUrl } });
      pcf.wallet.mount('#wallet');
      await new Promise<void>((resolve) => pcf.wallet.on('ready', () => resolve()));
      pcf.wallet.send('EXECUTE_ACTION', { action: 'reload' });
      const balance = await pcf.wallet.getBalance();
      const after = await pcf.wallet.getBalance();
      pcf.destroy();
      return [balance, after];
    }, WIDGETS);
    expect(balance).toEqual([42.5, 42.5]);
  });

  it('lazy-loads: no src until the container comes near the viewport', async () => {
    const sources = await page.evaluate(async (baseUrl) => {
      const pcf = new window.PaieCashFan!({ apiKey: 'pk_test_abcdefgh1234', environment: { baseUrl } });
      pcf.wallet.mount('#below');
      const frame = document.querySelector('#below iframe') as HTMLIFrameElement;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = frame.getAttribute('src');
      document.querySelector('#below')?.scrollIntoView();
      await new Promise<void>((resolve) => pcf.wallet.on('ready', () => resolve()));
      const after = frame.getAttribute('src');
      window.scrollTo(0, 0);
      pcf.destroy();
      return { before, after };
    }, WIDGETS);
    expect(sources.before).toBeNull();
    expect(sources.after).toContain('/widgets/wallet-widget.html');
  });

  it('100 mount/destroy cycles leave no iframe, listener, timer or observer behind', async () => {
    const left = await page.evaluate(async (baseUrl) => {
      for (let i = 0; i < 100; i++) {
        const pcf = new window.PaieCashFan!({
          apiKey: 'pk_test_abcdefgh1234',
          environment: { baseUrl },
          fetchSessionToken: async () => 'not-a-jwt',
        });
        pcf.wallet.mount(i % 3 === 0 ? '#below' : '#wallet', { lazy: i % 2 === 0 });
        pcf.wallet.mount('#wallet');
        if (i % 10 === 0) {
          await new Promise<void>((resolve) => pcf.wallet.on('ready', () => resolve()));
          pcf.wallet.getBalance().catch(() => {});
        }
        if (i % 2) pcf.destroy();
        else {
          pcf.wallet.unmount();
          pcf.wallet.destroy();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { leaks } = window as unknown as {
        leaks: { listeners: number; timeouts: Set<number>; intervals: Set<number>; observers: number };
      };
      return {
        iframes: document.querySelectorAll('iframe').length,
        listeners: leaks.listeners,
        timeouts: leaks.timeouts.size,
        intervals: leaks.intervals.size,
        observers: leaks.observers,
      };
    }, WIDGETS);
    expect(left).toEqual({ iframes: 0, listeners: 0, timeouts: 0, intervals: 0, observers: 0 });
  });
});
