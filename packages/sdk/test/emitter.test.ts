import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../src/emitter.ts';

describe('createEmitter', () => {
  it('calls each listener once per emit, until off or clear', () => {
    const events = createEmitter();
    const listener = vi.fn();
    events.on('ready', listener);
    events.on('ready', listener);
    events.emit('ready', 1);
    events.emit('other', 2);
    expect(listener).toHaveBeenCalledExactlyOnceWith(1);
    events.off('ready', listener);
    events.emit('ready', 3);
    events.on('ready', listener);
    events.clear();
    events.emit('ready', 4);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps calling the other listeners when one throws, and rethrows asynchronously', async () => {
    const events = createEmitter();
    const after = vi.fn();
    const queued: (() => void)[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => queued.push(task));
    events.on('x', () => {
      throw new Error('partner bug');
    });
    events.on('x', after);
    events.emit('x', null);
    spy.mockRestore();
    expect(after).toHaveBeenCalledOnce();
    expect(queued).toHaveLength(1);
    expect(() => queued[0]?.()).toThrow('partner bug');
  });
});
