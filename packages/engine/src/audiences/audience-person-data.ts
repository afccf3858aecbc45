import type { Kysely } from 'kysely';
import { countPerChunk, type PersonDataHolder, type PersonRef, personChunks } from '../person-data/index.js';
import { type Database, type Store, writeTransaction } from '../store/index.js';

// audiences/' share of a person: their memberships (current and past). Anonymizing keeps the
// counts: one membership per audience moves to the anonymous profile (the earliest entry, the
// latest exit, still a member when any of the person's profiles is). Sweeps are kept per audience,
// not per person: nothing of the person is in them.

interface Membership {
  audienceId: string;
  enteredAt: string;
  exitedAt: string | null;
}

export function audiencePersonData(store: Store): PersonDataHolder {
  const membershipsOf = async (person: PersonRef) => {
    const memberships: (Membership & { profileId: string; audience: string })[] = [];
    for (const profileIds of personChunks(person.profileIds)) {
      const rows = await store.db
        .selectFrom('audience_members as m')
        .innerJoin('audiences as a', (join) =>
          join.onRef('a.workspace_id', '=', 'm.workspace_id').onRef('a.audience_id', '=', 'm.audience_id'),
        )
        .select(['m.profile_id', 'm.audience_id', 'a.name', 'm.entered_at', 'm.exited_at'])
        .where('m.workspace_id', '=', person.workspaceId)
        .where('m.profile_id', 'in', profileIds)
        .orderBy('m.entered_at')
        .execute();
      for (const row of rows)
        memberships.push({
          profileId: row.profile_id,
          audienceId: row.audience_id,
          audience: row.name,
          enteredAt: row.entered_at,
          exitedAt: row.exited_at,
        });
    }
    return memberships;
  };

  const erase = (db: Kysely<Database>, person: PersonRef) =>
    countPerChunk(person.profileIds, async (profileIds) => {
      const result = await db
        .deleteFrom('audience_members')
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', 'in', profileIds)
        .executeTakeFirst();
      return { audience_members: Number(result.numDeletedRows) };
    });

  return {
    domain: 'audiences',
    exportPerson: async (person) => ({ memberships: await membershipsOf(person) }),
    erasePerson: (person) => erase(store.db, person),

    async anonymizePerson(person, anonymousProfileId) {
      const byAudience = new Map<string, Membership>();
      for (const m of await membershipsOf(person)) {
        const kept = byAudience.get(m.audienceId);
        byAudience.set(m.audienceId, {
          audienceId: m.audienceId,
          enteredAt: kept && kept.enteredAt < m.enteredAt ? kept.enteredAt : m.enteredAt,
          exitedAt:
            kept === undefined
              ? m.exitedAt
              : kept.exitedAt === null || m.exitedAt === null
                ? null
                : later(kept.exitedAt, m.exitedAt),
        });
      }
      const kept = [...byAudience.values()];
      // One transaction: the counts never miss the person, nor count them twice.
      const removed = await writeTransaction(store, async (trx) => {
        const counts = await erase(trx, person);
        for (const chunk of personChunks(kept)) {
          await trx
            .insertInto('audience_members')
            .values(
              chunk.map((m) => ({
                workspace_id: person.workspaceId,
                audience_id: m.audienceId,
                profile_id: anonymousProfileId,
                entered_at: m.enteredAt,
                exited_at: m.exitedAt,
              })),
            )
            .execute();
        }
        return counts;
      });
      return { ...removed, audience_members_rekeyed: kept.length };
    },
  };
}

const later = (a: string, b: string) => (a > b ? a : b);
