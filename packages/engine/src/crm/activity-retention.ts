import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Removes up to `limit` CRM activities (notes, calls, logged emails) that occurred before
 * `before`, oldest first; retention calls it a batch at a time. Returns how many went.
 */
export async function removeActivitiesBefore(
  db: Kysely<Database>,
  options: { workspaceId: string; before: string; limit: number },
): Promise<number> {
  const old = await db
    .selectFrom('crm_activities')
    .select('activity_id')
    .where('workspace_id', '=', options.workspaceId)
    .where('occurred_at', '<', options.before)
    .orderBy('occurred_at')
    .limit(options.limit)
    .execute();
  if (old.length === 0) return 0;
  await db
    .deleteFrom('crm_activities')
    .where('workspace_id', '=', options.workspaceId)
    .where(
      'activity_id',
      'in',
      old.map((activity) => activity.activity_id),
    )
    .execute();
  return old.length;
}
