import { randomBytes } from 'node:crypto';
import {
  type Enrollment,
  type Sequence,
  type SequenceSettings,
  SequenceSettingsSchema,
  type SequenceStep,
  type SequenceStepInput,
  SequenceStepInputSchema,
  type StopReason,
} from '@tandem/contract';
import { AppError } from '../errors/index.js';
import { type Database, fromJson, toJson } from '../store/index.js';

export type SequenceRow = Database['sequences'];
export type EnrollmentRow = Database['sequence_enrollments'];

/** Steps as stored: each with an id (kept when given, so reports follow a step across edits). */
export function normalizeSteps(input: readonly SequenceStepInput[]): SequenceStep[] {
  const seen = new Set<string>();
  return input.map((raw, index) => {
    const step = SequenceStepInputSchema.parse(raw);
    const id = step.id ?? `s${randomBytes(4).toString('hex')}`;
    if (seen.has(id)) {
      throw new AppError('validation_failed', `Step id ${id} is used twice`, {
        details: [{ path: `steps.${index}.id`, message: 'a step id used twice' }],
      });
    }
    seen.add(id);
    return step.kind === 'email'
      ? { id, kind: 'email', delay: step.delay, businessDays: step.businessDays, templateId: step.templateId }
      : {
          id,
          kind: 'task',
          delay: step.delay,
          businessDays: step.businessDays,
          title: step.title,
          notes: step.notes,
        };
  });
}

export function settingsOf(stored: unknown): SequenceSettings {
  return SequenceSettingsSchema.parse(fromJson(stored) ?? {});
}

export function stepsOf(row: Pick<SequenceRow, 'steps'>): SequenceStep[] {
  return fromJson<SequenceStep[]>(row.steps);
}

export function sequenceOf(row: SequenceRow, active: number): Sequence {
  return {
    id: row.sequence_id,
    name: row.name,
    description: row.description,
    steps: stepsOf(row),
    settings: settingsOf(row.settings),
    active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const storedSettings = (settings: Partial<SequenceSettings> | undefined) =>
  toJson(SequenceSettingsSchema.parse(settings ?? {}));

export function enrollmentOf(
  row: EnrollmentRow,
  extra: { sequenceName: string; name: string | null; email: string | null },
): Enrollment {
  return {
    id: row.enrollment_id,
    sequenceId: row.sequence_id,
    sequenceName: extra.sequenceName,
    profileId: row.profile_id,
    name: extra.name,
    email: extra.email ?? row.email,
    ownerId: row.owner_id,
    status: row.status as Enrollment['status'], // written only from ENROLLMENT_STATUSES
    stopReason: row.stop_reason as StopReason | null, // written only from STOP_REASONS
    currentStep: row.current_step,
    nextAt: row.next_at,
    enrolledAt: row.enrolled_at,
    endedAt: row.ended_at,
  };
}

/** A reply token: 20 lower-case base32 characters (local parts are case-insensitive). */
export function newReplyToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(randomBytes(20), (byte) => alphabet[byte & 31]).join('');
}
