import {
  type CreateSequence,
  CreateSequenceSchema,
  type Enroll,
  type Enrollment,
  type EnrollmentListQuery,
  type EnrollResult,
  type Sequence,
  type SequenceReport,
  STOP_REASONS,
  type StopReason,
  type UpdateSequence,
} from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.js';
import { idsOfPerson, liveProfilesOf } from '../identity/index.js';
import { newId } from '../ids/index.js';
import type { ContactsOf } from '../lists/index.js';
import { type Database, type Store, toJson, writeTransaction } from '../store/index.js';
import { stopEnrollmentsOf } from './enrollment-stops.js';
import {
  type EnrollmentRow,
  enrollmentOf,
  newReplyToken,
  normalizeSteps,
  type SequenceRow,
  sequenceOf,
  settingsOf,
  stepsOf,
  storedSettings,
} from './sequence-definitions.js';
import { dueAfter } from './step-delay.js';

/** Rows per statement (bound parameters stay under both engines' limits). */
const CHUNK = 200;

export interface SequencesDeps {
  readonly store: Store;
  readonly clock: () => number;
  /** Names and addresses of people (enrollment lists, the address replies come from). */
  readonly contactsOf: ContactsOf;
  /** A static list's live members (enrolling a list). */
  readonly listMembers: (workspaceId: string, listId: string) => Promise<string[]>;
  /** Tells the scheduler an enrollment may be due now. */
  readonly onEnrolled?: (() => void) | undefined;
}

/** Sales sequences: their steps and settings, enrollments, manual stops and the report. */
export class SequencesService {
  constructor(private readonly deps: SequencesDeps) {}

  private get db() {
    return this.deps.store.db;
  }

  private now(): number {
    return this.deps.clock();
  }

