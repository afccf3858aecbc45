import type { RetentionPolicies } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/** What a policy applies to; `events` policies carry an event name ('' for all others). */
export type RetentionKind = 'events' | 'crm_activities' | 'closed_tickets' | 'audit_log';

const SINGLE_KINDS = [
  ['crm_activities', 'crmActivitiesDays'],
  ['closed_tickets', 'closedTicketsDays'],
  ['audit_log', 'auditLogDays'],
] as const;

/** A workspace's policies (none set: everything is kept). */
export async function policiesOf(db: Kysely<Database>, workspaceId: string): Promise<RetentionPolicies> {
  const rows = await db
    .selectFrom('retention_policies')
    .select(['kind', 'event_name', 'days'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('kind')
    .orderBy('event_name')
    .execute();
  const daysOf = (kind: RetentionKind) => {
    const row = rows.find((policy) => policy.kind === kind);
    return row ? Number(row.days) : null;
  };
  return {
    // Named events first, the default for all others last (as the settings page lists them).
    events: rows
      .filter((row) => row.kind === 'events')
      .sort((a, b) => Number(a.event_name === '') - Number(b.event_name === ''))
      .map((row) => ({ event: row.event_name === '' ? null : row.event_name, days: Number(row.days) })),
    crmActivitiesDays: daysOf('crm_activities'),
    closedTicketsDays: daysOf('closed_tickets'),
    auditLogDays: daysOf('audit_log'),
  };
}

/** Replaces a workspace's policies with these. */
export async function savePolicies(
  db: Kysely<Database>,
  workspaceId: string,
  policies: RetentionPolicies,
  now: string,
): Promise<void> {
  await db.deleteFrom('retention_policies').where('workspace_id', '=', workspaceId).execute();
  const rows = [
    ...policies.events.map((policy) => ({
      kind: 'events',
      eventName: policy.event ?? '',
      days: policy.days,
    })),
    ...SINGLE_KINDS.flatMap(([kind, key]) => {
      const days = policies[key];
      return days === null ? [] : [{ kind, eventName: '', days }];
    }),
  ];
  if (rows.length === 0) return;
  await db
    .insertInto('retention_policies')
    .values(
      rows.map((row) => ({
        workspace_id: workspaceId,
        kind: row.kind,
        event_name: row.eventName,
        days: row.days,
        updated_at: now,
      })),
    )
    .execute();
}

/** Workspaces with at least one policy: the ones the hourly run visits. */
export async function workspacesWithPolicies(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('retention_policies')
    .select('workspace_id')
    .distinct()
    .orderBy('workspace_id')
    .execute();
  return rows.map((row) => row.workspace_id);
}
