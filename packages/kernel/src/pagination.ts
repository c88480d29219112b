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

/** Repositories fetch limit + 1 rows; this trims the extra row and derives the next cursor from the last kept one. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => CursorValue[]): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A (created_at, id) keyset cursor, as used by newest-first lists; created_at is the database's exact text. */
export function decodeTimeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeCursor(cursor, 2).map(String);
  if (!createdAt || !TIMESTAMP.test(createdAt) || !id || !UUID.test(id)) {
    throw new ValidationError(
      'cursor is not a valid page cursor; pass nextCursor from the previous page',
      'cursor',
    );
  }
  return { createdAt, id };
}
