import { z } from 'zod';

/** A wait before a step: `0s` (at once), `30m`, `2d`, `1w`. */
export const SequenceDelaySchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,5})[smhdw]$/, { error: 'a delay like 0s, 30m, 2d or 1w' });

const StepIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'a step id of letters, digits, - and _' });

const stepBase = {
  /** Kept across edits (reports count by it); made up when absent. */
  id: StepIdSchema.optional(),
  /** The wait after the previous step (after enrollment, for the first). */
  delay: SequenceDelaySchema.default('0s'),
  /** Counts days of the delay as Monday–Friday only (UTC), and moves a step off the weekend. */
  businessDays: z.boolean().default(false),
};

/** One step of a sales sequence: an email (through the email queue) or a task for the owner. */
export const SequenceStepInputSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ ...stepBase, kind: z.literal('email'), templateId: z.string().min(1).max(100) }),
    z.strictObject({
      ...stepBase,
      kind: z.literal('task'),
      title: z.string().trim().min(1).max(500),
      notes: z.string().max(20_000).default(''),
    }),
  ])
  .meta({ id: 'SequenceStepWrite' });
export type SequenceStepInput = z.input<typeof SequenceStepInputSchema>;
export const SequenceStepSchema = z
  .discriminatedUnion('kind', [
    z.object({
      id: z.string(),
      kind: z.literal('email'),
      delay: z.string(),
      businessDays: z.boolean(),
      templateId: z.string(),
    }),
    z.object({
      id: z.string(),
      kind: z.literal('task'),
      delay: z.string(),
      businessDays: z.boolean(),
      title: z.string(),
      notes: z.string(),
    }),
  ])
  .meta({ id: 'SequenceStep' });
export type SequenceStep = z.infer<typeof SequenceStepSchema>;

/** When a person's enrollment stops early. */
export const SequenceSettingsSchema = z
  .strictObject({
    stopOnReply: z.boolean().default(true),
    /** A `Meeting Logged` event on the person. */
    stopOnMeeting: z.boolean().default(true),
    stopOnUnsubscribe: z.boolean().default(true),
    stopOnBounce: z.boolean().default(true),
    /** A reply from anyone at the person's company stops the company's enrollments in this sequence. */
    stopOnCompanyReply: z.boolean().default(false),
  })
  .meta({ id: 'SequenceSettings' });
export type SequenceSettings = z.infer<typeof SequenceSettingsSchema>;

export const CreateSequenceSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  steps: z.array(SequenceStepInputSchema).max(50).default([]),
  settings: SequenceSettingsSchema.partial().optional(),
});
export type CreateSequence = z.input<typeof CreateSequenceSchema>;
export const UpdateSequenceSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000),
    steps: z.array(SequenceStepInputSchema).max(50),
    settings: SequenceSettingsSchema.partial(),
  })
  .partial();
export type UpdateSequence = z.input<typeof UpdateSequenceSchema>;

export const SequenceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    steps: z.array(SequenceStepSchema),
    settings: SequenceSettingsSchema,
    /** Enrollments now active. */
    active: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Sequence' });
export type Sequence = z.infer<typeof SequenceSchema>;

export const ENROLLMENT_STATUSES = ['active', 'finished', 'stopped'] as const;
export const STOP_REASONS = [
  'replied',
  'company_replied',
  'meeting_booked',
  'unsubscribed',
  'bounced',
  'manual',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const EnrollmentSchema = z
  .object({
    id: z.string(),
    sequenceId: z.string(),
    sequenceName: z.string(),
    profileId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    /** The rep whose tasks the sequence makes (and who enrolled, by default). */
    ownerId: z.string().nullable(),
    status: z.enum(ENROLLMENT_STATUSES),
    stopReason: z.enum(STOP_REASONS).nullable(),
    /** Index of the next step to run (= steps run so far). */
    currentStep: z.number().int(),
    nextAt: z.string().nullable(),
    enrolledAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .meta({ id: 'SequenceEnrollment' });
export type Enrollment = z.infer<typeof EnrollmentSchema>;

/** `POST /api/v1/sequences/{id}/enrollments`: people by id, or a static list's members. */
export const EnrollSchema = z
  .strictObject({
    profileIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
    listId: z.string().min(1).max(100).optional(),
    /** Default: the caller. */
    ownerId: z.string().min(1).max(100).nullable().optional(),
  })
  .refine((body) => (body.profileIds === undefined) !== (body.listId === undefined), {
    error: 'give profileIds or listId (one of them)',
    path: ['profileIds'],
  });
export type Enroll = z.infer<typeof EnrollSchema>;
export const EnrollResultSchema = z.object({
  enrolled: z.array(EnrollmentSchema),
  /** People not enrolled: already active in the sequence, or no such profile. */
  skipped: z.array(
    z.object({ profileId: z.string(), reason: z.enum(['already_active', 'unknown_profile']) }),
  ),
});
export type EnrollResult = z.infer<typeof EnrollResultSchema>;

export const EnrollmentListQuerySchema = z.object({
  status: z.enum(ENROLLMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).optional(),
});
export type EnrollmentListQuery = z.infer<typeof EnrollmentListQuerySchema>;

export const SequenceReportSchema = z
  .object({
    sequenceId: z.string(),
    enrolled: z.number().int(),
    active: z.number().int(),
    finished: z.number().int(),
    replied: z.number().int(),
    meetings: z.number().int(),
    stopped: z.record(z.enum(STOP_REASONS), z.number().int()),
    /** Per step: how many enrollments ran it. */
    steps: z.array(z.object({ stepId: z.string(), kind: z.string(), ran: z.number().int() })),
  })
  .meta({ id: 'SequenceReport' });
export type SequenceReport = z.infer<typeof SequenceReportSchema>;
