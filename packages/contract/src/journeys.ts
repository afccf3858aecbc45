import { z } from 'zod';
import {
  type AudienceRule,
  AudienceRuleSchema,
  PropertyConditionSchema,
  StoredAudienceRuleSchema,
} from './audiences.js';
import { MAX_WHERE_CONDITIONS } from './rule-limits.js';

/** A journey's durations: `30s`, `15m`, `3h`, `2d`, `1w`. */
export const JourneyDurationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[smhdw]$/, { error: 'a duration like 30s, 15m, 3h, 2d or 1w' })
  .describe('<n>s, <n>m, <n>h, <n>d or <n>w');

/** A signed offset from a date (`-7d`: a week before; `2h`: two hours after). */
export const JourneyOffsetSchema = z
  .string()
  .regex(/^-?[1-9][0-9]{0,5}[smhdw]$/, { error: 'an offset like -7d or 2h' });

/** `HH:MM`, 24-hour. */
export const TimeOfDaySchema = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'a time of day like 09:30' });

const StepIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'a step id of letters, digits, - and _' });
const WhereSchema = z.array(PropertyConditionSchema).max(MAX_WHERE_CONDITIONS).optional();
const EventNameSchema = z.string().min(1).max(200);

/** The CRM changes a journey may start on: each is an event CRM and service desk append to the log. */
export const CRM_CHANGE_EVENTS = [
  'Person Created',
  'Lifecycle Stage Changed',
  'Deal Created',
  'Deal Stage Changed',
  'Deal Won',
  'Deal Lost',
  'Ticket Opened',
  'Ticket Solved',
  'Task Completed',
  'Meeting Logged',
] as const;

/** Who starts a journey. */
export const JourneyEntrySchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('event'), event: EventNameSchema, where: WhereSchema }),
    z.strictObject({ kind: z.literal('audience_entered'), audienceId: z.string().min(1) }),
    z.strictObject({ kind: z.literal('audience_exited'), audienceId: z.string().min(1) }),
    z.strictObject({ kind: z.literal('crm_change'), event: z.enum(CRM_CHANGE_EVENTS), where: WhereSchema }),
    z.strictObject({
      kind: z.literal('date_trait'),
      trait: z.string().min(1).max(200),
      /** Before (negative) or after the date; every year when `yearly` (birthdays, renewals). */
      offset: JourneyOffsetSchema.optional(),
      atTimeOfDay: TimeOfDaySchema.optional(),
      yearly: z.boolean().optional(),
    }),
    z.strictObject({
      kind: z.literal('schedule'),
      /** Five-field cron, in UTC. */
      cron: z.string().min(9).max(100),
      /** Who enters at each tick: this audience's members (absent: every profile with an email). */
      audienceId: z.string().min(1).optional(),
    }),
  ])
  .meta({ id: 'JourneyEntry' });
export type JourneyEntry = z.infer<typeof JourneyEntrySchema>;

/** An event that ends a journey for a person (exit) or counts as its goal. */
export const JourneyEventConditionSchema = z.strictObject({ event: EventNameSchema, where: WhereSchema });

/** A person's journey settings: re-entry, exit, goal, holdout, what an over-cap email does. */
export const JourneySettingsSchema = z
  .strictObject({
    /** `never`: once per person; `after_exit`: again once out; `always`: also while in it. */
    reEntry: z.enum(['never', 'after_exit', 'always']).default('never'),
    /** Minimum time between two entries of one person. */
    reEntryAfter: JourneyDurationSchema.optional(),
    exitWhen: JourneyEventConditionSchema.optional(),
    /** Checked at every step: a person who converts leaves, counted as converted. */
    goal: JourneyEventConditionSchema.optional(),
    /** Share of entrants (0–50 %) held out of every step, for goal conversion against them. */
    holdoutPercent: z.number().min(0).max(50).default(0),
    /** Over the frequency cap a marketing email waits for room or is skipped. */
    overCap: z.enum(['wait', 'skip']).default('wait'),
  })
  .meta({ id: 'JourneySettings' });
export type JourneySettings = z.infer<typeof JourneySettingsSchema>;

const Next = StepIdSchema.nullable().optional().describe('The next step; absent or null ends the journey');
const base = { id: StepIdSchema, label: z.string().max(200).optional() };

