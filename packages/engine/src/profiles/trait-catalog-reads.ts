import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

// Bounded reads of profile traits by name, for the catalog: each walks the
// (workspace, name, value, profile) index with seeks, never every trait of every profile.

/** Distinct trait names of a workspace in name order, at most `limit`: one index seek per name. */
export async function traitNamesOf(
  db: Kysely<Database>,
  workspaceId: string,
  limit: number,
): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  while (names.length < limit) {
    let query = db
      .selectFrom('profile_traits')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .limit(1);
    if (after !== null) query = query.where('name', '>', after);
    const row = await query.executeTakeFirst();
    if (!row) break;
    names.push(row.name);
    after = row.name;
  }
  return names;
}

/** A few distinct values (JSON text, in text order) of a trait, and its profiles counted up to `cap`. */
export async function traitSampleOf(
  db: Kysely<Database>,
  workspaceId: string,
  options: { name: string; values: number; cap: number },
): Promise<{ values: string[]; profiles: number }> {
  const values: string[] = [];
  let after: string | null = null;
  while (values.length < options.values) {
    let query = db
      .selectFrom('profile_traits')
      .select('value')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', options.name)
      .orderBy('value')
      .limit(1);
    if (after !== null) query = query.where('value', '>', after);
    const row = await query.executeTakeFirst();
    if (!row) break;
    values.push(row.value);
    after = row.value;
  }
  const counted = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('profile_traits')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('name', '=', options.name)
        .limit(options.cap)
        .as('counted'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return { values, profiles: Number(counted?.n ?? 0) };
}
