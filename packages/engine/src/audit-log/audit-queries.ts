import type { AuditEntry, AuditLogQuery } from '@tandem/contract';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/index.js';
import type { AuditContent } from './audit-record.js';

export type AuditFilters = Omit<AuditLogQuery, 'limit' | 'cursor'>;

/** A bound of a time filter as stored text; a bare date `until` takes in that whole day. */
export function boundOf(value: string, end: boolean): string {
  const date = new Date(value);
  if (end && /^\d{4}-\d{2}-\d{2}$/.test(value)) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/** Entries matching the filters, newest first, after (below) `beforeSeq`. */
export function selectEntries(
  db: Kysely<Database>,
  workspaceId: string,
  filters: AuditFilters,
  options: { beforeSeq?: number | undefined; limit: number },
) {
  let query = db
    .selectFrom('audit_entries as e')
    .leftJoin('audit_contents as c', (join) =>
      join.onRef('c.workspace_id', '=', 'e.workspace_id').onRef('c.seq', '=', 'e.seq'),
    )
    .selectAll('e')
    .select(['c.profile_id', 'c.content', 'c.erased_at'])
    .where('e.workspace_id', '=', workspaceId);
  if (filters.actor) query = query.where('e.actor_id', '=', filters.actor);
  if (filters.action) query = query.where('e.action', '=', filters.action);
  if (filters.profileId) query = query.where('c.profile_id', '=', filters.profileId);
  if (filters.since) query = query.where('e.at', '>=', boundOf(filters.since, false));
  if (filters.until) query = query.where('e.at', '<', boundOf(filters.until, true));
  if (options.beforeSeq !== undefined) query = query.where('e.seq', '<', options.beforeSeq);
  return query.orderBy('e.seq', 'desc').limit(options.limit).execute();
}

/** An entry row with its content's columns (null where the content row is missing). */
type EntryRow = Selectable<Database['audit_entries']> & {
  profile_id: string | null;
  content: string | null;
  erased_at: string | null;
};

/** An entry as the API shows it, its content parsed (or null once erased). */
export function auditEntryOf(row: EntryRow): AuditEntry {
  const content = row.content === null ? null : (JSON.parse(row.content) as AuditContent);
  return {
    id: row.entry_id,
    seq: Number(row.seq),
    at: row.at,
    actorKind: row.actor_kind as AuditEntry['actorKind'], // written from the same union
    actorId: row.actor_id,
    action: row.action as AuditEntry['action'], // written from the same union
    method: row.method,
    route: row.route,
    status: Number(row.status),
    profileId: content?.profileId ?? null,
    entityIds: content ? { ...content.entityIds } : null,
    before: content?.before ?? null,
    after: content?.after ?? null,
    erased: row.erased_at !== null,
    hash: row.hash,
  };
}
