import type { Engine } from '../engine.js';
import type { PersonDataHolder, PersonRef } from '../person-data/index.js';
import type { Database } from '../store/index.js';

/** A person as privacy requests hand them to holders: their profile and its identifiers. */
export async function personRefOf(
  engine: Engine,
  workspaceId: string,
  profileId: string,
): Promise<PersonRef> {
  const identities = await engine.identity.identitiesOf(workspaceId, [profileId]);
  return { workspaceId, profileIds: [profileId], identifiers: identities.get(profileId) ?? [] };
}

/** The engine's holder of one domain (fails the test when the engine does not register it). */
export function holderOf(engine: Engine, domain: string): PersonDataHolder {
  const holder = engine.personData.find((h) => h.domain === domain);
  if (!holder) throw new Error(`no person data holder for ${domain}`);
  return holder;
}

/**
 * The rows of a workspace's table whose text (every column, JSON included) contains one of the
 * needles: what must be gone after an erasure, and what must still be there for someone else.
 */
export async function rowsMentioning(
  engine: Engine,
  workspaceId: string,
  table: keyof Database,
  needles: readonly string[],
): Promise<number> {
  const rows = await engine.store.db
    .selectFrom(table)
    .selectAll()
    // Every table carries workspace_id; the generic select cannot prove it to the compiler.
    .where('workspace_id' as never, '=', workspaceId as never)
    .execute();
  const lowered = needles.map((needle) => needle.toLowerCase());
  return rows.filter((row) => {
    const text = JSON.stringify(row).toLowerCase();
    return lowered.some((needle) => text.includes(needle));
  }).length;
}
