import type { LifecycleStage } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { IdentityService } from '../../identity/index.js';
import { type Database, fromJson, toJson } from '../../store/index.js';

/** What the CRM keeps about a person (beyond the profile itself). */
export interface PersonRecord {
  ownerId: string | null;
  lifecycleStage: LifecycleStage | null;
  leadStatus: string | null;
  tags: string[];
  fields: Record<string, unknown>;
  updatedAt: string | null;
}

export const EMPTY_RECORD: PersonRecord = {
  ownerId: null,
  lifecycleStage: null,
  leadStatus: null,
  tags: [],
  fields: {},
  updatedAt: null,
};

type Row = Database['crm_people'];

/**
 * A live profile's CRM record. Records stay under the profile id they were written for; the
 * live profile's view folds in those of profiles merged into it that it has not folded in yet
 * (its own values win, the merged ones fill gaps, tags add up), so an unmerge gives each
 * profile its own record back.
 */
export async function personRecordOf(
  db: Kysely<Database>,
  identity: IdentityService,
  workspaceId: string,
  liveId: string,
): Promise<{ record: PersonRecord; mergedIds: string[] }> {
  const ids = await identity.mergedIdsOf(workspaceId, liveId, db);
  const rows = await db
    .selectFrom('crm_people')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', ids)
    .execute();
  return { record: combinedRecord(liveId, rows), mergedIds: ids.slice(1) };
}

/** The view of a live profile from its own row and those of profiles merged into it. */
export function combinedRecord(liveId: string, rows: readonly Row[]): PersonRecord {
  const own = rows.find((row) => row.profile_id === liveId);
  const absorbed = new Set(own ? fromJson<string[]>(own.absorbed) : []);
  const others = rows
    .filter((row) => row.profile_id !== liveId && !absorbed.has(row.profile_id))
    .sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1));
  const record: PersonRecord = own ? recordOf(own) : { ...EMPTY_RECORD, tags: [], fields: {} };
  for (const other of others.map(recordOf)) {
    record.ownerId ??= other.ownerId;
    record.lifecycleStage ??= other.lifecycleStage;
    record.leadStatus ??= other.leadStatus;
    record.tags = [...new Set([...record.tags, ...other.tags])];
    record.fields = { ...other.fields, ...record.fields };
    if (record.updatedAt === null || (other.updatedAt ?? '') > record.updatedAt)
      record.updatedAt = other.updatedAt;
  }
  return record;
}

function recordOf(row: Row): PersonRecord {
  return {
    ownerId: row.owner_id,
    lifecycleStage: row.lifecycle_stage as LifecycleStage | null, // written from the contract's enum
    leadStatus: row.lead_status,
    tags: fromJson<string[]>(row.tags),
    fields: fromJson<Record<string, unknown>>(row.fields),
    updatedAt: row.updated_at,
  };
}

/** Writes a live profile's whole record, folding in the records of `mergedIds` for good. */
export async function writePersonRecord(
  db: Kysely<Database>,
  input: {
    workspaceId: string;
    profileId: string;
    record: PersonRecord;
    mergedIds: readonly string[];
    at: string;
  },
): Promise<void> {
  const { workspaceId, profileId, record, at } = input;
  const values = {
    owner_id: record.ownerId,
    lifecycle_stage: record.lifecycleStage,
    lead_status: record.leadStatus,
    tags: toJson(record.tags),
    fields: toJson(record.fields),
    absorbed: toJson([...input.mergedIds]),
    updated_at: at,
  };
  await db
    .insertInto('crm_people')
    .values({ workspace_id: workspaceId, profile_id: profileId, ...values, created_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'profile_id']).doUpdateSet(values))
    .execute();
}
