import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { type IdentityService, splitMerge } from '../identity/index.js';
import { deleteTraits, projectCompanies, projectTraits, removeMemberships } from '../profiles/index.js';
import type { Database } from '../store/index.js';
import { objectOr } from './payload-fields.js';

/**
 * Splits a wrong merge, in the caller's transaction: identity gives the merged profile back its
 * identifiers and events, then both profiles' traits and companies are recomputed from the log.
 */
export async function unmerge(
  db: Kysely<Database>,
  deps: { identity: IdentityService; maxTraitsPerProfile?: number | undefined },
  input: { workspaceId: string; profileId: string; mergeId: string },
): Promise<{ survivorId: string; restoredId: string }> {
  const { identity } = deps;
  const { workspaceId } = input;
  const split = await splitMerge(db, identity, input);
  const rules = await identity.rules(workspaceId, db);
  const sides = [
    [split.survivorId, split.survivorEvents],
    [split.restoredId, split.restoredEvents],
  ] as const;
  await deleteTraits(db, workspaceId, [split.survivorId, split.restoredId]);
  // Memberships are rebuilt from the group calls each side keeps.
  await removeMemberships(db, workspaceId, [split.survivorId, split.restoredId]);
  for (const [profileId, events] of sides) {
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
  return { survivorId: split.survivorId, restoredId: split.restoredId };
}

function identifyCalls(events: readonly StoredEvent[]): StoredEvent[] {
  return events.filter((e) => e.type === 'identify');
}
