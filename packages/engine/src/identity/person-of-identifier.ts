import type { Kysely } from 'kysely';
import type { PersonIdentifier, PersonRef } from '../person-data/index.js';
import type { Database } from '../store/index.js';
import { chunksOf, identifiersOf } from './identity-tables.js';

/**
 * The live profile an identifier resolves to (following merges), or null when identity does not
 * know it. `profile_id` names a profile directly; emails match case-insensitively.
 */
export async function profileOfIdentifier(
  db: Kysely<Database>,
  workspaceId: string,
  identifier: PersonIdentifier,
): Promise<string | null> {
  let profileId: string | null = null;
  if (identifier.type === 'profile_id') {
    profileId = identifier.value;
  } else {
    const value =
      identifier.type === 'email' ? identifier.value.trim().toLowerCase() : identifier.value.trim();
    const found = await db
      .selectFrom('profile_identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', identifier.type)
      .where('value', '=', value)
      .executeTakeFirst();
    profileId = found?.profile_id ?? null;
  }
  // A merged-away profile resolves to its survivor (a chain, when survivors were merged again).
  for (let hops = 0; profileId !== null && hops < 100; hops += 1) {
    const profile = await db
      .selectFrom('profiles')
      .select('merged_into')
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .executeTakeFirst();
    if (!profile) return identifier.type === 'profile_id' && hops === 0 ? null : profileId;
    if (profile.merged_into === null) return profileId;
    profileId = profile.merged_into;
  }
  return profileId;
}

/**
 * The person a live profile is: it, every profile ever merged into it (merges undone or not, as
 * their events may still be its), and every identifier ever linked to any of them.
 */
export async function personOfProfile(
  db: Kysely<Database>,
  workspaceId: string,
  profileId: string,
): Promise<PersonRef> {
  const profileIds = new Set([profileId]);
  let frontier = [profileId];
  const identifiers = new Map<string, PersonIdentifier>();
  const add = (identifier: PersonIdentifier) =>
    identifiers.set(`${identifier.type}\u0000${identifier.value}`, {
      type: identifier.type,
      value: identifier.value,
    });
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const chunk of chunksOf(frontier)) {
      const merged = await db
        .selectFrom('profile_merges')
        .select(['profile_id', 'identifiers'])
        .where('workspace_id', '=', workspaceId)
        .where('survivor_id', 'in', chunk)
        .execute();
      const pointing = await db
        .selectFrom('profiles')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('merged_into', 'in', chunk)
        .execute();
      for (const merge of merged) for (const identifier of identifiersOf(merge.identifiers)) add(identifier);
      for (const { profile_id } of [...merged, ...pointing]) {
        if (!profileIds.has(profile_id)) {
          profileIds.add(profile_id);
          next.push(profile_id);
        }
      }
    }
    frontier = next;
  }
  for (const chunk of chunksOf([...profileIds])) {
    const linked = await db
      .selectFrom('profile_identifiers')
      .select(['type', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', chunk)
      .execute();
    for (const identifier of linked) add(identifier);
  }
  return { workspaceId, profileIds: [...profileIds], identifiers: [...identifiers.values()] };
}

// Seqs read per statement: a heavy person's events are read in pages, the event loop let go
// between them (one read of them all would hold it, answering no request meanwhile).
const SEQ_PAGE = 5000;

/** The seqs of the log's events attributed to these profiles. */
export async function eventSeqsOfProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<number[]> {
  const seqs: number[] = [];
  for (const profileId of new Set(profileIds)) {
    // Pages in the order of the (workspace, profile, timestamp, seq) index.
    let after: { timestamp: string; seq: number } | undefined;
    for (;;) {
      let page = db
        .selectFrom('profile_events')
        .select(['seq', 'timestamp'])
        .where('workspace_id', '=', workspaceId)
        .where('profile_id', '=', profileId);
      if (after !== undefined) {
        const { timestamp, seq } = after;
        page = page.where((eb) =>
          eb.or([
            eb('timestamp', '>', timestamp),
            eb.and([eb('timestamp', '=', timestamp), eb('seq', '>', seq)]),
          ]),
        );
      }
      const rows = await page.orderBy('timestamp').orderBy('seq').limit(SEQ_PAGE).execute();
      for (const row of rows) seqs.push(Number(row.seq));
      const last = rows.at(-1);
      if (rows.length < SEQ_PAGE || last === undefined) break;
      after = { timestamp: last.timestamp, seq: Number(last.seq) };
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return seqs;
}
