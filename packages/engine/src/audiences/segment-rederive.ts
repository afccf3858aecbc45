import type { Kysely } from 'kysely';
import type { ComputedTraitsService } from '../computed-traits/index.js';
import { chunksOf } from '../identity/index.js';
import type { LogPosition } from '../log/index.js';
import type { Rederivation } from '../pipeline-runtime/index.js';
import type { Database } from '../store/index.js';
import { evaluateProfiles } from './audience-evaluation.js';
import type { AudienceEvents } from './audience-events.js';
import type { AudiencesService } from './audiences-service.js';
import type { MembershipChange } from './membership-changes.js';

export interface SegmentRederiveDeps {
  readonly computedTraits: ComputedTraitsService;
  readonly audiences: AudiencesService;
  readonly events: AudienceEvents;
}

/**
 * The segment stage's part of a re-derivation (unmerge, deletion), in the caller's transaction:
 * computed traits refolded from the events each profile now has (up to the stage's checkpoint;
 * later ones come through its batches), then memberships re-evaluated. Memberships that ended
 * without an Audience Exited event (a merged-away profile's) open again first, so the events
 * appended now leave the log telling each profile's true memberships: an Exited where the
 * profile no longer qualifies, an Entered only where the log last said it was out.
 */
export async function rederiveSegment(
  db: Kysely<Database>,
  deps: SegmentRederiveDeps,
  options: { change: Rederivation; checkpoint: LogPosition; now: number },
): Promise<MembershipChange[]> {
  const { workspaceId, profileIds } = options.change;
  await reopenUnannounced(db, deps.events, workspaceId, profileIds);
  await deps.computedTraits.refold(db, workspaceId, profileIds, options.checkpoint);
  const audiences = await deps.audiences.compiledAudiences(workspaceId, db);
  const changes = await evaluateProfiles({ db, workspaceId, now: options.now }, audiences, [...profileIds]);
  // The Audience Entered / Exited events commit with the membership they report.
  await deps.events.appendWithin(db, changes);
  return changes;
}

async function reopenUnannounced(
  db: Kysely<Database>,
  events: AudienceEvents,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<void> {
  for (const chunk of chunksOf(profileIds)) {
    const ended = await db
      .selectFrom('audience_members')
      .select(['audience_id', 'profile_id', 'exited_at'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .where('exited_at', 'is not', null)
      .execute();
    const quiet = await events.unannounced(
      db,
      workspaceId,
      ended.map((row) => ({
        audienceId: row.audience_id,
        profileId: row.profile_id,
        exitedAt: row.exited_at ?? '',
      })),
    );
    for (const { audienceId, profileId } of quiet) {
      await db
        .updateTable('audience_members')
        .set({ exited_at: null })
        .where('workspace_id', '=', workspaceId)
        .where('audience_id', '=', audienceId)
        .where('profile_id', '=', profileId)
        .execute();
    }
  }
}
