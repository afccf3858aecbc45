import type { Kysely } from 'kysely';
import { type Database, unindexedWorkspaceId } from '../store/index.js';

/** Which events a deletion by scope removes: any combination of a source, an event name, a time range. */
export interface EventScope {
  readonly sourceId?: string | undefined;
  readonly event?: string | undefined;
  /** Events that happened at or after (ISO 8601). */
  readonly from?: string | undefined;
  /** Events that happened before (ISO 8601). */
  readonly to?: string | undefined;
}

/** Up to `limit` seqs of the workspace's events in the scope, lowest first. */
export async function eventSeqsInScope(
  db: Kysely<Database>,
  workspaceId: string,
  scope: EventScope,
  limit: number,
): Promise<number[]> {
  let query = db
    .selectFrom('events')
    .select('seq')
    .where('workspace_id', '=', workspaceId)
    .orderBy('seq')
    .limit(limit);
  if (scope.sourceId !== undefined) query = query.where('source_id', '=', scope.sourceId);
  if (scope.event !== undefined) query = query.where('event', '=', scope.event);
  // Timestamps are stored as UTC ISO text: compared as text, in the same form.
  if (scope.from !== undefined) query = query.where('timestamp', '>=', new Date(scope.from).toISOString());
  if (scope.to !== undefined) query = query.where('timestamp', '<', new Date(scope.to).toISOString());
  return (await query.execute()).map((row) => Number(row.seq));
}

/** Removes these events of the workspace from the log; resolves to how many there were. */
export async function deleteEvents(db: Kysely<Database>, workspaceId: string, seqs: readonly number[]) {
  let deleted = 0;
  for (let start = 0; start < seqs.length; start += 1000) {
    const result = await db
      .deleteFrom('events')
      .where('seq', 'in', seqs.slice(start, start + 1000))
      .where(unindexedWorkspaceId, '=', workspaceId)
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}
