import { z } from 'zod';

/** Local wall-clock time, `HH:MM` (24-hour; `24:00` ends a block at midnight). */
const WallTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM (00:00 to 24:00)');

export const WeeklyBlockSchema = z
  .object({
    day: z.number().int().min(1).max(7).describe('ISO weekday: 1 = Monday … 7 = Sunday'),
    start: WallTimeSchema,
    end: WallTimeSchema,
  })
  .meta({ id: 'WeeklyBlock' });
export type WeeklyBlock = z.infer<typeof WeeklyBlockSchema>;

const CalendarFields = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(100),
  timeZone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Paris'),
  weekly: z
    .array(WeeklyBlockSchema)
    .min(1, 'weekly needs at least one block of business hours')
    .max(70)
    .describe('Business hours: several blocks a day allowed, in local time'),
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'))
    .max(1000)
    .describe('Local dates with no business hours'),
});

export const BusinessCalendarSchema = CalendarFields.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'BusinessCalendar' });
export type BusinessCalendarView = z.infer<typeof BusinessCalendarSchema>;

export const CreateBusinessCalendarSchema = CalendarFields.extend({
  holidays: CalendarFields.shape.holidays.default([]),
});
export type NewBusinessCalendar = z.output<typeof CreateBusinessCalendarSchema>;
export const UpdateBusinessCalendarSchema = CalendarFields.partial();
export type BusinessCalendarPatch = z.output<typeof UpdateBusinessCalendarSchema>;

export const SLA_CONDITION_OPS = ['is', 'is_not', 'in', 'not_in', 'exists'] as const;

export const SlaConditionSchema = z
  .object({
    field: z
      .string()
      .regex(
        /^(priority|type|tags|teamId|traits\.[A-Za-z0-9_.$-]{1,100})$/,
        'must be priority, type, tags, teamId or traits.<name>',
      )
      .describe('A ticket field, or a trait of the requester: traits.plan'),
    op: z.enum(SLA_CONDITION_OPS),
    value: z
      .union([
        z.string().max(500),
        z.number(),
        z.boolean(),
        z.array(z.union([z.string().max(500), z.number(), z.boolean()])).max(100),
      ])
      .optional()
      .describe('Not used by exists; a list for in / not_in'),
  })
  .superRefine((condition, ctx) => {
    if (condition.op !== 'exists' && condition.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${condition.op} needs a value` });
    }
  })
  .meta({ id: 'SlaCondition' });
export type SlaConditionView = z.infer<typeof SlaConditionSchema>;

const TargetMinutes = z.number().int().min(1).max(525_600).nullable();

export const SlaTargetsSchema = z
  .object({
    firstResponse: TargetMinutes.default(null).describe('Minutes to the first public agent reply'),
    nextResponse: TargetMinutes.default(null).describe(
      'Minutes from a requester message to the next agent reply',
    ),
    resolution: TargetMinutes.default(null).describe('Minutes to solved'),
  })
  .meta({ id: 'SlaTargets' });

export const SlaTargetsByPrioritySchema = z
  .object({
    low: SlaTargetsSchema.optional(),
    normal: SlaTargetsSchema.optional(),
    high: SlaTargetsSchema.optional(),
    urgent: SlaTargetsSchema.optional(),
  })
  .refine((targets) => Object.values(targets).some((t) => t !== undefined), {
    message: 'targets needs at least one priority',
  });

const PolicyFields = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(100),
  enabled: z.boolean(),
  conditions: z.array(SlaConditionSchema).max(20).describe('All must hold; none: every ticket'),
  hours: z.enum(['business', 'calendar']).describe('business: only the calendar’s hours count'),
  calendarId: z.string().nullable().describe('Business calendar (business hours); null: 24/7'),
  targets: SlaTargetsByPrioritySchema,
  atRiskPercent: z
    .number()
    .int()
    .min(1)
    .max(99)
    .describe('At risk when less than this share of a target is left'),
});

export const SlaPolicySchema = PolicyFields.extend({
  id: z.string(),
  position: z.number().int().describe('Policies are tried in this order; the first match applies'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'SlaPolicy' });
export type SlaPolicyView = z.infer<typeof SlaPolicySchema>;

export const CreateSlaPolicySchema = PolicyFields.extend({
  enabled: PolicyFields.shape.enabled.default(true),
  conditions: PolicyFields.shape.conditions.default([]),
  hours: PolicyFields.shape.hours.default('business'),
  calendarId: PolicyFields.shape.calendarId.default(null),
  atRiskPercent: PolicyFields.shape.atRiskPercent.default(20),
  position: z.number().int().min(0).optional().describe('Default: after the last policy'),
});
export type NewSlaPolicy = z.output<typeof CreateSlaPolicySchema>;
export const UpdateSlaPolicySchema = PolicyFields.partial();
export type SlaPolicyPatch = z.output<typeof UpdateSlaPolicySchema>;

export const SlaPolicyOrderSchema = z.object({
  ids: z.array(z.string()).min(1).max(500).describe('Every policy id, in the new order'),
});

export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const;

export const SlaClockSchema = z
  .object({
    policyId: z.string().nullable(),
    firstResponseDueAt: z.string().nullable(),
    nextResponseDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    breached: z.array(z.enum(SLA_METRICS)),
    pausedMs: z.number(),
    atRisk: z.boolean(),
    explanation: z.array(z.string()),
  })
  .meta({ id: 'SlaClock' });
