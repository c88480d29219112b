import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WidgetBridge } from '../src/bridge.ts';
import { ApiError, networkProblem } from '../src/problem.ts';
import { type Envelope, envelope, type HelloData } from '../src/protocol.ts';

const HOST = 'https://club.example';
const OWN = 'https://pcf.example';

/** A window in an iframe, without a DOM: records what the widget posts to its parent and with which origin. */
function fakeWindow(ancestor: string | null) {
  const posted: { message: Envelope; targetOrigin: string }[] = [];
  const listeners: ((event: unknown) => void)[] = [];
  const parent = {
    postMessage: (message: Envelope, targetOrigin: string) => posted.push({ message, targetOrigin }),
  };
  const win = {
    parent,
    location: { ancestorOrigins: ancestor ? [ancestor] : [] },
    document: { referrer: '' },
    addEventListener: (_type: string, listener: (event: unknown) => void) => listeners.push(listener),
  };
  const deliver = (data: unknown, origin = HOST, source: unknown = parent) => {
    for (const listener of listeners) listener({ data, origin, source });
  };
  return { win: win as unknown as Window, posted, listeners, deliver };
}

const helloData = (overrides: Partial<HelloData> = {}): HelloData => ({
  instanceId: 'i1',
  locale: 'en',
  appearance: {},
  sessionToken: 'token',
  options: {},
  ...overrides,
});

