import type { Kysely } from 'kysely';
import type { StoreKind } from '../dialect.js';

/** A forward-only schema change. Migrations never go down: a mistake is fixed by the next one. */
export interface Migration {
  readonly name: string;
  up(db: Kysely<unknown>, kind: StoreKind): Promise<void>;
}
