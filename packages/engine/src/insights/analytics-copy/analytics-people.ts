import type { Kysely } from 'kysely';
import { activeAudienceIdsOfProfiles } from '../../audiences/index.js';
import { type ComputedTraitsService, computedValuesJsonOfProfiles } from '../../computed-traits/index.js';
import { traitsJsonOfProfiles } from '../../profiles/index.js';
import type { Database } from '../../store/index.js';
import type { AnalyticsPersonRow } from '../analytics-store/index.js';

/** What the copy reads people through: their domains' public reads. */
export interface PeopleReads {
  readonly computedTraits: ComputedTraitsService;
  readonly clock: () => number;
}

/**
 * The people rows of these live profiles as they are now: traits (CRM fields, kept as `crm_*`
 * traits, included), computed trait values by name, audience ids. Three batched reads.
 */
export async function peopleRowsOf(
  db: Kysely<Database>,
  reads: PeopleReads,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<AnalyticsPersonRow[]> {
  if (profileIds.length === 0) return [];
  const definitions = await reads.computedTraits.definitions(workspaceId, db);
  const [traits, computed, audiences] = await Promise.all([
    traitsJsonOfProfiles(db, workspaceId, profileIds),
    computedValuesJsonOfProfiles(db, { workspaceId, profileIds, definitions }),
    activeAudienceIdsOfProfiles(db, workspaceId, profileIds),
  ]);
  const updatedAt = new Date(reads.clock()).toISOString();
  return profileIds.map((profileId) => ({
    workspaceId,
    profileId,
    traits: traits.get(profileId) ?? '{}',
    computedTraits: computed.get(profileId) ?? '{}',
    audiences: JSON.stringify(audiences.get(profileId) ?? []),
    updatedAt,
  }));
}
