import { z } from 'zod';

/**
 * Event analytics: trends, funnels, paths, retention and attribution over a workspace's events
 * and the profiles they belong to (a person is one profile, merged profiles counted once).
 * Every query covers [from, to) in UTC; both default to the last 30 days.
 */

/** A duration such as "30m", "12h", "7d", "4w". */
export const InsightDurationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,4}[mhdw]$/, 'must be a whole number followed by m, h, d or w, such as "7d"');

export const INSIGHT_INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export const InsightIntervalSchema = z.enum(INSIGHT_INTERVALS);
export type InsightInterval = z.infer<typeof InsightIntervalSchema>;

export const INSIGHT_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'greater_than',
  'less_than',
  'exists',
  'not_exists',
] as const;
export const InsightOperatorSchema = z.enum(INSIGHT_OPERATORS);

/**
 * What a filter or a breakdown reads: a property of the event, a trait of the person (CRM
 * fields are traits in their namespace, such as `lifecycle_stage`), a computed trait's value,
 * or membership of an audience.
 */
export const INSIGHT_SUBJECTS = ['event', 'person', 'computed_trait', 'audience'] as const;
export const InsightSubjectSchema = z.enum(INSIGHT_SUBJECTS);

const Scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

export const InsightFilterSchema = z
  .discriminatedUnion('on', [
    z.object({
      on: z.enum(['event', 'person', 'computed_trait']),
      /** Property, trait or computed-trait key; dots reach into objects (`address.city`). */
      property: z.string().trim().min(1, 'property must not be empty').max(200),
      operator: InsightOperatorSchema,
      value: Scalar.optional(),
    }),
    z.object({
      on: z.literal('audience'),
      audienceId: z.string().min(1),
      /** true: members only; false: everyone else. */
      member: z.boolean().default(true),
    }),
  ])
  .superRefine((filter, ctx) => {
    if (
      'operator' in filter &&
      !['exists', 'not_exists'].includes(filter.operator) &&
      filter.value === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `value is required with operator ${filter.operator}`,
      });
    }
  })
  .meta({ id: 'InsightFilter' });
export type InsightFilter = z.infer<typeof InsightFilterSchema>;

export const InsightBreakdownSchema = z
  .discriminatedUnion('on', [
    z.object({
      on: z.enum(['event', 'person', 'computed_trait']),
      property: z.string().trim().min(1).max(200),
    }),
    /** One series per listed audience (people in it), plus "none of them". */
    z.object({ on: z.literal('audience'), audienceIds: z.array(z.string().min(1)).min(1).max(10) }),
  ])
  .meta({ id: 'InsightBreakdown' });
export type InsightBreakdown = z.infer<typeof InsightBreakdownSchema>;

/** Most breakdown values a result lists; the rest are summed as "(other)". */
export const MAX_BREAKDOWN_VALUES = 25;

const Range = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Filters every counted event must pass (`on: event`) or its person must pass. */
  where: z.array(InsightFilterSchema).max(20).default([]),
};

const EventName = z.string().trim().min(1, 'event must not be empty').max(200);

/** One event of a query; `where` narrows only this event. */
export const InsightEventSchema = z.object({
  event: EventName,
  where: z.array(InsightFilterSchema).max(20).default([]),
});

// ---------------------------------------------------------------------------------------------
// Trends

export const TREND_MEASURES = ['count', 'people', 'sum', 'average'] as const;
export const TrendMeasureSchema = z.enum(TREND_MEASURES);

export const TrendSeriesQuerySchema = InsightEventSchema.extend({
  measure: TrendMeasureSchema.default('count'),
  /** The numeric event property summed or averaged (`sum`, `average`). */
  property: z.string().trim().min(1).max(200).optional(),
}).superRefine((series, ctx) => {
  if ((series.measure === 'sum' || series.measure === 'average') && !series.property) {
    ctx.addIssue({
      code: 'custom',
      path: ['property'],
      message: `property is required with measure ${series.measure}`,
    });
  }
});

export const TrendQuerySchema = z
  .object({
    ...Range,
    series: z.array(TrendSeriesQuerySchema).min(1, 'series must list at least one event').max(10),
    interval: InsightIntervalSchema.default('day'),
    breakdown: InsightBreakdownSchema.optional(),
  })
  .meta({ id: 'TrendQuery' });
export type TrendQuery = z.infer<typeof TrendQuerySchema>;

export const TrendResultSchema = z
  .object({
    interval: InsightIntervalSchema,
    from: z.string(),
    to: z.string(),
    series: z.array(
      z.object({
        /** Index into the query's series. */
        index: z.number().int(),
        event: z.string(),
        measure: TrendMeasureSchema,
        /** The breakdown value (null: the property is missing; "(other)": beyond the top values). */
        breakdown: z.string().nullable().optional(),
        /** One point per interval start in range, zeros included. */
        points: z.array(z.object({ at: z.string(), value: z.number() })),
        /** Over the whole range (people: distinct over the range, not a sum of points). */
        total: z.number(),
      }),
    ),
  })
  .meta({ id: 'TrendResult' });
