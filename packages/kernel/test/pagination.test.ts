import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from '../src/pagination.ts';

describe('cursor pagination', () => {
  it('round-trips cursor values', () => {
    expect(decodeCursor(encodeCursor(['2026-11-24T00:00:00.000Z', 'abc', 3]), 3)).toEqual([
      '2026-11-24T00:00:00.000Z',
      'abc',
      3,
    ]);
  });

  it.each([
    'garbage',
    encodeCursor(['only-one']),
    Buffer.from('{"a":1}').toString('base64url'),
    encodeCursor([{}] as never),
  ])('rejects a foreign cursor %j as a 400 naming the field', (cursor) => {
    expect(() => decodeCursor(cursor, 2)).toThrow(
      expect.objectContaining({
        category: 'validation',
        extra: { errors: [expect.objectContaining({ field: 'cursor' })] },
      }),
    );
  });

  it('trims the look-ahead row and points the cursor at the last row kept', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const page = toPage(rows, 2, (r) => [r.id]);
    expect(page.data).toEqual([{ id: 1 }, { id: 2 }]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual([2]);
    expect(toPage(rows, 3, (r) => [r.id]).nextCursor).toBeNull();
  });
});
