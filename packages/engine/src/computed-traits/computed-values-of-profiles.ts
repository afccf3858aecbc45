import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';
import type { TraitDefinition } from './computed-trait-rows.js';
import { emptyValueOf } from './trait-buckets.js';

const CHUNK = 500;

/**
 * These profiles' computed trait values by trait name, as the JSON text of one object each
 * (every defined trait, its empty value when no event counted): batched reads for copies of
 * profiles kept elsewhere (insights' analytics people).
 */
export async function computedValuesJsonOfProfiles(
  db: Kysely<Database>,
  input: { workspaceId: string; profileIds: readonly string[]; definitions: readonly TraitDefinition[] },
): Promise<Map<string, string>> {
  const { workspaceId, profileIds, definitions } = input;
  const stored = new Map<string, Map<string, string>>();
  if (definitions.length > 0) {
    for (let start = 0; start < profileIds.length; start += CHUNK) {
      for (const row of await computedValuesOfProfiles(
        db,
        workspaceId,
        profileIds.slice(start, start + CHUNK),
      )) {
        const values = stored.get(row.profile_id) ?? new Map<string, string>();
        stored.set(row.profile_id, values);
        values.set(row.trait_id, row.value);
      }
    }
  }
  const empty = definitions.map((d) => JSON.stringify(emptyValueOf(d.kind)));
  return new Map(
    profileIds.map((profileId) => {
      const values = stored.get(profileId);
      const members = definitions.map(
        (d, i) => `${JSON.stringify(d.name)}:${values?.get(d.id) ?? empty[i] ?? 'null'}`,
      );
      return [profileId, `{${members.join(',')}}`];
    }),
  );
}

/**
 * The stored values (JSON text) of these profiles' computed traits, by trait id; a trait that no
 * event counted for a profile has no row. One query per 1,000 profiles.
 */
export async function computedValuesOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<{ profile_id: string; trait_id: string; value: string }[]> {
  const values: { profile_id: string; trait_id: string; value: string }[] = [];
  for (const chunk of chunksOf(profileIds)) {
    const rows = await db
      .selectFrom('computed_trait_values')
      .select(['profile_id', 'trait_id', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const row of rows) values.push(row);
  }
  return values;
}

/** The names of the workspace's computed traits, by trait id. */
export async function computedTraitNamesOf(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('computed_traits')
    .select(['trait_id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return new Map(rows.map((row) => [row.trait_id, row.name]));
}
