import { type Kysely, type RawBuilder, sql } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';

const FLAGGED = sql.lit(1);

/** A computed value (workspace, trait, profile) by its key. */
export interface TraitValueKey {
  readonly workspaceId: string;
  readonly traitId: string;
  readonly profileId: string;
}

/** Flags values that time alone changed: they wait for `takeTimeChanges`. */
export async function flagTimeChanged(db: Kysely<Database>, keys: readonly TraitValueKey[]): Promise<void> {
  const byTrait = new Map<string, TraitValueKey[]>();
  for (const key of keys) {
    const group = `${key.workspaceId}\u0000${key.traitId}`;
    byTrait.set(group, [...(byTrait.get(group) ?? []), key]);
  }
  for (const group of byTrait.values()) {
    const { workspaceId, traitId } = group[0] as TraitValueKey;
    for (const chunk of chunksOf(group.map((k) => k.profileId))) {
      await db
        .updateTable('computed_trait_values')
        .set({ time_changed: 1 })
        .where('workspace_id', '=', workspaceId)
        .where('trait_id', '=', traitId)
        .where('profile_id', 'in', chunk)
        .execute();
    }
  }
}

/**
 * The profiles with values time alone changed since the last take, up to `limit`, their flags
 * cleared in the caller's transaction: the delivery stage's hand-off from the segment stage.
 * `inPartition`: only the workspaces of the caller's pipeline partition.
 */
export async function takeTimeChanges(
  db: Kysely<Database>,
  options: { readonly limit: number; readonly inPartition?: RawBuilder<boolean> | undefined },
): Promise<{ workspaceId: string; profileId: string }[]> {
  let query = db
    .selectFrom('computed_trait_values')
    .select(['workspace_id', 'profile_id'])
    .distinct()
    // A literal, not a parameter: the partial index applies to a plan PostgreSQL reuses too.
    .where('time_changed', '=', FLAGGED);
  if (options.inPartition) query = query.where(options.inPartition);
  const flagged = await query.limit(options.limit).execute();
  const byWorkspace = new Map<string, string[]>();
  for (const row of flagged)
    byWorkspace.set(row.workspace_id, [...(byWorkspace.get(row.workspace_id) ?? []), row.profile_id]);
  for (const [workspaceId, profileIds] of byWorkspace) {
    for (const chunk of chunksOf(profileIds)) {
      await db
        .updateTable('computed_trait_values')
        .set({ time_changed: 0 })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .where('time_changed', '=', FLAGGED)
        .execute();
    }
  }
  return flagged.map((row) => ({ workspaceId: row.workspace_id, profileId: row.profile_id }));
}
