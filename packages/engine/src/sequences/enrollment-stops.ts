import type { SequenceSettings, StopReason } from '@tandem/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { settingsOf } from './sequence-definitions.js';

/** The setting that lets each automatic stop happen (a manual stop always does). */
const SETTING_OF: Readonly<Record<Exclude<StopReason, 'manual'>, keyof SequenceSettings>> = {
  replied: 'stopOnReply',
  company_replied: 'stopOnCompanyReply',
  meeting_booked: 'stopOnMeeting',
  unsubscribed: 'stopOnUnsubscribe',
  bounced: 'stopOnBounce',
};

/**
 * Stops the active enrollments of these people (rows under any of the given ids), in the
 * caller's transaction, where their sequence's settings ask for this reason (or `force`).
 * Returns the enrollments stopped.
 */
export async function stopEnrollmentsOf(
  db: Kysely<Database>,
  stop: {
    workspaceId: string;
    profileIds: readonly string[];
    reason: StopReason;
    now: string;
    /** Only this sequence's enrollments. */
    sequenceId?: string | undefined;
    /** Stop whatever the settings say (the enrollment the reply answered). */
    force?: boolean | undefined;
  },
): Promise<{ enrollmentId: string; profileId: string; sequenceId: string }[]> {
  if (stop.profileIds.length === 0) return [];
  let query = db
    .selectFrom('sequence_enrollments as e')
    .innerJoin('sequences as s', (join) =>
      join.onRef('s.workspace_id', '=', 'e.workspace_id').onRef('s.sequence_id', '=', 'e.sequence_id'),
    )
    .select(['e.enrollment_id', 'e.profile_id', 'e.sequence_id', 's.settings'])
    .where('e.workspace_id', '=', stop.workspaceId)
    .where('e.status', '=', 'active')
    .where('e.profile_id', 'in', [...stop.profileIds]);
  if (stop.sequenceId !== undefined) query = query.where('e.sequence_id', '=', stop.sequenceId);
  const candidates = await query.execute();
  const setting = stop.reason === 'manual' ? undefined : SETTING_OF[stop.reason];
  const stopped = candidates.filter(
    (row) => stop.force === true || setting === undefined || settingsOf(row.settings)[setting],
  );
  if (stopped.length === 0) return [];
  await db
    .updateTable('sequence_enrollments')
    .set({
      status: 'stopped',
      stop_reason: stop.reason,
      next_at: null,
      ended_at: stop.now,
      ...(stop.reason === 'replied' ? { replied_at: stop.now } : {}),
    })
    .where('workspace_id', '=', stop.workspaceId)
    .where('status', '=', 'active')
    .where(
      'enrollment_id',
      'in',
      stopped.map((row) => row.enrollment_id),
    )
    .execute();
  return stopped.map((row) => ({
    enrollmentId: row.enrollment_id,
    profileId: row.profile_id,
    sequenceId: row.sequence_id,
  }));
}