export type TrendResult = z.infer<typeof TrendResultSchema>;

// ---------------------------------------------------------------------------------------------
// Funnels

/**
 * `sequential`: steps in order, other events allowed between them; `strict`: each step must be the
 * person's next event (of any name); `any`: every step within the window, in any order.
 */
export const FUNNEL_ORDERS = ['sequential', 'strict', 'any'] as const;
export const FunnelOrderSchema = z.enum(FUNNEL_ORDERS);

export const FunnelQuerySchema = z
  .object({
    ...Range,
    steps: z.array(InsightEventSchema).min(2, 'steps must list at least two events').max(10),
    /** From the first step: the last step must follow within it. */
    within: InsightDurationSchema.default('30d'),
    order: FunnelOrderSchema.default('sequential'),
    /** A person who did one of these between the first and last step of a conversion is excluded. */
    exclusions: z.array(InsightEventSchema).max(5).default([]),
    breakdown: InsightBreakdownSchema.optional(),
  })
  .meta({ id: 'FunnelQuery' });
export type FunnelQuery = z.infer<typeof FunnelQuerySchema>;

export const FunnelStepResultSchema = z.object({
  event: z.string(),
  /** People who reached this step. */
  people: z.number().int(),
  /** From the first step, 0..1. */
  conversion: z.number(),
  /** From the previous step, 0..1 (1 for the first). */
  stepConversion: z.number(),
  /** Seconds from the previous step, over people who reached this one (null for the first). */
  medianSecondsToConvert: z.number().nullable(),
  averageSecondsToConvert: z.number().nullable(),
});

export const FunnelResultSchema = z
  .object({
    steps: z.array(FunnelStepResultSchema),
    breakdowns: z
      .array(z.object({ breakdown: z.string().nullable(), steps: z.array(FunnelStepResultSchema) }))
      .optional(),
  })
  .meta({ id: 'FunnelResult' });
export type FunnelResult = z.infer<typeof FunnelResultSchema>;