/**
 * The steps, their condition split's rule checked as accepted, or as stored in answers (a response
 * is encoded, and the accepted rule's size check cannot run backwards).
 */
const stepSchemaWith = (condition: z.ZodType<AudienceRule>) =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      ...base,
      kind: z.literal('delay'),
      duration: JourneyDurationSchema.optional(),
      /** Until this time of day in the person's time zone (trait `timezone`, else the workspace's). */
      untilTimeOfDay: TimeOfDaySchema.optional(),
      /** Until the date in this trait (plus `offset`). */
      untilTrait: z.string().min(1).max(200).optional(),
      offset: JourneyOffsetSchema.optional(),
      next: Next,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('wait_for_event'),
      event: EventNameSchema,
      where: WhereSchema,
      timeout: JourneyDurationSchema,
      next: z.strictObject({ matched: Next, timeout: Next }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('wait_for_audience'),
      audienceId: z.string().min(1),
      change: z.enum(['entered', 'exited']).default('entered'),
      timeout: JourneyDurationSchema,
      next: z.strictObject({ matched: Next, timeout: Next }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('split'),
      condition,
      next: z.strictObject({ yes: Next, no: Next }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('random_split'),
      /** Relative weights, one per branch (e.g. [50, 50] or [45, 45, 10]). */
      weights: z.array(z.number().min(0).max(100)).min(2).max(10),
      next: z.array(Next).min(2).max(10),
    }),
    z.strictObject({ ...base, kind: z.literal('send_email'), templateId: z.string().min(1), next: Next }),
    z.strictObject({
      ...base,
      kind: z.literal('send_webhook'),
      destinationId: z.string().min(1),
      next: Next,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('update_trait'),
      trait: z.string().min(1).max(200),
      value: z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
      next: Next,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('update_crm_field'),
      /** `lifecycleStage`, `leadStatus`, `ownerId`, or a custom field's key. */
      field: z.string().min(1).max(200),
      value: z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
      next: Next,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('create_task'),
      title: z.string().min(1).max(500),
      dueIn: JourneyDurationSchema.optional(),
      assigneeId: z.string().min(1).optional(),
      next: Next,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('create_ticket'),
      subject: z.string().min(1).max(500),
      priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
      body: z.string().max(10_000).optional(),
      next: Next,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('list'),
      listId: z.string().min(1),
      action: z.enum(['add', 'remove']),
      next: Next,
    }),
    z.strictObject({ ...base, kind: z.literal('exit') }),
  ]);

/** One step of a journey. */
export const JourneyStepSchema = stepSchemaWith(AudienceRuleSchema).meta({ id: 'JourneyStep' });
export type JourneyStep = z.infer<typeof JourneyStepSchema>;
export type JourneyStepKind = JourneyStep['kind'];

const definitionSchemaWith = (step: typeof JourneyStepSchema) =>
  z.object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    entry: JourneyEntrySchema,
    steps: z.array(step).min(1).max(200),
    settings: JourneySettingsSchema.optional(),
    /** Canvas positions of the steps, kept for the editor (`{stepId: {x, y}}`). */
    layout: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).optional(),
  });

/** A journey as written: its entry, its steps (the first is where people start), its settings. */
export const JourneyDefinitionSchema = definitionSchemaWith(JourneyStepSchema);
/** A definition in answers: the same fields, a condition split's rule as stored. */
const StoredJourneyDefinitionSchema = definitionSchemaWith(stepSchemaWith(StoredAudienceRuleSchema));
export type JourneyDefinition = z.infer<typeof JourneyDefinitionSchema>;
export const CreateJourneySchema = JourneyDefinitionSchema;
export const UpdateJourneySchema = JourneyDefinitionSchema.partial();

/** On publish, people in flight on an earlier version stay on it, or move to the new one. */
export const PublishJourneySchema = z.object({ inFlight: z.enum(['stay', 'migrate']).default('stay') });

export const JOURNEY_STATUSES = ['draft', 'live', 'paused', 'archived'] as const;
export const JourneySchema = StoredJourneyDefinitionSchema.extend({
  id: z.string(),
  status: z.enum(JOURNEY_STATUSES),
  /** The live version (0 while never published); the draft is what GET returns when it differs. */
  version: z.number().int(),
  hasUnpublishedChanges: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
}).meta({ id: 'Journey' });
export type Journey = z.infer<typeof JourneySchema>;

