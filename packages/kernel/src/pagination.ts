import { type Static, Type } from '@sinclair/typebox';
import { ValidationError } from './errors.ts';

export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size (1-100)' }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque cursor from the previous page’s nextCursor' }),
  ),
});
export type PageQuery = Static<typeof PageQuery>;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

type CursorValue = string | number;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor with exactly `arity` values; anything else is a 400. */
export function decodeCursor(cursor: string, arity: number): CursorValue[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through
  }
  throw new ValidationError(
    'cursor is not a valid page cursor; pass nextCursor from the previous page',
    'cursor',
  );
}

/**
 * Decodes an offset cursor (`encodeCursor([offset])`): a non-negative safe integer, or a 400 naming `cursor` —
 * a forged cursor can never hand PostgreSQL an OFFSET it cannot read.
 */
export function decodeOffsetCursor(cursor: string): number {
  const [value] = decodeCursor(cursor, 1);
  const offset = typeof value === 'number' ? value : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError(
      'cursor is not a valid page cursor; pass nextCursor from the previous page',
      'cursor',
    );
  }
  return offset;
}

/** Repositories fetch limit + 1 rows; this trims the extra row and derives the next cursor from the last kept one. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => CursorValue[]): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:[+-](\d{2})(?::?(\d{2}))?|Z)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether text is a UUID in PostgreSQL's output form (lower-case, hyphenated): safe to pass as a uuid parameter. */
export const isUuid = (text: string): boolean => UUID.test(text);

/** A (created_at, id) keyset cursor, as used by newest-first lists; created_at is the database's exact text. */
export function decodeTimeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 2).map(String);
  if (!createdAt || !isTimestamp(createdAt) || !id || !isUuid(id)) {
    throw new ValidationError(
      'cursor is not a valid page cursor; pass nextCursor from the previous page',
      'cursor',
    );
  }
  return { createdAt, id };
}

/** A timestamp PostgreSQL accepts: the shape above, and a real date and time (no 2026-02-30, 25:00, year 0). */
function isTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    (hour ?? 99) <= 23 &&
    (minute ?? 99) <= 59 &&
    (second ?? 99) <= 59 &&
    offsetHours <= 15 &&
    offsetMinutes <= 59
  );
}
