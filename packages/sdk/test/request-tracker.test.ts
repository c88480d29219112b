import { envelope, REQUEST, type RequestData } from '@pcf/widget-kit/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PcfError } from '../src/errors.ts';
import { createRequestTracker } from '../src/request-tracker.ts';

const request = (id: string) => envelope<RequestData>('wallet', REQUEST, { method: 'wallet.getBalance' }, id);

describe('createRequestTracker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves a request with its response, by id', async () => {
    const tracker = createRequestTracker();
    const a = tracker.track('a', request('a'), 10_000);
    const b = tracker.track('b', request('b'), 10_000);
    expect(tracker.settle('b', { ok: true, result: 2 })).toBe(true);
    expect(tracker.settle('a', { ok: true, result: 1 })).toBe(true);
    expect(tracker.settle('a', { ok: true, result: 1 })).toBe(false);
    expect([await a, await b]).toEqual([1, 2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with typed errors: PCF_* codes as they are, API codes as PCF_API_ERROR + apiCode', async () => {
    const tracker = createRequestTracker();
    const a = tracker.track('a', request('a'), 10_000);
    const b = tracker.track('b', request('b'), 10_000);
    const c = tracker.track('c', request('c'), 10_000);
    tracker.settle('a', { ok: false, error: { code: 'PCF_UNAUTHENTICATED', message: 'Sign in' } });
    tracker.settle('b', { ok: false, error: { code: 'INSUFFICIENT_FUNDS', message: 'Not enough EUR' } });
    tracker.settle('c', 'garbage');
    await expect(a).rejects.toMatchObject({ code: 'PCF_UNAUTHENTICATED', message: 'Sign in' });
    await expect(b).rejects.toMatchObject({ code: 'PCF_API_ERROR', apiCode: 'INSUFFICIENT_FUNDS' });
    await expect(c).rejects.toBeInstanceOf(PcfError);
  });

  it('keeps the HTTP status and problem code of the API call behind a widget failure', async () => {
    const tracker = createRequestTracker();
    const a = tracker.track('a', request('a'), 10_000);
    const b = tracker.track('b', request('b'), 10_000);
    const c = tracker.track('c', request('c'), 10_000);
    tracker.settle('a', {
      ok: false,
      error: { code: 'PCF_API_ERROR', message: 'Price changed', status: 409, apiCode: 'price_changed' },
    });
    tracker.settle('b', {
      ok: false,
      error: { code: 'PCF_UNAUTHENTICATED', message: 'Sign in', status: 401, apiCode: 'unauthenticated' },
    });
    tracker.settle('c', { ok: false, error: { code: 'PCF_BUSY', message: 'Busy', status: 'x', apiCode: 7 } });
    await expect(a).rejects.toMatchObject({
      code: 'PCF_API_ERROR',
      message: 'Price changed',
      status: 409,
      apiCode: 'price_changed',
    });
    await expect(b).rejects.toMatchObject({
      code: 'PCF_UNAUTHENTICATED',
      status: 401,
      apiCode: 'unauthenticated',
    });
    const busy = await c.catch((error: PcfError) => error);
    expect(busy).toMatchObject({ code: 'PCF_BUSY', status: undefined, apiCode: undefined });
  });

  it('times out with PCF_TIMEOUT after the default 10 s', async () => {
    const tracker = createRequestTracker();
    const answer = tracker.track('a', request('a'), 10_000);
    const outcome = expect(answer).rejects.toMatchObject({ code: 'PCF_TIMEOUT' });
    vi.advanceTimersByTime(9_999);
    expect(tracker.pending()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await outcome;
    expect(tracker.pending()).toHaveLength(0);
  });

  it('wait() restarts the timeout of a pending request (the fan is being asked), and ignores unknown ids', async () => {
    const tracker = createRequestTracker();
    const answer = tracker.track('a', request('a'), 10_000);
    vi.advanceTimersByTime(9_000);
    tracker.wait('a', 130_000);
    tracker.wait('nope', 130_000);
    vi.advanceTimersByTime(129_999);
    expect(tracker.pending()).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    const outcome = expect(answer).rejects.toMatchObject({ code: 'PCF_TIMEOUT' });
    vi.advanceTimersByTime(1);
    await outcome;
  });

  it('lists pending requests oldest first and rejects them all, clearing every timer', async () => {
    const tracker = createRequestTracker();
    const answers = [tracker.track('a', request('a'), 10_000), tracker.track('b', request('b'), 10_000)];
    expect(tracker.pending().map((message) => message.id)).toEqual(['a', 'b']);
    tracker.rejectAll(new PcfError('PCF_DESTROYED', 'gone'));
    for (const answer of answers) await expect(answer).rejects.toMatchObject({ code: 'PCF_DESTROYED' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