/** Per step: people now at it, people who passed it, and its messages' figures. */
export const JourneyStepReportSchema = z.object({
  stepId: z.string(),
  kind: z.string(),
  current: z.number().int(),
  passed: z.number().int(),
  email: z
    .object({
      sent: z.number().int(),
      delivered: z.number().int(),
      opened: z.number().int(),
      clicked: z.number().int(),
      unsubscribed: z.number().int(),
      bounced: z.number().int(),
      skipped: z.number().int(),
    })
    .optional(),
});
export const JourneyReportSchema = z
  .object({
    journeyId: z.string(),
    entered: z.number().int(),
    inProgress: z.number().int(),
    completed: z.number().int(),
    exited: z.number().int(),
    converted: z.number().int(),
    /** Goal conversion rate of entrants in the journey and of the holdout. */
    goal: z
      .object({
        journeyRate: z.number().nullable(),
        holdoutRate: z.number().nullable(),
        holdout: z.number().int(),
        holdoutConverted: z.number().int(),
      })
      .nullable(),
    steps: z.array(JourneyStepReportSchema),
  })
  .meta({ id: 'JourneyReport' });
export type JourneyReport = z.infer<typeof JourneyReportSchema>;

/** A journey in the list, with how many people entered it and are in it now. */
export const JourneyListItemSchema = JourneySchema.extend({
  counts: z.object({ inProgress: z.number().int(), entered: z.number().int() }),
}).meta({ id: 'JourneyListItem' });
export type JourneyListItem = z.infer<typeof JourneyListItemSchema>;

/** One published, immutable version of a journey. */
export const JourneyVersionSchema = z
  .object({ version: z.number().int(), publishedAt: z.string(), definition: StoredJourneyDefinitionSchema })
  .meta({ id: 'JourneyVersion' });
export type JourneyVersion = z.infer<typeof JourneyVersionSchema>;

/** What is wrong with a definition: the step (when one is at fault), the field, why. */
export const JourneyProblemSchema = z.object({
  stepId: z.string().optional(),
  field: z.string(),
  message: z.string(),
});
export type JourneyProblem = z.infer<typeof JourneyProblemSchema>;
export const JourneyValidationSchema = z
  .object({ valid: z.boolean(), problems: z.array(JourneyProblemSchema) })
  .meta({ id: 'JourneyValidation' });
export type JourneyValidation = z.infer<typeof JourneyValidationSchema>;

export const JOURNEY_RUN_STATUSES = ['active', 'completed', 'exited', 'converted'] as const;
export type JourneyRunStatus = (typeof JOURNEY_RUN_STATUSES)[number];

/** One person's way through a journey. `stepId`: where they are (or ended); `nextAt`: their timer. */
export const JourneyRunSchema = z
  .object({
    runId: z.string(),
    profileId: z.string(),
    version: z.number().int(),
    stepId: z.string().nullable(),
    status: z.enum(JOURNEY_RUN_STATUSES),
    holdout: z.boolean(),
    enteredAt: z.string(),
    endedAt: z.string().nullable(),
    nextAt: z.string().nullable(),
  })
  .meta({ id: 'JourneyRun' });
export type JourneyRun = z.infer<typeof JourneyRunSchema>;
export const JourneyRunsQuerySchema = z.object({
  stepId: z.string().min(1).optional(),
  status: z.enum(JOURNEY_RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().min(1).optional(),
});
export type JourneyRunsQuery = z.infer<typeof JourneyRunsQuerySchema>;

/** A step a person went through: when, and what came of it (`passed`, `matched`, `timeout`, `yes`, …). */
export const JourneyPathStepSchema = z.object({
  stepId: z.string(),
  kind: z.string(),
  at: z.string(),
  outcome: z.string(),
});
/** A person's runs, newest first, each with its path. */
export const ProfileJourneyRunSchema = JourneyRunSchema.extend({
  journeyId: z.string(),
  journeyName: z.string(),
  path: z.array(JourneyPathStepSchema),
}).meta({ id: 'ProfileJourneyRun' });
export type ProfileJourneyRun = z.infer<typeof ProfileJourneyRunSchema>;
