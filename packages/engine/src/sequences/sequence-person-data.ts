import { chunksOf } from '../identity/index.js';
import {
  isPersonsRow,
  type PersonDataCounts,
  type PersonDataHolder,
  PersonDataTally,
  type PersonRef,
} from '../person-data/index.js';
import type { Store } from '../store/index.js';

/**
 * Sequences' share of a person: their enrollments (with the address mail went to, the reply
 * token and when they replied) and the steps run for them. The emails and tasks those steps
 * made are email's and the CRM's, erased there.
 */
export class SequencePersonData implements PersonDataHolder {
  readonly domain = 'sequences';

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async exportPerson(person: PersonRef): Promise<unknown> {
    const { db } = this.store;
    const enrollments = await db
      .selectFrom('sequence_enrollments as enrollment')
      .innerJoin('sequences as sequence', (join) =>
        join
          .onRef('sequence.workspace_id', '=', 'enrollment.workspace_id')
          .onRef('sequence.sequence_id', '=', 'enrollment.sequence_id'),
      )
      .select([
        'enrollment.enrollment_id',
        'sequence.name',
        'enrollment.email',
        'enrollment.status',
        'enrollment.stop_reason',
        'enrollment.current_step',
        'enrollment.replied_at',
        'enrollment.enrolled_at',
        'enrollment.ended_at',
      ])
      .where('enrollment.workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'enrollment.profile_id', email: 'enrollment.email' }))
      .orderBy('enrollment.enrolled_at')
      .execute();
    const steps: {
      enrollment_id: string;
      step_index: number;
      kind: string;
      status: string;
      ran_at: string;
    }[] = [];
    for (const chunk of chunksOf(enrollments.map((e) => e.enrollment_id)))
      steps.push(
        ...(await db
          .selectFrom('sequence_step_runs')
          .select(['enrollment_id', 'step_index', 'kind', 'status', 'ran_at'])
          .where('workspace_id', '=', person.workspaceId)
          .where('enrollment_id', 'in', chunk)
          .orderBy('step_index')
          .execute()),
      );
    return {
      enrollments: enrollments.map((e) => ({
        sequence: e.name,
        email: e.email,
        status: e.status,
        stopReason: e.stop_reason,
        currentStep: e.current_step,
        repliedAt: e.replied_at,
        enrolledAt: e.enrolled_at,
        endedAt: e.ended_at,
        steps: steps
          .filter((s) => s.enrollment_id === e.enrollment_id)
          .map((s) => ({ step: s.step_index + 1, kind: s.kind, status: s.status, ranAt: s.ran_at })),
      })),
    };
  }

  async erasePerson(person: PersonRef): Promise<PersonDataCounts> {
    const { db } = this.store;
    const tally = new PersonDataTally();
    const enrollmentIds = await this.enrollmentIdsOf(person);
    await tally.inChunks(
      ['sequence_step_runs', 'sequence_enrollments'] as const,
      enrollmentIds,
      (table, chunk) =>
        db
          .deleteFrom(table)
          .where('workspace_id', '=', person.workspaceId)
          .where('enrollment_id', 'in', chunk)
          .executeTakeFirst(),
    );
    // Step runs recorded under a profile id whose enrollment is already gone.
    tally.add(
      'sequence_step_runs',
      await db
        .deleteFrom('sequence_step_runs')
        .where('workspace_id', '=', person.workspaceId)
        .where(isPersonsRow(person, { profileId: 'profile_id' }))
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  /**
   * Keeps the enrollments for the sequence report (enrolled, finished, stopped, replied, steps
   * run) under the anonymous profile, without the address; an active one is stopped by hand
   * first, so nothing more is sent or assigned about someone no longer known.
   */
  async anonymizePerson(person: PersonRef, anonymousProfileId: string): Promise<PersonDataCounts> {
    const { db } = this.store;
    const tally = new PersonDataTally();
    const endedAt = new Date(this.clock()).toISOString();
    const enrollmentIds = await this.enrollmentIdsOf(person);
    await tally.inChunks(['sequence_enrollments'], enrollmentIds, async (_, chunk) => {
      await db
        .updateTable('sequence_enrollments')
        .set({ status: 'stopped', stop_reason: 'manual', next_at: null, ended_at: endedAt })
        .where('workspace_id', '=', person.workspaceId)
        .where('enrollment_id', 'in', chunk)
        .where('status', '=', 'active')
        .execute();
      return db
        .updateTable('sequence_enrollments')
        .set({ profile_id: anonymousProfileId, email: null })
        .where('workspace_id', '=', person.workspaceId)
        .where('enrollment_id', 'in', chunk)
        .executeTakeFirst();
    });
    await tally.inChunks(['sequence_step_runs'], enrollmentIds, (_, chunk) =>
      db
        .updateTable('sequence_step_runs')
        .set({ profile_id: anonymousProfileId })
        .where('workspace_id', '=', person.workspaceId)
        .where('enrollment_id', 'in', chunk)
        .executeTakeFirst(),
    );
    return tally.counts;
  }

  /** The person's enrollments: by profile, or by the address their mail went to. */
  private async enrollmentIdsOf(person: PersonRef): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('sequence_enrollments')
      .select('enrollment_id')
      .where('workspace_id', '=', person.workspaceId)
      .where(isPersonsRow(person, { profileId: 'profile_id', email: 'email' }))
      .execute();
    return rows.map((row) => row.enrollment_id);
  }
}
