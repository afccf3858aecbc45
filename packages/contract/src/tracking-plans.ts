import { z } from 'zod';

/**
 * What a source's tracking plan does with calls that break it. Every mode counts violations;
 * `block_unplanned_events` also refuses track calls of events the plan does not list (rejection
 * code `tracking_plan`), `omit_unplanned_properties` removes properties (and traits) it does not list.
 */
export const TRACKING_PLAN_MODES = ['report', 'block_unplanned_events', 'omit_unplanned_properties'] as const;
export const TrackingPlanModeSchema = z.enum(TRACKING_PLAN_MODES);
export type TrackingPlanMode = z.infer<typeof TrackingPlanModeSchema>;

/** Ways a call breaks its plan. */
export const VIOLATION_TYPES = [
  'unplanned_event',
  'required_property_missing',
  'wrong_type',
  'extra_property',
] as const;
export const ViolationTypeSchema = z.enum(VIOLATION_TYPES);
export type ViolationType = z.infer<typeof ViolationTypeSchema>;

/** The call types a plan checks: track calls by event name, identify calls by their traits. */
export const PLANNED_CALL_TYPES = ['track', 'identify'] as const;
export type PlannedCallType = (typeof PLANNED_CALL_TYPES)[number];

/** The name of the track call a forwarded violation becomes (as Segment Protocols names it). */
export const VIOLATION_EVENT_NAME = 'Violation Generated';

/** Most events one plan lists. */
export const MAX_PLANNED_EVENTS = 500;

const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((schema) => JSON.stringify(schema).length <= 64_000, 'must be at most 64,000 characters of JSON')
  .describe(
    'A JSON Schema (draft 2020-12 or 07) of the properties object, usually {type: "object", properties, required}',
  );

export const PlannedEventSchema = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(200),
    description: z.string().max(1000).optional(),
    schema: JsonSchemaObject,
  })
  .meta({ id: 'PlannedEvent' });
export type PlannedEvent = z.infer<typeof PlannedEventSchema>;

// The fields of a plan, shared by what is written (input) and what is read (output): the OpenAPI
// document names input and output schemas apart, so each role below has its own id.
const PlanFields = z.object({
  mode: TrackingPlanModeSchema.default('report'),
  forwardViolations: z
    .boolean()
    .default(false)
    .describe(`Also log each violation as a track call "${VIOLATION_EVENT_NAME}" on the source`),
  events: z
    .array(PlannedEventSchema)
    .max(MAX_PLANNED_EVENTS)
    .superRefine((events, ctx) => {
      const seen = new Set<string>();
      events.forEach((event, index) => {
        if (seen.has(event.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `${event.name} is planned twice`,
          });
        }
        seen.add(event.name);
      });
    }),
  identify: z
    .object({ schema: JsonSchemaObject })
    .nullable()
    .default(null)
    .describe('The schema of identify calls’ traits; null: identify calls are not checked'),
});

/** A plan as written: the body of PUT. */
export const TrackingPlanInputSchema = PlanFields.meta({ id: 'TrackingPlanEdit' });
export type TrackingPlanInput = z.infer<typeof TrackingPlanInputSchema>;

export const TrackingPlanSchema = PlanFields.extend({
  sourceId: z.string(),
  version: z.number().int().describe('Grows with every change'),
  updatedAt: z.string(),
}).meta({ id: 'TrackingPlan' });
export type TrackingPlan = z.infer<typeof TrackingPlanSchema>;

/** The export format: a plan with no ids, importable into any source. */
export const TRACKING_PLAN_FORMAT = 'tandem.tracking-plan.v1';
export const TrackingPlanDocumentSchema = PlanFields.extend({
  format: z.literal(TRACKING_PLAN_FORMAT),
}).meta({ id: 'TrackingPlanDocument' });
export type TrackingPlanDocument = z.infer<typeof TrackingPlanDocumentSchema>;
/** The export's answer: the same document, as read. */
export const TrackingPlanExportSchema = PlanFields.extend({
  format: z.literal(TRACKING_PLAN_FORMAT),
}).meta({ id: 'TrackingPlanExport' });

/** One recent violating call: no property values are kept (they may be personal data), only their type. */
export const ViolationSampleSchema = z
  .object({
    messageId: z.string(),
    receivedAt: z.string(),
    property: z.string().nullable().describe('The property (or trait) path; null for an unplanned event'),
    message: z.string(),
    valueType: z.string().nullable().describe('The JSON type of the value received, when there was one'),
  })
  .meta({ id: 'ViolationSample' });
export type ViolationSample = z.infer<typeof ViolationSampleSchema>;

export const ViolationSchema = z
  .object({
    callType: z.enum(PLANNED_CALL_TYPES),
    event: z.string().nullable().describe('The track event name; null for identify calls'),
    type: ViolationTypeSchema,
    count: z.number().int(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    samples: z.array(ViolationSampleSchema).describe('The latest few, newest first'),
  })
  .meta({ id: 'Violation' });
export type Violation = z.infer<typeof ViolationSchema>;

export const ViolationListSchema = z.object({ data: z.array(ViolationSchema) }).meta({ id: 'ViolationList' });

/** A plan proposed from the calls a source already sent (not saved until PUT). */
export const TrackingPlanDraftSchema = z
  .object({
    plan: PlanFields,
    callsSampled: z.number().int().describe('The latest calls of the source it was drawn from'),
  })
  .meta({ id: 'TrackingPlanDraft' });
export type TrackingPlanDraft = z.infer<typeof TrackingPlanDraftSchema>;
