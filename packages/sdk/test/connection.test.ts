import {
  ACK,
  type Envelope,
  envelope,
  FAN_TIMEOUT_MS,
  HELLO,
  type HelloData,
  PENDING,
  REQUEST,
  RESPONSE,
  SYN,
} from '@pcf/widget-kit/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionHooks, createConnection } from '../src/connection.ts';
import { PcfError } from '../src/errors.ts';

const hello: HelloData = { instanceId: 'i1', locale: 'fr', appearance: {}, sessionToken: 'tok', options: {} };
const ack = (instanceId = 'i1') => envelope('wallet', ACK, { instanceId, authenticated: true });

function setup(overrides: Partial<ConnectionHooks> = {}) {
  const posted: Envelope[] = [];
  const hooks: ConnectionHooks = {
    widget: 'wallet',
    post: (message) => posted.push(message),
    prepare: async () => {},
    hello: () => hello,
    answer: async () => 'host-token',
    onEvent: vi.fn(),
    onConnected: vi.fn(),
    onHandshakeFailed: vi.fn(),
    ...overrides,
  };
  const connection = createConnection(hooks);
  const sent = (type: string) => posted.filter((message) => message.type === type);
  return { connection, hooks, posted, sent };
}

describe('connection handshake', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends PCF_HELLO at once and every 250 ms until PCF_ACK, then stops', async () => {
    const { connection, hooks, sent } = setup();
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent(HELLO)).toEqual([envelope('wallet', HELLO, hello)]);
    await vi.advanceTimersByTimeAsync(750);
    expect(sent(HELLO)).toHaveLength(4);
    connection.receive(ack());
    expect(connection.connected).toBe(true);
    expect(hooks.onConnected).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent(HELLO)).toHaveLength(4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts once per document: a SYN then its load event give one handshake', async () => {
    const { connection, sent } = setup();
    connection.receive(envelope('wallet', SYN, {}));
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    connection.receive(ack());
    expect(sent(HELLO)).toHaveLength(1);
    // A reloaded document that sends no SYN is still greeted on its load event.
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent(HELLO)).toHaveLength(2);
  });

  it('ignores an ACK for another instance, or before any HELLO', async () => {
    const { connection } = setup();
    connection.receive(ack());
    expect(connection.connected).toBe(false);
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    connection.receive(ack('someone-else'));
    expect(connection.connected).toBe(false);
  });

  it('gives up after 10 s and reports it; a later SYN starts again', async () => {
    const { connection, hooks, sent } = setup();
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(hooks.onHandshakeFailed).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ code: 'PCF_TIMEOUT' }),
    );
    const count = sent(HELLO).length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent(HELLO)).toHaveLength(count);
    connection.receive(envelope('wallet', SYN, {}));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent(HELLO)).toHaveLength(count + 1);
  });

  it('PCF_ORIGIN_DENIED from the widget fails the mount at once: calls reject PCF_ORIGIN_DENIED, no more HELLOs', async () => {
    const { connection, hooks, sent } = setup();
    const queued = connection.call('wallet.getBalance');
    const outcome = expect(queued).rejects.toMatchObject({ code: 'PCF_ORIGIN_DENIED' });
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(250);
    const hellos = sent(HELLO).length;
    connection.receive(envelope('wallet', 'PCF_ORIGIN_DENIED', {}));
    await outcome;
    expect(hooks.onHandshakeFailed).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ code: 'PCF_ORIGIN_DENIED' }),
    );
    await expect(connection.call('wallet.getTransactions', { limit: 5 })).rejects.toMatchObject({
      code: 'PCF_ORIGIN_DENIED',
    });
    // No HELLO retries (each would be a console warning in the browser) and no 10 s timeout left to run.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent(HELLO)).toHaveLength(hellos);
    expect(hooks.onHandshakeFailed).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('queues requests and messages until the handshake, then resolves them by id', async () => {
    const { connection, posted, sent } = setup();
    const balance = connection.call('wallet.getBalance');
    connection.notify('UPDATE_WALLET_BALANCE', {});
    expect(posted).toHaveLength(0);
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    connection.receive(ack());
    const [request] = sent(REQUEST);
    expect(request?.data).toEqual({ method: 'wallet.getBalance', params: undefined });
    expect(sent('UPDATE_WALLET_BALANCE')).toHaveLength(1);
    connection.receive(
      envelope('wallet', RESPONSE, { ok: true, result: { balance: '5', currency: 'EUR' } }, request?.id),
    );
    await expect(balance).resolves.toEqual({ balance: '5', currency: 'EUR' });
  });

  it('waits FAN_TIMEOUT_MS from each PCF_PENDING instead of 10 s while the widget asks the fan', async () => {
    const { connection, sent } = setup();
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    connection.receive(ack());
    let outcome: unknown = 'pending';
    const payment = connection.call('wallet.sendPayment', { to: 'bob', amount: '10' }).then(
      (result) => {
        outcome = result;
      },
      (error: PcfError) => {
        outcome = error.code;
      },
    );
    const id = sent(REQUEST)[0]?.id;
    await vi.advanceTimersByTimeAsync(5_000);
    connection.receive(envelope('wallet', PENDING, {}, id));
    await vi.advanceTimersByTimeAsync(FAN_TIMEOUT_MS - 1_000);
    expect(outcome).toBe('pending');
    // The fan clicked: the widget says so again before paying, and the answer arrives later still.
    connection.receive(envelope('wallet', PENDING, {}, id));
    await vi.advanceTimersByTimeAsync(FAN_TIMEOUT_MS - 1_000);
    expect(outcome).toBe('pending');
    connection.receive(envelope('wallet', RESPONSE, { ok: true, result: { id: 't1' } }, id));
    await payment;
    expect(outcome).toEqual({ id: 't1' });

    const read = connection.call('wallet.getBalance');
    const timedOut = expect(read).rejects.toMatchObject({ code: 'PCF_TIMEOUT' });
    const readId = sent(REQUEST)[1]?.id;
    connection.receive(envelope('wallet', PENDING, {}, readId));
    await vi.advanceTimersByTimeAsync(FAN_TIMEOUT_MS);
    await timedOut;
  });

  it('re-handshakes when the iframe reloads and re-sends unanswered requests', async () => {
    const { connection, sent } = setup();
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    connection.receive(ack());
    const pending = connection.call('wallet.getTransactions', { limit: 5 });
    expect(sent(REQUEST)).toHaveLength(1);
    // The widget reloads: a new SYN, a new HELLO, a new ACK; the request goes again, same id.
    connection.receive(envelope('wallet', SYN, {}));
    expect(connection.connected).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent(HELLO)).toHaveLength(2);
    connection.receive(ack());
    connection.receive(ack());
    const [first, again] = sent(REQUEST);
    expect(again?.id).toBe(first?.id);
    expect(sent(REQUEST)).toHaveLength(2);
    connection.receive(envelope('wallet', RESPONSE, { ok: true, result: [] }, again?.id));
    await expect(pending).resolves.toEqual([]);
  });

  it('answers the widget’s getSessionToken request, and errors as PCF_RESPONSE failures', async () => {
    const { connection, sent } = setup({
      answer: async (method) => {
        if (method === 'getSessionToken') return 'fresh-token';
        throw new PcfError('PCF_BAD_REQUEST', 'Unknown host method');
      },
    });
    connection.receive(envelope('wallet', REQUEST, { method: 'getSessionToken' }, 'w1'));
    connection.receive(envelope('wallet', REQUEST, { method: 'format.disk' }, 'w2'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent(RESPONSE)).toEqual([
      envelope('wallet', RESPONSE, { ok: true, result: 'fresh-token' }, 'w1'),
      envelope(
        'wallet',
        RESPONSE,
        { ok: false, error: { code: 'PCF_BAD_REQUEST', message: 'Unknown host method' } },
        'w2',
      ),
    ]);
  });

  it('passes widget events on and ignores unknown types', () => {
    const { connection, hooks } = setup();
    connection.receive(envelope('wallet', 'WIDGET_RESIZE', { height: 480 }));
    connection.receive(envelope('wallet', 'toString', {}));
    connection.receive(envelope('wallet', 'SOMETHING_ELSE', {}));
    expect(hooks.onEvent).toHaveBeenCalledExactlyOnceWith('WIDGET_RESIZE', { height: 480 });
  });

  it('close() rejects pending requests, stops retries and ignores everything after', async () => {
    const { connection, posted } = setup();
    connection.onLoad();
    await vi.advanceTimersByTimeAsync(0);
    const pending = connection.call('wallet.getBalance');
    connection.close(new PcfError('PCF_NOT_MOUNTED', 'unmounted'));
    await expect(pending).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    await expect(connection.call('wallet.getBalance')).rejects.toMatchObject({ code: 'PCF_NOT_MOUNTED' });
    const count = posted.length;
    connection.receive(ack());
    connection.notify('UPDATE_DATA', {});
    await vi.advanceTimersByTimeAsync(1_000);
    expect(posted).toHaveLength(count);
    expect(vi.getTimerCount()).toBe(0);
  });
});
