import type { Kysely } from 'kysely';
import type { PersonDataCounts, PersonDataHolder, PersonRef } from '../person-data/index.js';
import { type Database, nowIso, unindexedWorkspaceId } from '../store/index.js';
import { chunksOf } from './identity-tables.js';

/**
 * Identity's share of a person: their profiles, identifiers, event attributions, merges and
 * separations. Runs after every other holder (they may find the person through it). The per-type
 * counters of refused identifiers hold no values, so they stay.
 */
export function identityPersonData(db: Kysely<Database>): PersonDataHolder {
  return {
    domain: 'identity',

    async exportPerson(person) {
      const { workspaceId, profileIds } = person;
      const profiles = [];
      const identifiers = [];
      const merges = [];
      for (const chunk of chunksOf(profileIds)) {
        profiles.push(
          ...(await db
            .selectFrom('profiles')
            .select(['profile_id as profileId', 'merged_into as mergedInto', 'event_count as eventCount'])
            .select(['created_at as createdAt', 'updated_at as updatedAt'])
            .where('workspace_id', '=', workspaceId)
            .where('profile_id', 'in', chunk)
            .execute()),
        );
        identifiers.push(
          ...(await db
            .selectFrom('profile_identifiers')
            .select([
              'type',
              'value',
              'profile_id as profileId',
              'first_seen as firstSeen',
              'last_seen as lastSeen',
            ])
            .where('workspace_id', '=', workspaceId)
            .where('profile_id', 'in', chunk)
            .execute()),
        );
        merges.push(
          ...(await db
            .selectFrom('profile_merges')
            .select(['merge_id as mergeId', 'survivor_id as survivorId', 'profile_id as profileId'])
            .select(['merged_at as mergedAt', 'undone_at as undoneAt'])
            .where('workspace_id', '=', workspaceId)
            .where('survivor_id', 'in', chunk)
            .execute()),
        );
      }
      return { profiles, identifiers, merges };
    },

    erasePerson: (person) => eraseIdentity(db, person),

    async anonymizePerson(person, anonymousProfileId) {
      const { workspaceId, profileIds } = person;
      // The events stay countable: attributed to one new profile that no identifier reaches.
      const now = nowIso();
      let events = 0;
      for (const chunk of chunksOf(profileIds))
        events += await inBatches((limit) =>
          db
            .updateTable('profile_events')
            .set({ profile_id: anonymousProfileId })
            .where(unindexedWorkspaceId, '=', workspaceId)
            .where('seq', 'in', attributedTo(db, workspaceId, chunk, limit))
            .executeTakeFirst()
            .then((result) => Number(result.numUpdatedRows)),
        );
      await db
        .insertInto('profiles')
        .values({
          workspace_id: workspaceId,
          profile_id: anonymousProfileId,
          merged_into: null,
          event_count: events,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const erased = await eraseIdentity(db, person);
      return { ...erased, profile_events: events };
    },
  };
}

async function eraseIdentity(db: Kysely<Database>, person: PersonRef): Promise<PersonDataCounts> {
  const { workspaceId, profileIds, identifiers } = person;
  const counts: PersonDataCounts = {
    profiles: 0,
    profile_identifiers: 0,
    profile_events: 0,
    profile_merges: 0,
    identity_separations: 0,
  };
  const add = (table: string, result: { numDeletedRows: bigint }) => {
    counts[table] = (counts[table] ?? 0) + Number(result.numDeletedRows);
  };
  // A heavy person's attributions go in small batches, the event loop let go between them.
  for (const chunk of chunksOf(profileIds))
    counts.profile_events =
      (counts.profile_events ?? 0) +
      (await inBatches((limit) =>
        db
          .deleteFrom('profile_events')
          .where(unindexedWorkspaceId, '=', workspaceId)
          .where('seq', 'in', attributedTo(db, workspaceId, chunk, limit))
          .executeTakeFirst()
          .then((result) => Number(result.numDeletedRows)),
      ));
  await db.transaction().execute(async (trx) => {
    for (const chunk of chunksOf(profileIds)) {
      add(
        'profile_identifiers',
        await trx
          .deleteFrom('profile_identifiers')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', chunk)
          .executeTakeFirst(),
      );
      add(
        'profile_merges',
        await trx
          .deleteFrom('profile_merges')
          .where('workspace_id', '=', workspaceId)
          .where((eb) => eb.or([eb('survivor_id', 'in', chunk), eb('profile_id', 'in', chunk)]))
          .executeTakeFirst(),
      );
      add(
        'profiles',
        await trx
          .deleteFrom('profiles')
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', chunk)
          .executeTakeFirst(),
      );
    }
    // Identifiers the person was known by, wherever identity now files them.
    for (const chunk of chunksOf([...new Set(identifiers.map((identifier) => identifier.value))])) {
      add(
        'profile_identifiers',
        await trx
          .deleteFrom('profile_identifiers')
          .where('workspace_id', '=', workspaceId)
          .where('value', 'in', chunk)
          .where(
            'type',
            'in',
            identifiers.map((identifier) => identifier.type),
          )
          .executeTakeFirst(),
      );
      add(
        'identity_separations',
        await trx
          .deleteFrom('identity_separations')
          .where('workspace_id', '=', workspaceId)
          .where((eb) => eb.or([eb('value_a', 'in', chunk), eb('value_b', 'in', chunk)]))
          .executeTakeFirst(),
      );
    }
  });
  return counts;
}

// Attribution rows changed per statement.
const BATCH = 250;

/** Up to `limit` seqs of events attributed to these profiles. */
function attributedTo(db: Kysely<Database>, workspaceId: string, profileIds: string[], limit: number) {
  return db
    .selectFrom('profile_events')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', profileIds)
    .limit(limit);
}

/** Runs `step` (changing at most `limit` rows) until it changes fewer; resolves to the rows changed. */
async function inBatches(step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = await step(BATCH);
    total += changed;
    if (changed < BATCH) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