/** The people of a funnel step: who reached it (`converted`) or reached the previous one and stopped (`dropped`). */
export const FunnelPeopleQuerySchema = z
  .object({
    funnel: FunnelQuerySchema,
    /** 0-based step; `dropped` at step i means reached i − 1 and not i (i ≥ 1). */
    step: z.number().int().min(0).max(9),
    outcome: z.enum(['converted', 'dropped']),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .meta({ id: 'FunnelPeopleQuery' });
export type FunnelPeopleQuery = z.infer<typeof FunnelPeopleQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Paths

export const PathsQuerySchema = z
  .object({
    ...Range,
    /** The anchor: paths start at a person's first occurrence of it in range. */
    event: EventName,
    direction: z.enum(['after', 'before']).default('after'),
    /** Events followed from the anchor. */
    steps: z.number().int().min(1).max(6).default(3),
    /** Per step, the most frequent events kept; the rest become "(other)". */
    width: z.number().int().min(2).max(20).default(8),
  })
  .meta({ id: 'PathsQuery' });
export type PathsQuery = z.infer<typeof PathsQuerySchema>;

export const PathsResultSchema = z
  .object({
    /** Node ids are `${step}:${event}`; step 0 is the anchor; "(end)" when a path stops. */
    nodes: z.array(
      z.object({ id: z.string(), step: z.number().int(), event: z.string(), people: z.number().int() }),
    ),
    links: z.array(z.object({ source: z.string(), target: z.string(), people: z.number().int() })),
  })
  .meta({ id: 'PathsResult' });
export type PathsResult = z.infer<typeof PathsResultSchema>;

// ---------------------------------------------------------------------------------------------
// Retention

export const RetentionQuerySchema = z
  .object({
    ...Range,
    /** A person's cohort is the interval of their first occurrence of this event. */
    startEvent: InsightEventSchema,
    /** Returning means doing this event (default: any event) in a later interval. */
    returnEvent: InsightEventSchema.optional(),
    interval: z.enum(['day', 'week', 'month']).default('week'),
    /** How many cohorts, the last one ending at `to` (default 12). */
    cohorts: z.number().int().min(1).max(52).default(12),
  })
  .omit({ from: true })
  .meta({ id: 'RetentionQuery' });
export type RetentionQuery = z.infer<typeof RetentionQuerySchema>;

export const RetentionResultSchema = z
  .object({
    interval: z.enum(['day', 'week', 'month']),
    cohorts: z.array(
      z.object({
        /** The cohort's interval start (weeks start on Monday, UTC). */
        start: z.string(),
        people: z.number().int(),
        /** Period 0 is the cohort's own interval; later periods only where they have ended or begun. */
        periods: z.array(z.object({ period: z.number().int(), people: z.number().int(), rate: z.number() })),
      }),
    ),
  })
  .meta({ id: 'RetentionResult' });
export type RetentionResult = z.infer<typeof RetentionResultSchema>;

// ---------------------------------------------------------------------------------------------
// Attribution

export const ATTRIBUTION_MODELS = [
  'first_touch',
  'last_touch',
  'linear',
  'time_decay',
  'position_based',
] as const;
export const AttributionModelSchema = z.enum(ATTRIBUTION_MODELS);
export type AttributionModel = z.infer<typeof AttributionModelSchema>;

export const AttributionQuerySchema = z
  .object({
    ...Range,
    conversion: InsightEventSchema,
    /** The conversion's numeric property credited as revenue (default `revenue`). */
    revenueProperty: z.string().trim().min(1).max(200).default('revenue'),
    model: AttributionModelSchema.default('last_touch'),
    /** Touches are events carrying UTM parameters (context.campaign), up to this long before the conversion. */
    lookback: InsightDurationSchema.default('30d'),
    /** What a touch is credited to. */
    by: z.enum(['campaign', 'source', 'medium', 'source_medium']).default('campaign'),
    /** time_decay: a touch this long before the conversion counts half as much as one at it. */
    halfLife: InsightDurationSchema.default('7d'),
  })
  .meta({ id: 'AttributionQuery' });
export type AttributionQuery = z.infer<typeof AttributionQuerySchema>;

export const AttributionResultSchema = z
  .object({
    model: AttributionModelSchema,
    by: z.enum(['campaign', 'source', 'medium', 'source_medium']),
    conversions: z.number().int(),
    /** Conversions with no touch in the lookback ("direct / none"). */
    unattributed: z.number().int(),
    revenue: z.number(),
    rows: z.array(
      z.object({
        /** The campaign / source / medium value. */
        value: z.string(),
        /** Fractional under linear, time decay and position-based. */
        conversions: z.number(),
        revenue: z.number(),
        /** Of all attributed conversions, 0..1. */
        share: z.number(),
      }),
    ),
  })
  .meta({ id: 'AttributionResult' });
export type AttributionResult = z.infer<typeof AttributionResultSchema>;

// ---------------------------------------------------------------------------------------------
// Any insight (saved insights and dashboard tiles store one)

export const InsightQuerySchema = z
  .discriminatedUnion('kind', [
    TrendQuerySchema.extend({ kind: z.literal('trend') }),
    FunnelQuerySchema.extend({ kind: z.literal('funnel') }),
    PathsQuerySchema.extend({ kind: z.literal('paths') }),
    RetentionQuerySchema.extend({ kind: z.literal('retention') }),
    AttributionQuerySchema.extend({ kind: z.literal('attribution') }),
  ])
  .meta({ id: 'InsightQuery' });
export type InsightQuery = z.infer<typeof InsightQuerySchema>;
export type InsightKind = InsightQuery['kind'];

/** How a saved insight is drawn. */
export const INSIGHT_CHARTS = ['line', 'bar', 'table', 'funnel', 'sankey', 'cohort'] as const;
export const InsightChartSchema = z.enum(INSIGHT_CHARTS);
export type InsightChart = z.infer<typeof InsightChartSchema>;

/** The answer of `POST /api/v1/insights/query`: the query's kind and its result. */
export const InsightResultSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('trend'), result: TrendResultSchema }),
    z.object({ kind: z.literal('funnel'), result: FunnelResultSchema }),
    z.object({ kind: z.literal('paths'), result: PathsResultSchema }),
    z.object({ kind: z.literal('retention'), result: RetentionResultSchema }),
    z.object({ kind: z.literal('attribution'), result: AttributionResultSchema }),
  ])
  .meta({ id: 'InsightResult' });
export type InsightResult = z.infer<typeof InsightResultSchema>;

/** A page of a funnel step's people (profile ids, sorted) and how many there are in all. */
export const FunnelPeopleResultSchema = z
  .object({ profileIds: z.array(z.string()), total: z.number().int() })
  .meta({ id: 'FunnelPeopleResult' });
export type FunnelPeopleResult = z.infer<typeof FunnelPeopleResultSchema>;

/** Most people a funnel step saves to a list. */
export const MAX_SAVED_FUNNEL_PEOPLE = 100_000;

/** Saves a funnel step's people (such as those who dropped) as a static list. */
export const SaveFunnelPeopleSchema = FunnelPeopleQuerySchema.omit({ limit: true })
  .extend({
    name: z.string().trim().min(1, 'name must not be empty').max(200),
    description: z.string().max(2000).default(''),
  })
  .meta({ id: 'SaveFunnelPeople' });
export type SaveFunnelPeople = z.infer<typeof SaveFunnelPeopleSchema>;

export const SavedFunnelPeopleSchema = z
  .object({
    /** The static list created (`/api/v1/lists/{listId}`). */
    listId: z.string(),
    name: z.string(),
    /** People put on it. */
    people: z.number().int(),
  })
  .meta({ id: 'SavedFunnelPeople' });
export type SavedFunnelPeople = z.infer<typeof SavedFunnelPeopleSchema>;
