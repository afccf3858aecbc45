import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { eventsOfProfiles, type IdentityService } from '../identity/index.js';
import type { Rederivation } from '../pipeline-runtime/index.js';
import { deleteTraits, projectCompanies, projectTraits, removeMemberships } from '../profiles/index.js';
import type { Database } from '../store/index.js';
import { objectOr } from './payload-fields.js';

/**
 * The unify stage's part of a re-derivation, in the caller's transaction: the profiles' traits
 * and company memberships recomputed from the events identity now gives each of them.
 */
export async function rederiveUnified(
  db: Kysely<Database>,
  deps: { identity: IdentityService; maxTraitsPerProfile?: number | undefined },
  { workspaceId, profileIds }: Rederivation,
): Promise<void> {
  const rules = await deps.identity.rules(workspaceId, db);
  const eventsOf = await eventsOfProfiles(db, workspaceId, profileIds);
  await deleteTraits(db, workspaceId, [...profileIds]);
  // Memberships are rebuilt from the group calls each profile keeps.
  await removeMemberships(db, workspaceId, [...profileIds]);
  for (const profileId of profileIds) {
    const events = eventsOf.get(profileId) ?? [];
    const root = () => profileId;
    await projectTraits(db, workspaceId, {
      writes: identifyCalls(events).map((e) => ({
        profileId,
        traits: objectOr(e.payload.traits),
        priority: rules.sourcePriority(e.sourceId),
        timestamp: e.timestamp,
        messageId: e.messageId,
      })),
      folds: [],
      root,
      maxTraits: deps.maxTraitsPerProfile,
    });
    const groups = events.flatMap((e) =>
      e.type === 'group' && typeof e.payload.groupId === 'string'
        ? [
            {
              profileId,
              groupId: e.payload.groupId,
              traits: objectOr(e.payload.traits),
              timestamp: e.timestamp,
            },
          ]
        : [],
    );
    await projectCompanies(db, workspaceId, { groups, folds: [], root });
  }
}

function identifyCalls(events: readonly StoredEvent[]): StoredEvent[] {
  return events.filter((e) => e.type === 'identify');
}
