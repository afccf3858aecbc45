import type { Kysely } from 'kysely';
import { type IdentityService, liveProfilesOf } from '../../identity/index.js';
import { newId } from '../../ids/index.js';
import type { Database } from '../../store/index.js';
import { recordCrmAudit } from '../crm-audit.js';
import type { CrmEvents } from '../crm-events.js';
import { appendTraitsOfProfilesWithin } from './person-calls.js';
import { personChangeEvents } from './person-changes.js';
import { EMPTY_RECORD, personRecordOf } from './person-records.js';

/** People handed over per audit and log write (bound parameters stay under both engines' limits). */
const CHUNK = 500;

/**
 * The live people whose owner is `userId`, and the CRM rows naming them as owner. A row kept
 * under a live profile speaks for it; one under a profile merged away does only when the live
 * person's view falls back to it (their own record names no owner), checked one by one (rare).
 */
export async function peopleOwnedBy(
  db: Kysely<Database>,
  identity: IdentityService,
  owner: { workspaceId: string; userId: string },
): Promise<{ people: string[]; rows: number }> {
  const { workspaceId, userId } = owner;
  const rows = await db
    .selectFrom('crm_people')
    .select('profile_id')
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', '=', userId)
    .execute();
  const live = await liveProfilesOf(
    db,
    workspaceId,
    rows.map((row) => row.profile_id),
  );
  const people = new Set<string>();
  const throughMerged = new Set<string>();
  for (const [profileId, liveId] of live) {
    if (profileId === liveId) people.add(liveId);
    else throughMerged.add(liveId);
  }
  for (const liveId of throughMerged) {
    if (people.has(liveId)) continue;
    const { record } = await personRecordOf(db, identity, workspaceId, liveId);
    if (record.ownerId === userId) people.add(liveId);
  }
  return { people: [...people], rows: rows.length };
}

/**
 * Every user id named as owner by the workspace's CRM rows: those who may own people. A row
 * under a profile merged away may not speak for its person; `peopleOwnedBy` tells.
 */
export async function peopleOwnerIds(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('crm_people')
    .select('owner_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.owner_id === null ? [] : [row.owner_id]));
}

/**
 * Gives every record `from` owns to `to` in the caller's transaction: one update of the rows,
 * then per person what an owner change by hand leaves (`Owner Changed` on their timeline, the
 * CRM audit trail, the `crm_owner_id` trait), in bulk. Answers how many people changed owner.
 */
export async function handOverPeopleWithin(
  trx: Kysely<Database>,
  deps: { identity: IdentityService; crmEvents: CrmEvents },
  handOver: { workspaceId: string; from: string; to: string; actorId: string | null; at: string },
): Promise<number> {
  const { workspaceId, from, to, actorId, at } = handOver;
  const owned = await peopleOwnedBy(trx, deps.identity, { workspaceId, userId: from });
  if (owned.rows === 0) return 0;
  await trx
    .updateTable('crm_people')
    .set({ owner_id: to, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', '=', from)
    .execute();
  const before = { ...EMPTY_RECORD, ownerId: from };
  const after = { ...EMPTY_RECORD, ownerId: to };
  for (let start = 0; start < owned.people.length; start += CHUNK) {
    // One change id per person: it names their events, which the log keeps once per message id.
    const people = owned.people.slice(start, start + CHUNK).map((profileId) => ({
      profileId,
      changeId: newId('auditEntry'),
    }));
    await recordCrmAudit(
      trx,
      people.map(({ profileId }) => ({
        workspaceId,
        actorId,
        entityType: 'person',
        entityId: profileId,
        action: 'update',
        profileId,
        before: { ownerId: from },
        after: { ownerId: to },
        at,
      })),
    );
    await deps.crmEvents.appendWithin(
      trx,
      people.flatMap(({ profileId, changeId }) =>
        personChangeEvents(before, after, { workspaceId, profileId, actorId, at, changeId }),
      ),
    );
    await appendTraitsOfProfilesWithin(trx, deps, {
      workspaceId,
      at,
      changes: people.map(({ profileId, changeId }) => ({
        profileId,
        traits: { crm_owner_id: to },
        messageId: `person-${changeId}-traits`,
      })),
    });
  }
  return owned.people.length;
}
