import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/event-stream.ts';
import { SseParser } from '../src/sse-parser.ts';

describe('SseParser', () => {
  it('parses events split across chunks, skipping comments', () => {
    const parser = new SseParser();
    expect(parser.feed('event: snapshot\ndata: {"balance":')).toEqual([]);
    expect(parser.feed('"1.00"}\n\n: keep-alive\n\nevent: balance\r\ndata: {}\r\n\r\n')).toEqual([
      { event: 'snapshot', data: '{"balance":"1.00"}' },
      { event: 'balance', data: '{}' },
    ]);
  });

  it('joins multi-line data and defaults the event name', () => {
    expect(new SseParser().feed('data: a\ndata: b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});

describe('backoffDelay', () => {
  it('doubles from 1 s up to 30 s', () => {
    expect(backoffDelay(1, 0.5)).toBe(1000);
    expect(backoffDelay(2, 0.5)).toBe(2000);
    expect(backoffDelay(4, 0.5)).toBe(8000);
    expect(backoffDelay(20, 0.5)).toBe(30_000);
  });
});
