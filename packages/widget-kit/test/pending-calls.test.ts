import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BridgeError } from '../src/bridge-error.ts';
import { PendingCalls } from '../src/pending-calls.ts';

describe('PendingCalls', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the result of an ok response', async () => {
    const calls = new PendingCalls();
    const answer = calls.open('1');
    expect(calls.settle('1', { ok: true, result: 'token' })).toBe(true);
    await expect(answer).resolves.toBe('token');
    expect(calls.size).toBe(0);
  });

  it('rejects with the typed error of a failed response', async () => {
    const calls = new PendingCalls();
    const answer = calls.open('1');
    calls.settle('1', { ok: false, error: { code: 'PCF_UNAUTHENTICATED', message: 'no fan' } });
    await expect(answer).rejects.toMatchObject({ code: 'PCF_UNAUTHENTICATED', message: 'no fan' });
  });

  it('times out after 10 s by default with PCF_TIMEOUT', async () => {
    const calls = new PendingCalls();
    const answer = calls.open('1');
    const settled = expect(answer).rejects.toBeInstanceOf(BridgeError);
    vi.advanceTimersByTime(10_000);
    await settled;
    await expect(answer).rejects.toMatchObject({ code: 'PCF_TIMEOUT' });
    expect(calls.settle('1', { ok: true, result: 'late' })).toBe(false);
  });

  it('ignores responses to unknown ids', () => {
    expect(new PendingCalls().settle('nope', { ok: true, result: 1 })).toBe(false);
  });
});
