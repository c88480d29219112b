import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  decodeOffsetCursor,
  decodeTimeCursor,
  encodeCursor,
  toPage,
} from '../src/pagination.ts';

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

  const refused = expect.objectContaining({
    category: 'validation',
    extra: { errors: [expect.objectContaining({ field: 'cursor' })] },
  });

  it('reads offset cursors, and refuses offsets PostgreSQL could not take', () => {
    expect(decodeOffsetCursor(encodeCursor([40]))).toBe(40);
    for (const forged of [[1e300], [-1], [1.5], ['9'.repeat(76)], ['40']]) {
      expect(() => decodeOffsetCursor(encodeCursor(forged)), JSON.stringify(forged)).toThrow(refused);
    }
  });

  it('reads time cursors, and refuses timestamps that are not a real date and time', () => {
    const id = '0d6f1c8e-5b4e-4a43-9d6e-2f0a4c1b7e21';
    expect(decodeTimeCursor(encodeCursor(['2026-11-24 10:00:00.123456+00', id]))).toEqual({
      createdAt: '2026-11-24 10:00:00.123456+00',
      id,
    });
    expect(decodeTimeCursor(encodeCursor(['2028-02-29T23:59:59Z', id])).createdAt).toBe(
      '2028-02-29T23:59:59Z',
    );
    for (const time of [
      '2026-02-30 10:00:00+00',
      '2026-13-01 10:00:00+00',
      '2026-01-01 24:00:00+00',
      '2026-01-01 10:60:00+00',
      '0000-01-01 00:00:00+00',
      '2026-01-01 10:00:00+99',
      'not a time',
    ]) {
      expect(() => decodeTimeCursor(encodeCursor([time, id])), time).toThrow(refused);
    }
  });

  it('trims the look-ahead row and points the cursor at the last row kept', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const page = toPage(rows, 2, (r) => [r.id]);
    expect(page.data).toEqual([{ id: 1 }, { id: 2 }]);
    expect(decodeCursor(page.nextCursor!, 1)).toEqual([2]);
    expect(toPage(rows, 3, (r) => [r.id]).nextCursor).toBeNull();
  });
});
