import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import { AppError } from '../errors/index.js';

/** A sorted list's position: the last row's sort key and id. Opaque to clients. */
export type KeysetPosition = { key: string | number; id: string };

export function keysetCursorOf(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

/** Throws `bad_request` naming `cursor` for one this code did not write. */
export function keysetPositionOf(cursor: string): KeysetPosition {
  try {
    const [key, id]: unknown[] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if ((typeof key === 'string' || typeof key === 'number') && typeof id === 'string') return { key, id };
  } catch {
    // Answered below.
  }
  throw new AppError('bad_request', 'cursor is not one this sorted list returned');
}

/**
 * Rows after `position` in the order `key direction, id direction`: with an index on
 * (workspace_id, key, id) each page is an index range, whatever its depth.
 */
export function keysetAfter(
  // biome-ignore lint/suspicious/noExplicitAny: any table's expression builder
  eb: ExpressionBuilder<any, any>,
  key: Expression<unknown>,
  id: Expression<unknown>,
  direction: 'asc' | 'desc',
  position: KeysetPosition,
): Expression<SqlBool> {
  const beyond = direction === 'asc' ? sql.raw('>') : sql.raw('<');
  return eb.or([
    sql<SqlBool>`${key} ${beyond} ${position.key}`,
    eb.and([sql<SqlBool>`${key} = ${position.key}`, sql<SqlBool>`${id} ${beyond} ${position.id}`]),
  ]);
}

/**
 * A page from rows read with `limit + 1`: the first `limit`, and the cursor after the last of
 * them when more follow.
 */
export function keysetPage<Row>(
  rows: readonly Row[],
  limit: number,
  positionOf: (row: Row) => KeysetPosition,
): { rows: Row[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    rows: shown,
    nextCursor: rows.length > limit && last !== undefined ? keysetCursorOf(positionOf(last)) : null,
  };
}
