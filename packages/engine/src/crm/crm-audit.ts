import type { Kysely } from 'kysely';
import { newId } from '../ids/index.js';
import { type Database, fromJson, toJson } from '../store/index.js';

/** One CRM write: who changed which record, when, and what it was before and after. */
export interface CrmAuditEntry {
  readonly workspaceId: string;
  readonly actorId: string | null;
  /** `person`, `company`, `deal`, `pipeline`, `activity`, `task`, `custom_field`, … */
  readonly entityType: string;
  readonly entityId: string;
  /** `create`, `update`, `delete`, `merge`, `assign`, … */
  readonly action: string;
  readonly profileId?: string | null | undefined;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly at: string;
}

export interface CrmAuditRecord extends CrmAuditEntry {
  readonly auditId: string;
}

/** Audit rows per INSERT: their bound parameters stay under both engines' limits. */
const ROWS_PER_INSERT = 500;

/**
 * Records CRM writes in the caller's transaction (the trail commits with the change), however
 * many: a bulk change (a member's records handed over) is written a slice at a time.
 */
export async function recordCrmAudit(db: Kysely<Database>, entries: readonly CrmAuditEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += ROWS_PER_INSERT)
    await insertAuditRows(db, entries.slice(start, start + ROWS_PER_INSERT));
}

async function insertAuditRows(db: Kysely<Database>, entries: readonly CrmAuditEntry[]): Promise<void> {
  await db
    .insertInto('crm_audit')
    .values(
      entries.map((entry) => ({
        workspace_id: entry.workspaceId,
        audit_id: newId('auditEntry'),
        actor_id: entry.actorId,
        entity_type: entry.entityType,
        entity_id: entry.entityId,
        action: entry.action,
        profile_id: entry.profileId ?? null,
        before: entry.before === undefined ? null : toJson(entry.before),
        after: entry.after === undefined ? null : toJson(entry.after),
        at: entry.at,
      })),
    )
    .execute();
}

/** A record's audit trail, newest first. */
export async function crmAuditOf(
  db: Kysely<Database>,
  options: { workspaceId: string; entityType: string; entityId: string; limit?: number | undefined },
): Promise<CrmAuditRecord[]> {
  const rows = await db
    .selectFrom('crm_audit')
    .selectAll()
    .where('workspace_id', '=', options.workspaceId)
    .where('entity_type', '=', options.entityType)
    .where('entity_id', '=', options.entityId)
    .orderBy('audit_id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    workspaceId: row.workspace_id,
    auditId: row.audit_id,
    actorId: row.actor_id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    action: row.action,
    profileId: row.profile_id,
    before: row.before === null ? undefined : fromJson(row.before),
    after: row.after === null ? undefined : fromJson(row.after),
    at: row.at,
  }));
}