function setup(ancestor: string | null = HOST) {
  const fake = fakeWindow(ancestor);
  const hellos: Partial<HelloData>[] = [];
  let signedIn = false;
  const bridge = new WidgetBridge(
    {
      widget: 'wallet',
      allowedOrigins: new Set([HOST, OWN]),
      isAuthenticated: () => signedIn,
      onHello: (config) => {
        hellos.push(config);
        signedIn = config.sessionToken != null;
      },
    },
    fake.win,
  );
  return { ...fake, bridge, hellos };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('WidgetBridge handshake', () => {
  it('sends PCF_SYN to the reported parent origin when the key allows it', () => {
    const { bridge, posted } = setup();
    expect(bridge.start()).toBe('connecting');
    expect(posted).toEqual([{ message: envelope('wallet', 'PCF_SYN', {}), targetOrigin: HOST }]);
  });

  it('tells a parent whose origin is not allowed once (the code, no data), then stays silent and deaf', async () => {
    const { bridge, posted, listeners, deliver } = setup('https://evil.example');
    bridge.emit('WIDGET_ACTION', { action: 'signedIn' });
    expect(bridge.start()).toBe('denied');
    expect(posted).toEqual([
      { message: envelope('wallet', 'PCF_ORIGIN_DENIED', {}), targetOrigin: 'https://evil.example' },
    ]);
    expect(listeners).toHaveLength(0);
    deliver(envelope('wallet', 'PCF_HELLO', helloData()), 'https://evil.example');
    bridge.emit('WIDGET_ACTION', { action: 'signedOut' });
    await flush();
    expect(posted).toHaveLength(1);
  });

  it('waits for PCF_HELLO without sending PCF_SYN when the browser does not tell the parent origin', () => {
    const { bridge, posted, listeners } = setup(null);
    expect(bridge.start()).toBe('connecting');
    expect(posted).toEqual([]);
    expect(listeners).toHaveLength(1);
  });

  it('acknowledges PCF_HELLO, applies it once, then announces WIDGET_READY and queued events', () => {
    const { bridge, posted, deliver, hellos } = setup();
    bridge.start();
    bridge.emit('WIDGET_RESIZE', { height: 100 });
    bridge.emit('WIDGET_RESIZE', { height: 320 });
    bridge.emit('WIDGET_ACTION', { action: 'signedIn' });
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    expect(hellos).toHaveLength(1);
    expect(posted.slice(1).map((p) => [p.message.type, p.message.data])).toEqual([
      ['PCF_ACK', { instanceId: 'i1', authenticated: true }],
      ['WIDGET_READY', { widget: 'wallet', authenticated: true }],
      ['WIDGET_RESIZE', { height: 320 }],
      ['WIDGET_ACTION', { action: 'signedIn' }],
      ['PCF_ACK', { instanceId: 'i1', authenticated: true }],
    ]);
    expect(posted.every((p) => p.targetOrigin === HOST)).toBe(true);
  });

  it('ignores a PCF_HELLO from a disallowed origin or another window', () => {
    const { bridge, posted, deliver, hellos } = setup(null);
    bridge.start();
    deliver(envelope('wallet', 'PCF_HELLO', helloData()), 'https://evil.example');
    deliver(envelope('wallet', 'PCF_HELLO', helloData()), HOST, { someOtherWindow: true });
    expect(hellos).toHaveLength(0);
    expect(posted).toHaveLength(0);
    expect(bridge.connected).toBe(false);
  });
});

describe('WidgetBridge requests', () => {
  it('answers host requests with the handler result or a typed error, to the host origin only', async () => {
    const { bridge, posted, deliver } = setup();
    bridge.handle('wallet.getBalance', async () => ({ balance: '12.50', currency: 'EUR' }));
    bridge.start();
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    deliver(envelope('wallet', 'PCF_REQUEST', { method: 'wallet.getBalance' }, 'r1'));
    deliver(envelope('wallet', 'PCF_REQUEST', { method: 'wallet.nope' }, 'r2'));
    deliver(envelope('wallet', 'PCF_REQUEST', { method: 'wallet.getBalance' }, 'r3'), 'https://pcf.example');
    await flush();
    const responses = posted
      .filter((p) => p.message.type === 'PCF_RESPONSE')
      .sort((a, b) => String(a.message.id).localeCompare(String(b.message.id)));
    expect(responses.map((p) => [p.message.id, p.message.data, p.targetOrigin])).toEqual([
      ['r1', { ok: true, result: { balance: '12.50', currency: 'EUR' } }, HOST],
      [
        'r2',
        {
          ok: false,
          error: { code: 'PCF_NOT_AVAILABLE', message: 'This widget has no method "wallet.nope"' },
        },
        HOST,
      ],
    ]);
  });

  it('keeps the HTTP status and problem code of a failed API call (apiCode), as the REST path does', async () => {
    const { bridge, posted, deliver } = setup();
    const problem = (status: number, code: string) =>
      new ApiError({ type: 'about:blank', title: code, status, detail: `${code} detail`, code, errors: [] });
    bridge.handle('shop.checkout', async () => {
      throw problem(409, 'price_changed');
    });
    bridge.handle('wallet.getBalance', async () => {
      throw problem(401, 'unauthenticated');
    });
    bridge.handle('shop.getCart', async () => {
      throw new ApiError(networkProblem());
    });
    bridge.start();
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    for (const [id, method] of [
      ['r1', 'shop.checkout'],
      ['r2', 'wallet.getBalance'],
      ['r3', 'shop.getCart'],
    ])
      deliver(envelope('wallet', 'PCF_REQUEST', { method }, id));
    await flush();
    const errors = Object.fromEntries(
      posted
        .filter((p) => p.message.type === 'PCF_RESPONSE')
        .map((p) => [p.message.id, (p.message.data as { error: unknown }).error]),
    );
    expect(errors).toEqual({
      r1: { code: 'PCF_API_ERROR', message: 'price_changed detail', status: 409, apiCode: 'price_changed' },
      r2: {
        code: 'PCF_UNAUTHENTICATED',
        message: 'No fan is signed in',
        status: 401,
        apiCode: 'unauthenticated',
      },
      r3: { code: 'PCF_API_ERROR', message: 'The server could not be reached' },
    });
  });

  it("gives handlers the call they answer: its id, the host's origin, and pending() → PCF_PENDING for that id", async () => {
    const { bridge, posted, deliver } = setup();
    let release: () => void = () => undefined;
    const seen: { id: string; origin: string }[] = [];
    bridge.handle('wallet.sendPayment', async (_params, call) => {
      seen.push({ id: call.id, origin: call.origin });
      call.pending();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { id: 't1' };
    });
    bridge.start();
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    deliver(envelope('wallet', 'PCF_REQUEST', { method: 'wallet.sendPayment', params: {} }, 'pay-1'));
    await flush();
    expect(seen).toEqual([{ id: 'pay-1', origin: HOST }]);
    const pending = posted.filter((p) => p.message.type === 'PCF_PENDING');
    expect(pending.map((p) => [p.message.id, p.targetOrigin])).toEqual([['pay-1', HOST]]);
    expect(posted.some((p) => p.message.type === 'PCF_RESPONSE')).toBe(false);
    release();
    await flush();
    expect(posted.at(-1)?.message).toMatchObject({ type: 'PCF_RESPONSE', id: 'pay-1' });
  });

  it('answers nothing before the handshake', async () => {
    const { bridge, posted, deliver } = setup();
    bridge.handle('wallet.getBalance', async () => ({ balance: '1', currency: 'EUR' }));
    bridge.start();
    deliver(envelope('wallet', 'PCF_REQUEST', { method: 'wallet.getBalance' }, 'r1'));
    await flush();
    expect(posted.map((p) => p.message.type)).toEqual(['PCF_SYN']);
  });

  it('dispatches host messages to their listeners', () => {
    const { bridge, deliver } = setup();
    const seen: unknown[] = [];
    bridge.on('EXECUTE_ACTION', (data) => seen.push(data));
    bridge.start();
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    deliver(envelope('wallet', 'EXECUTE_ACTION', { action: 'refresh' }));
    deliver(envelope('wallet', 'NOT_A_HOST_MESSAGE', {}));
    expect(seen).toEqual([{ action: 'refresh' }]);
  });
});

describe('WidgetBridge calls to the host', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects with PCF_NOT_MOUNTED before the handshake', async () => {
    const { bridge } = setup();
    bridge.start();
    await expect(bridge.request('getSessionToken')).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
  });

  it('matches the response by id, and times out after 10 s', async () => {
    const { bridge, posted, deliver } = setup();
    bridge.start();
    deliver(envelope('wallet', 'PCF_HELLO', helloData()));
    const token = bridge.request('getSessionToken');
    const request = posted.at(-1)?.message;
    expect(request?.type).toBe('PCF_REQUEST');
    deliver(envelope('wallet', 'PCF_RESPONSE', { ok: true, result: 'fresh' }, request?.id));
    await expect(token).resolves.toBe('fresh');

    const late = bridge.request('getSessionToken');
    const outcome = expect(late).rejects.toMatchObject({ code: 'PCF_TIMEOUT' });
    vi.advanceTimersByTime(10_000);
    await outcome;
  });
});
