import type { Kysely } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { Database } from '../store/index.js';

/** A profile entering or leaving an audience. */
export interface MembershipChange {
  readonly workspaceId: string;
  readonly audienceId: string;
  readonly audienceName: string;
  readonly profileId: string;
  readonly entered: boolean;
  readonly at: string;
}

/** Records enters (entered_at, exited_at cleared) and exits (exited_at). */
export async function recordChanges(
  db: Kysely<Database>,
  changes: readonly MembershipChange[],
): Promise<void> {
  const enters = changes.filter((c) => c.entered);
  for (const chunk of chunksOf(enters, 500)) {
    await db
      .insertInto('audience_members')
      .values(
        chunk.map((c) => ({
          workspace_id: c.workspaceId,
          audience_id: c.audienceId,
          profile_id: c.profileId,
          entered_at: c.at,
          exited_at: null,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'audience_id', 'profile_id']).doUpdateSet((eb) => ({
          entered_at: eb.ref('excluded.entered_at'),
          exited_at: null,
        })),
      )
      .execute();
  }
  // Exits of one audience at one moment (a full evaluation's chunk: thousands) in few statements.
  const exits = new Map<string, MembershipChange[]>();
  for (const c of changes.filter((change) => !change.entered)) {
    const key = JSON.stringify([c.workspaceId, c.audienceId, c.at]);
    const group = exits.get(key) ?? [];
    exits.set(key, group);
    group.push(c);
  }
  for (const ofAudience of exits.values()) {
    const first = ofAudience[0];
    if (!first) continue;
    for (const chunk of chunksOf(ofAudience.map((c) => c.profileId))) {
      await db
        .updateTable('audience_members')
        .set({ exited_at: first.at })
        .where('workspace_id', '=', first.workspaceId)
        .where('audience_id', '=', first.audienceId)
        .where('profile_id', 'in', chunk)
        .execute();
    }
  }
}
