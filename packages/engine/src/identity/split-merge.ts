import type { StoredEvent } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.js';
import { eventsBySeq } from '../log/index.js';
import { type Database, nowIso } from '../store/index.js';
import { type Identifier, identifiersOfEvent } from './identifiers-of-event.js';
import { identifierKey } from './identity-graph.js';
import type { IdentityService } from './identity-service.js';
import { identifiersOf } from './identity-tables.js';

/** The two profiles of an undone merge, each with the events that are now its own. */
export interface SplitProfiles {
  readonly survivorId: string;
  readonly restoredId: string;
  readonly survivorEvents: StoredEvent[];
  readonly restoredEvents: StoredEvent[];
}

/**
 * Undoes a merge in the identity graph: the merged profile gets back the identifiers it brought
 * and the events that name only those, and the two are separated so they never merge again.
 * Costs the survivor's events (read back from the log), not the database.
 */
export async function splitMerge(
  db: Kysely<Database>,
  identity: IdentityService,
  input: { workspaceId: string; profileId: string; mergeId: string },
): Promise<SplitProfiles> {
  const { workspaceId, mergeId } = input;
  const merge = await db
    .selectFrom('profile_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('merge_id', '=', mergeId)
    .executeTakeFirst();
  if (!merge) throw new AppError('not_found', `Merge ${mergeId} not found`);
  if (merge.undone_at !== null) throw new AppError('conflict', `Merge ${mergeId} was already undone`);
  const survivorId = await identity.resolveProfileId(workspaceId, merge.survivor_id, db);
  const askedFor = await identity.resolveProfileId(workspaceId, input.profileId, db);
  if (survivorId === undefined || askedFor !== survivorId) {
    throw new AppError('not_found', `Merge ${mergeId} is not a merge of profile ${input.profileId}`);
  }
  const restoredId = merge.profile_id;

  const brought = identifiersOf(merge.identifiers);
  for (const { type, value } of brought) {
    await db
      .updateTable('profile_identifiers')
      .set({ profile_id: restoredId })
      .where('workspace_id', '=', workspaceId)
      .where('value', '=', value)
      .where('type', '=', type)
      .where('profile_id', '=', survivorId)
      .execute();
  }
  // Ids merged into the restored profile before resolve to it again.
  await db
    .updateTable('profiles')
    .set({ merged_into: restoredId })
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', survivorId)
    .where('profile_id', 'in', (eb) =>
      eb
        .selectFrom('profile_merges')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('survivor_id', '=', restoredId)
        .where('undone_at', 'is', null),
    )
    .execute();

  const { survivorEvents, restoredEvents } = await reattributeEvents(db, identity, {
    workspaceId,
    survivorId,
    restoredId,
    brought,
  });
  const now = nowIso();
  for (const [profileId, events] of [
    [survivorId, survivorEvents],
    [restoredId, restoredEvents],
  ] as const) {
    await db
      .updateTable('profiles')
      .set({ merged_into: null, event_count: events.length, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', profileId)
      .execute();
  }
  await db
    .updateTable('profile_merges')
    .set({ undone_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('merge_id', '=', mergeId)
    .execute();
  await separate(db, identity, { workspaceId, mergeId, survivorId, restoredId, now });
  return { survivorId, restoredId, survivorEvents, restoredEvents };
}

/** Events naming only the restored side's identifiers move back to it; the rest stay. */
async function reattributeEvents(
  db: Kysely<Database>,
  identity: IdentityService,
  split: { workspaceId: string; survivorId: string; restoredId: string; brought: Identifier[] },
) {
  const { workspaceId, survivorId, restoredId } = split;
  const rules = await identity.rules(workspaceId, db);
  const restoredKeys = new Set(split.brought.map((i) => identifierKey(i.type, i.value)));
  const kept = await db
    .selectFrom('profile_identifiers')
    .select(['type', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', survivorId)
    .execute();
  const survivorKeys = new Set(kept.map((i) => identifierKey(i.type, i.value)));
  const seqs = await db
    .selectFrom('profile_events')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', survivorId)
    .execute();
  const events = await eventsBySeq(
    db,
    workspaceId,
    seqs.map((row) => Number(row.seq)),
  );
  const survivorEvents: StoredEvent[] = [];
  const restoredEvents: StoredEvent[] = [];
  for (const event of events) {
    const found = identifiersOfEvent(event, rules);
    const keys = found.identifiers.map((i) => identifierKey(i.type, i.value));
    if (found.previousId !== null) {
      keys.push(identifierKey('anonymous_id', found.previousId), identifierKey('user_id', found.previousId));
    }
    const restored = keys.some((key) => restoredKeys.has(key)) && !keys.some((key) => survivorKeys.has(key));
    (restored ? restoredEvents : survivorEvents).push(event);
  }
  for (let start = 0; start < restoredEvents.length; start += 1000) {
    await db
      .updateTable('profile_events')
      .set({ profile_id: restoredId })
      .where('workspace_id', '=', workspaceId)
      .where(
        'seq',
        'in',
        restoredEvents.slice(start, start + 1000).map((e) => e.seq),
      )
      .execute();
  }
  return { survivorEvents, restoredEvents };
}

/** Records that the two profiles' most trusted identifiers must never be in one profile again. */
async function separate(
  db: Kysely<Database>,
  identity: IdentityService,
  split: { workspaceId: string; mergeId: string; survivorId: string; restoredId: string; now: string },
) {
  const identities = await identity.identitiesOf(split.workspaceId, [split.survivorId, split.restoredId], db);
  const a = identities.get(split.survivorId)?.[0];
  const b = identities.get(split.restoredId)?.[0];
  if (!a || !b) return;
  await db
    .insertInto('identity_separations')
    .values({
      workspace_id: split.workspaceId,
      merge_id: split.mergeId,
      type_a: a.type,
      value_a: a.value,
      type_b: b.type,
      value_b: b.value,
      created_at: split.now,
    })
    .execute();
}
