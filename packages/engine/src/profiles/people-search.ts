import { SUMMARY_FIRST_TRAITS } from '@tandem/contract';
import { sql } from 'kysely';
import type { IdentityService } from '../identity/index.js';
import { type PrefixLookup, prefixLookupSql, type Store } from '../store/index.js';

/** Traits that name a person, searched by global search (with the email identifier). */
export const PERSON_NAME_TRAITS: readonly string[] = SUMMARY_FIRST_TRAITS;

/** A person global search found: what to show, and the texts of them that can match. */
export interface PersonMatch {
  readonly id: string;
  readonly title: string;
  readonly subtitle: string | null;
  readonly texts: readonly string[];
}

/**
 * People whose name traits or email identifiers match any of `lookups` (indexed prefix probes
 * of lower-cased text), at most `limit` per probe and source, live profiles only.
 */
export function peopleSearch(store: Store, identity: IdentityService) {
  return async (
    workspaceId: string,
    request: { lookups: readonly PrefixLookup[]; limit: number },
  ): Promise<PersonMatch[]> => {
    const probes = request.lookups.flatMap((lookup) => [
      store.db
        .selectFrom('profile_traits')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where((eb) =>
          prefixLookupSql(eb.ref('value_text'), lookup, { table: 'profile_traits', workspaceId }),
        )
        // Not indexable on purpose: the probe must run on the text index, never on the index by
        // trait name (which would read every name trait of the workspace).
        .where(sql<string>`name || ''`, 'in', PERSON_NAME_TRAITS)
        .limit(request.limit)
        .execute()
        .then((rows) => rows.map((row) => row.profile_id)),
      identity
        .identifiersMatching(workspaceId, { type: 'email', lookup, limit: request.limit })
        .then((found) => found.map((identifier) => identifier.profileId)),
    ]);
    const ids = [...new Set((await Promise.all(probes)).flat())];
    if (ids.length === 0) return [];
    return describePeople(store, identity, workspaceId, ids);
  };
}

async function describePeople(
  store: Store,
  identity: IdentityService,
  workspaceId: string,
  candidateIds: readonly string[],
): Promise<PersonMatch[]> {
  const [live, traits, identities] = await Promise.all([
    store.db
      .selectFrom('profiles')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', candidateIds)
      .where('merged_into', 'is', null)
      .execute(),
    store.db
      .selectFrom('profile_traits')
      .select(['profile_id', 'name', 'value_text', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', candidateIds)
      .where('name', 'in', PERSON_NAME_TRAITS)
      .execute(),
    identity.identitiesOf(workspaceId, candidateIds),
  ]);
  const namesOf = new Map<string, Map<string, string>>();
  for (const trait of traits) {
    const display = displayText(trait.value);
    if (display === undefined) continue;
    const names = namesOf.get(trait.profile_id) ?? new Map<string, string>();
    names.set(trait.name, display);
    namesOf.set(trait.profile_id, names);
  }
  return live.map(({ profile_id: id }) => {
    const names = namesOf.get(id) ?? new Map<string, string>();
    const emails = (identities.get(id) ?? []).filter((i) => i.type === 'email').map((i) => i.value);
    const first = names.get('first_name') ?? names.get('firstName');
    const last = names.get('last_name') ?? names.get('lastName');
    const fullName = names.get('name') ?? ([first, last].filter(Boolean).join(' ') || undefined);
    const email = emails[0] ?? names.get('email') ?? null;
    return {
      id,
      title: fullName ?? email ?? id,
      subtitle: fullName === undefined ? null : email,
      texts: [...names.values(), ...emails, ...(fullName ? [fullName] : [])],
    };
  });
}

function displayText(json: string): string | undefined {
  const value: unknown = JSON.parse(json);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
