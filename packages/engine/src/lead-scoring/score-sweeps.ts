import type { Kysely, RawBuilder } from 'kysely';
import { liveProfilesAfter } from '../identity/index.js';
import type { Database } from '../store/index.js';

/** Scores that time alone has changed by now (a decay step, an event leaving a window), by workspace. */
export async function dueScores(
  db: Kysely<Database>,
  options: { now: number; limit: number; inPartition?: RawBuilder<boolean> | undefined },
): Promise<Map<string, string[]>> {
  let query = db
    .selectFrom('lead_scores')
    .select(['workspace_id', 'profile_id'])
    .where('due_at', '<=', new Date(options.now).toISOString())
    .orderBy('due_at')
    .limit(options.limit);
  if (options.inPartition) query = query.where(options.inPartition);
  const due = new Map<string, string[]>();
  for (const row of await query.execute())
    due.set(row.workspace_id, [...(due.get(row.workspace_id) ?? []), row.profile_id]);
  return due;
}

/** A workspace whose rules changed and whose profiles are not all rescored yet. */
export async function pendingRescore(
  db: Kysely<Database>,
  inPartition?: RawBuilder<boolean> | undefined,
): Promise<{ workspaceId: string; version: number; after: string; rescored: number } | undefined> {
  let query = db
    .selectFrom('lead_scoring_rules')
    .select(['workspace_id', 'version', 'rescore_after', 'rescored'])
    .where('rescore_after', 'is not', null)
    .orderBy('updated_at')
    .limit(1);
  if (inPartition) query = query.where(inPartition);
  const row = await query.executeTakeFirst();
  if (!row || row.rescore_after === null) return undefined;
  return {
    workspaceId: row.workspace_id,
    version: Number(row.version),
    after: row.rescore_after,
    rescored: Number(row.rescored),
  };
}

/**
 * The next profiles of a rescore, in id order after `after`: every live profile, or only those
 * holding a score when there are no rules left (nobody else can have one).
 */
export async function nextProfiles(
  db: Kysely<Database>,
  options: { workspaceId: string; after: string; limit: number; scoredOnly: boolean },
): Promise<string[]> {
  const { workspaceId, after, limit } = options;
  if (options.scoredOnly) {
    const rows = await db
      .selectFrom('lead_scores')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '>', after)
      .orderBy('profile_id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.profile_id);
  }
  return liveProfilesAfter(db, { workspaceId, after, limit });
}

/**
 * Records how far a rescore went (`after` undefined: it is done), unless the rules were edited
 * meanwhile: that edit has restarted the rescore.
 */
export async function advanceRescore(
  db: Kysely<Database>,
  options: { workspaceId: string; version: number; after: string | undefined; rescored: number },
): Promise<void> {
  await db
    .updateTable('lead_scoring_rules')
    .set({ rescore_after: options.after ?? null, rescored: options.rescored })
    .where('workspace_id', '=', options.workspaceId)
    .where('version', '=', options.version)
    .execute();
}