  async list(workspaceId: string): Promise<Sequence[]> {
    const rows = await this.db
      .selectFrom('sequences')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null)
      .orderBy('name')
      .orderBy('sequence_id')
      .execute();
    const active = await this.activeCounts(workspaceId);
    return rows.map((row) => sequenceOf(row, active.get(row.sequence_id) ?? 0));
  }

  async get(workspaceId: string, sequenceId: string): Promise<Sequence> {
    const row = await this.row(this.db, workspaceId, sequenceId);
    return sequenceOf(row, (await this.activeCounts(workspaceId, sequenceId)).get(sequenceId) ?? 0);
  }

  async create(workspaceId: string, input: CreateSequence, actorId: string | null): Promise<Sequence> {
    const sequence = CreateSequenceSchema.parse(input);
    const now = new Date(this.now()).toISOString();
    const row: SequenceRow = {
      workspace_id: workspaceId,
      sequence_id: newId('sequence'),
      name: sequence.name,
      description: sequence.description,
      steps: toJson(normalizeSteps(sequence.steps)),
      settings: storedSettings(sequence.settings),
      created_by: actorId,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await this.db.insertInto('sequences').values(row).execute();
    return sequenceOf(row, 0);
  }

  /** The sequences (deleted ones aside) with an email step of this template, as `sequence "name"`. */
  async readersOfTemplate(workspaceId: string, templateId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sequences')
      .select(['name', 'steps'])
      .where('workspace_id', '=', workspaceId)
      .where('deleted_at', 'is', null)
      .orderBy('name')
      .execute();
    return rows
      .filter((row) => stepsOf(row).some((step) => step.kind === 'email' && step.templateId === templateId))
      .map((row) => `sequence "${row.name}"`);
  }

  /** Edits steps and settings; active enrollments go on at the same step position. */
  async update(workspaceId: string, sequenceId: string, patch: UpdateSequence): Promise<Sequence> {
    const row = await this.row(this.db, workspaceId, sequenceId);
    await this.db
      .updateTable('sequences')
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.steps === undefined ? {} : { steps: toJson(normalizeSteps(patch.steps)) }),
        ...(patch.settings === undefined
          ? {}
          : { settings: storedSettings({ ...settingsOf(row.settings), ...patch.settings }) }),
        updated_at: new Date(this.now()).toISOString(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId)
      .execute();
    return this.get(workspaceId, sequenceId);
  }

  /** Deletes a sequence (kept for its history, hidden); its active enrollments stop. */
  async delete(workspaceId: string, sequenceId: string): Promise<void> {
    await writeTransaction(this.deps.store, async (trx) => {
      await this.row(trx, workspaceId, sequenceId);
      const now = new Date(this.now()).toISOString();
      await trx
        .updateTable('sequence_enrollments')
        .set({ status: 'stopped', stop_reason: 'manual', next_at: null, ended_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('sequence_id', '=', sequenceId)
        .where('status', '=', 'active')
        .execute();
      await trx
        .updateTable('sequences')
        .set({ deleted_at: now, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('sequence_id', '=', sequenceId)
        .execute();
    });
  }

  /**
   * Enrolls people (or a list's members) for an owner: each starts at the first step, due after
   * its delay. People already active in the sequence, and ids of no profile, are skipped.
   */
  async enroll(
    workspaceId: string,
    sequenceId: string,
    input: Enroll,
    actorId: string | null,
  ): Promise<EnrollResult> {
    const requested =
      input.profileIds ??
      (input.listId === undefined ? [] : await this.deps.listMembers(workspaceId, input.listId));
    const ownerId = input.ownerId === undefined ? actorId : input.ownerId;
    const now = this.now();
    const nowText = new Date(now).toISOString();
    const skipped: EnrollResult['skipped'] = [];
    // Reads first: the contacts' reader uses the store's connection, which a SQLite transaction holds.
    await this.row(this.db, workspaceId, sequenceId);
    const live = await liveProfilesOf(this.db, workspaceId, requested);
    const people = [...new Set(live.values())];
    const contacts = new Map<string, { name: string | null; email: string | null }>();
    for (let at = 0; at < people.length; at += CHUNK) {
      for (const [id, contact] of await this.deps.contactsOf(workspaceId, people.slice(at, at + CHUNK))) {
        contacts.set(id, contact);
      }
    }
    for (const id of new Set(requested))
      if (!live.has(id)) skipped.push({ profileId: id, reason: 'unknown_profile' });
    const rows = await writeTransaction(this.deps.store, async (trx) => {
      const sequence = await this.row(trx, workspaceId, sequenceId);
      const [first] = stepsOf(sequence);
      // Who is active in the sequence now, as live people (enrolled under ids since merged away too).
      const activeRows = await trx
        .selectFrom('sequence_enrollments')
        .select('profile_id')
        .where('workspace_id', '=', workspaceId)
        .where('sequence_id', '=', sequenceId)
        .where('status', '=', 'active')
        .execute();
      const activeLive = await liveProfilesOf(
        trx,
        workspaceId,
        activeRows.map((row) => row.profile_id),
      );
      const active = new Set([...activeRows.map((row) => row.profile_id), ...activeLive.values()]);
      const written: EnrollmentRow[] = [];
      for (const profileId of people) {
        if (active.has(profileId)) {
          skipped.push({ profileId, reason: 'already_active' });
          continue;
        }
        written.push({
          workspace_id: workspaceId,
          enrollment_id: newId('sequenceEnrollment'),
          sequence_id: sequenceId,
          profile_id: profileId,
          email: contacts.get(profileId)?.email?.toLowerCase() ?? null,
          owner_id: ownerId,
          status: first ? 'active' : 'finished',
          stop_reason: null,
          current_step: 0,
          next_at: first ? new Date(dueAfter(now, first.delay, first.businessDays)).toISOString() : null,
          reply_token: newReplyToken(),
          replied_at: null,
          enrolled_by: actorId,
          enrolled_at: nowText,
          ended_at: first ? null : nowText,
        });
      }
      for (let at = 0; at < written.length; at += CHUNK) {
        await trx
          .insertInto('sequence_enrollments')
          .values(written.slice(at, at + CHUNK))
          .execute();
      }
      return { written, name: sequence.name, contacts };
    });
    this.deps.onEnrolled?.();
    return {
      enrolled: rows.written.map((row) =>
        enrollmentOf(row, {
          sequenceName: rows.name,
          name: rows.contacts.get(row.profile_id)?.name ?? null,
          email: rows.contacts.get(row.profile_id)?.email ?? null,
        }),
      ),
      skipped,
    };
  }

  /** Stops one enrollment by hand (a rep's decision). */
  async stop(workspaceId: string, sequenceId: string, enrollmentId: string): Promise<Enrollment> {
    const row = await this.enrollmentRow(workspaceId, sequenceId, enrollmentId);
    if (row.status !== 'active') {
      throw new AppError('conflict', `Enrollment ${enrollmentId} is already ${row.status}`);
    }
    await this.db
      .updateTable('sequence_enrollments')
      .set({
        status: 'stopped',
        stop_reason: 'manual',
        next_at: null,
        ended_at: new Date(this.now()).toISOString(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('enrollment_id', '=', enrollmentId)
      .where('status', '=', 'active')
      .execute();
    return (
      await this.present(workspaceId, [await this.enrollmentRow(workspaceId, sequenceId, enrollmentId)])
    )[0] as Enrollment;
  }

  /** A sequence's enrollments, newest first. */
  async enrollments(
    workspaceId: string,
    sequenceId: string,
    query: EnrollmentListQuery,
  ): Promise<{ data: Enrollment[]; nextCursor: string | null }> {
    await this.row(this.db, workspaceId, sequenceId);
    let select = this.db
      .selectFrom('sequence_enrollments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (query.cursor !== undefined) select = select.where('enrollment_id', '<', query.cursor);
    const rows = await select
      .orderBy('enrollment_id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      data: await this.present(workspaceId, page),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.enrollment_id ?? null) : null,
    };
  }

  /** How many active enrollments `userId` owns (their task steps' tasks go to them). */
  async activeOwnedCount(workspaceId: string, userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('sequence_enrollments')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('workspace_id', '=', workspaceId)
      .where('owner_id', '=', userId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** Who owns active enrollments here (former members too). */
  async activeOwnerIds(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sequence_enrollments')
      .select('owner_id')
      .distinct()
      .where('workspace_id', '=', workspaceId)
      .where('owner_id', 'is not', null)
      .where('status', '=', 'active')
      .execute();
    return rows.flatMap((row) => (row.owner_id === null ? [] : [row.owner_id]));
  }

  /**
   * Gives the active enrollments `from` owns to `to` (a member leaving): their next task steps
   * make tasks for `to`. Ended ones keep their owner. Answers how many.
   */
  async handOver(workspaceId: string, handOver: { from: string; to: string }): Promise<number> {
    const result = await this.db
      .updateTable('sequence_enrollments')
      .set({ owner_id: handOver.to })
      .where('workspace_id', '=', workspaceId)
      .where('owner_id', '=', handOver.from)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** A person's enrollments in every sequence (their page), under any of their merged ids. */
  async enrollmentsOf(workspaceId: string, profileId: string): Promise<Enrollment[]> {
    const liveId = (await liveProfilesOf(this.db, workspaceId, [profileId])).get(profileId);
    if (liveId === undefined) throw new AppError('not_found', `Profile ${profileId} not found`);
    const rows = await this.db
      .selectFrom('sequence_enrollments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', await idsOfPerson(this.db, workspaceId, liveId))
      .orderBy('enrollment_id', 'desc')
      .limit(200)
      .execute();
    return this.present(workspaceId, rows);
  }

  async report(workspaceId: string, sequenceId: string): Promise<SequenceReport> {
    const sequence = await this.row(this.db, workspaceId, sequenceId);
    const byOutcome = await this.db
      .selectFrom('sequence_enrollments')
      .select(['status', 'stop_reason', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId)
      .groupBy(['status', 'stop_reason'])
      .execute();
    const replied = await this.db
      .selectFrom('sequence_enrollments')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId)
      .where('replied_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const ran = await this.db
      .selectFrom('sequence_step_runs')
      .select(['step_id', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId)
      .where('status', '!=', 'skipped')
      .groupBy('step_id')
      .execute();
    const stopped = Object.fromEntries(STOP_REASONS.map((reason) => [reason, 0])) as Record<
      StopReason,
      number
    >;
    const counts = { enrolled: 0, active: 0, finished: 0 };
    for (const row of byOutcome) {
      const count = Number(row.count);
      counts.enrolled += count;
      if (row.status === 'active') counts.active += count;
      if (row.status === 'finished') counts.finished += count;
      const reason = row.stop_reason as StopReason | null; // written only from STOP_REASONS
      if (row.status === 'stopped' && reason !== null) stopped[reason] += count;
    }
    const ranOf = new Map(ran.map((row) => [row.step_id, Number(row.count)]));
    return {
      sequenceId,
      ...counts,
      replied: Number(replied.count),
      meetings: stopped.meeting_booked,
      stopped,
      steps: stepsOf(sequence).map((step) => ({
        stepId: step.id,
        kind: step.kind,
        ran: ranOf.get(step.id) ?? 0,
      })),
    };
  }

  /** In the caller's transaction: stops people's enrollments for a reason their sequences stop on. */
  stopWithin(
    db: Kysely<Database>,
    stop: { workspaceId: string; profileIds: readonly string[]; reason: StopReason },
  ) {
    return stopEnrollmentsOf(db, { ...stop, now: new Date(this.now()).toISOString() });
  }

  private async present(workspaceId: string, rows: readonly EnrollmentRow[]): Promise<Enrollment[]> {
    if (rows.length === 0) return [];
    const live = await liveProfilesOf(
      this.db,
      workspaceId,
      rows.map((row) => row.profile_id),
    );
    const contacts = await this.deps.contactsOf(workspaceId, [...new Set(live.values())]);
    const names = await this.db
      .selectFrom('sequences')
      .select(['sequence_id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', 'in', [...new Set(rows.map((row) => row.sequence_id))])
      .execute();
    const nameOf = new Map(names.map((row) => [row.sequence_id, row.name]));
    return rows.map((row) => {
      const profileId = live.get(row.profile_id) ?? row.profile_id;
      const contact = contacts.get(profileId);
      return enrollmentOf(
        { ...row, profile_id: profileId },
        {
          sequenceName: nameOf.get(row.sequence_id) ?? '',
          name: contact?.name ?? null,
          email: contact?.email ?? null,
        },
      );
    });
  }

  private async enrollmentRow(workspaceId: string, sequenceId: string, enrollmentId: string) {
    const row = await this.db
      .selectFrom('sequence_enrollments')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId)
      .where('enrollment_id', '=', enrollmentId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Enrollment ${enrollmentId} not found`);
    return row;
  }

  private async row(db: Kysely<Database>, workspaceId: string, sequenceId: string): Promise<SequenceRow> {
    const row = await db
      .selectFrom('sequences')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('sequence_id', '=', sequenceId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `Sequence ${sequenceId} not found`);
    return row;
  }

  private async activeCounts(workspaceId: string, sequenceId?: string): Promise<Map<string, number>> {
    let query = this.db
      .selectFrom('sequence_enrollments')
      .select(['sequence_id', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'active');
    if (sequenceId !== undefined) query = query.where('sequence_id', '=', sequenceId);
    const rows = await query.groupBy('sequence_id').execute();
    return new Map(rows.map((row) => [row.sequence_id, Number(row.count)]));
  }
}
