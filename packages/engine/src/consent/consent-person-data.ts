import type { Kysely, Selectable } from 'kysely';
import { chunksOf } from '../identity/index.js';
import type { PersonDataCounts, PersonDataHolder, PersonRef } from '../person-data/index.js';
import type { Database, Store } from '../store/index.js';
import { forgetFlips } from './consent-changes.js';
import { decisionOf } from './consent-history.js';

/**
 * The consent domain's share of a person: each profile's current state per purpose, and every
 * decision with its source and proof (what shows the person consented, exported with them).
 * Decisions are found by the profile they are on and by the one they were recorded for. Flips
 * waiting for destinations are erased too (not exported: they repeat the decisions).
 */
export function consentPersonData(store: Store): PersonDataHolder {
  return {
    domain: 'consent',
    async exportPerson(person) {
      const { db } = store;
      const states = [];
      // By id: a decision on one profile recorded for another may be found through both.
      const decisions = new Map<string, Selectable<Database['consent_decisions']>>();
      for (const chunk of chunksOf([...person.profileIds])) {
        states.push(
          ...(await db
            .selectFrom('consent_states')
            .select(['profile_id', 'purpose', 'granted', 'decided_at'])
            .where('workspace_id', '=', person.workspaceId)
            .where('profile_id', 'in', chunk)
            .orderBy('profile_id')
            .orderBy('purpose')
            .execute()),
        );
        for (const row of await decisionsOf(db, person, chunk)) decisions.set(row.decision_id, row);
      }
      return {
        states: states.map((state) => ({
          profileId: state.profile_id,
          purpose: state.purpose,
          granted: Number(state.granted) === 1,
          decidedAt: state.decided_at,
        })),
        history: [...decisions.values()]
          .sort((a, b) => (a.decided_at < b.decided_at ? -1 : a.decided_at > b.decided_at ? 1 : 0))
          .map((row) => ({ ...decisionOf(row), profileId: row.profile_id })),
      };
    },
    async erasePerson(person) {
      return eraseConsent(store.db, person);
    },
  };
}

async function decisionsOf(db: Kysely<Database>, person: PersonRef, profileIds: readonly string[]) {
  return db
    .selectFrom('consent_decisions')
    .selectAll()
    .where('workspace_id', '=', person.workspaceId)
    .where((eb) => eb.or([eb('profile_id', 'in', profileIds), eb('origin_profile_id', 'in', profileIds)]))
    .execute();
}

async function eraseConsent(db: Kysely<Database>, person: PersonRef): Promise<PersonDataCounts> {
  let decisions = 0;
  let states = 0;
  for (const chunk of chunksOf([...person.profileIds])) {
    const removedDecisions = await db
      .deleteFrom('consent_decisions')
      .where('workspace_id', '=', person.workspaceId)
      .where((eb) => eb.or([eb('profile_id', 'in', chunk), eb('origin_profile_id', 'in', chunk)]))
      .executeTakeFirst();
    decisions += Number(removedDecisions.numDeletedRows);
    const removedStates = await db
      .deleteFrom('consent_states')
      .where('workspace_id', '=', person.workspaceId)
      .where('profile_id', 'in', chunk)
      .executeTakeFirst();
    states += Number(removedStates.numDeletedRows);
  }
  const changes = await forgetFlips(db, person.workspaceId, person.profileIds);
  return { consent_decisions: decisions, consent_states: states, consent_changes: changes };
}
