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

/** Who takes changes time alone made, each clearing its own flag: destinations, the analytics copy. */
export type TimeChangeConsumer = 'delivery' | 'analytics';

const FLAG_OF = {
  delivery: 'time_changed',
  analytics: 'analytics_time_changed',
} as const satisfies Record<TimeChangeConsumer, string>;

/** Flags values that time alone changed, for every consumer: they wait for `takeTimeChanges`. */
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
        .set({ time_changed: 1, analytics_time_changed: 1 })
        .where('workspace_id', '=', workspaceId)
        .where('trait_id', '=', traitId)
        .where('profile_id', 'in', chunk)
        .execute();
    }
  }
}

/**
 * The profiles with values time alone changed since the consumer's last take, up to `limit`, by
 * workspace,
 * its flags cleared in the caller's transaction: the segment stage's hand-off to the delivery
 * stage and the analytics copy. `inPartition`: only the workspaces of the caller's partition.
 */
export async function takeTimeChanges(
  db: Kysely<Database>,
  options: {
    readonly consumer: TimeChangeConsumer;
    readonly limit: number;
    readonly inPartition?: RawBuilder<boolean> | undefined;
  },
): Promise<Map<string, string[]>> {
  const flag = FLAG_OF[options.consumer];
  let query = db
    .selectFrom('computed_trait_values')
    .select(['workspace_id', 'profile_id'])
    .distinct()
    // A literal, not a parameter: the partial index applies to a plan PostgreSQL reuses too.
    .where(flag, '=', FLAGGED);
  if (options.inPartition) query = query.where(options.inPartition);
  const flagged = await query.limit(options.limit).execute();
  const byWorkspace = new Map<string, string[]>();
  for (const row of flagged) {
    const profileIds = byWorkspace.get(row.workspace_id) ?? [];
    if (profileIds.length === 0) byWorkspace.set(row.workspace_id, profileIds);
    profileIds.push(row.profile_id);
  }
  for (const [workspaceId, profileIds] of byWorkspace) {
    for (const chunk of chunksOf(profileIds)) {
      await db
        .updateTable('computed_trait_values')
        .set({ [flag]: 0 })
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', 'in', chunk)
        .where(flag, '=', FLAGGED)
        .execute();
    }
  }
  return byWorkspace;
}

/** Whether any value waits for the consumer: a read, so that nothing takes the write lock for none. */
export async function hasTimeChanges(db: Kysely<Database>, consumer: TimeChangeConsumer): Promise<boolean> {
  const row = await db
    .selectFrom('computed_trait_values')
    .select('profile_id')
    .where(FLAG_OF[consumer], '=', FLAGGED)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
