import { z } from 'zod';
import { PageQuerySchema } from './paging.js';
import { LIST_SORT_FIELDS, listSortSchema } from './saved-views.js';

// Pipelines, deals and the sales reports (the CRM section of the API contract).

const NameSchema = z.string().trim().min(1, 'a name is required').max(200);
const ProbabilitySchema = z
  .number()
  .min(0, 'at least 0')
  .max(100, 'at most 100')
  .describe('Percent chance an open deal in this stage is won (0 to 100)');

export const StageInputSchema = z.object({
  id: z.string().min(1).optional().describe('An existing stage of the pipeline (absent: a new stage)'),
  name: NameSchema,
  probability: ProbabilitySchema,
});
export type StageInput = z.infer<typeof StageInputSchema>;

const StagesSchema = z
  .array(StageInputSchema)
  .min(1, 'a pipeline has at least one stage')
  .max(30, 'at most 30 stages')
  .refine((stages) => new Set(stages.map((s) => s.name.toLowerCase())).size === stages.length, {
    message: 'stage names must differ',
  })
  .refine(
    (stages) => {
      const ids = stages.flatMap((s) => (s.id ? [s.id] : []));
      return new Set(ids).size === ids.length;
    },
    { message: 'a stage appears once' },
  );

/** `POST /api/v1/pipelines`. */
export const CreatePipelineSchema = z.object({
  name: NameSchema,
  stages: StagesSchema.describe('In pipeline order'),
});
export type CreatePipeline = z.infer<typeof CreatePipelineSchema>;

/**
 * `PATCH /api/v1/pipelines/{id}`: `stages`, when given, is the whole new list in its order —
 * stages with an id are kept (renamed, re-weighted, moved), without one are added, and stages
 * left out are removed (refused while deals are in them).
 */
export const UpdatePipelineSchema = z.object({
  name: NameSchema.optional(),
  stages: StagesSchema.optional(),
});
export type UpdatePipeline = z.infer<typeof UpdatePipelineSchema>;

export const StageSchema = z
  .object({ id: z.string(), name: z.string(), probability: z.number(), position: z.number().int() })
  .meta({ id: 'Stage' });
export type Stage = z.infer<typeof StageSchema>;

export const PipelineSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    stages: z.array(StageSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Pipeline' });
export type Pipeline = z.infer<typeof PipelineSchema>;

/** What a person is to a deal. */
export const DEAL_ROLES = ['decision_maker', 'champion', 'influencer', 'user', 'blocker', 'other'] as const;
export const DealRoleSchema = z.enum(DEAL_ROLES);
export type DealRole = z.infer<typeof DealRoleSchema>;

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export const DealStatusSchema = z.enum(DEAL_STATUSES);
export type DealStatus = z.infer<typeof DealStatusSchema>;

export const DealPersonSchema = z.object({ profileId: z.string().min(1), role: DealRoleSchema });
export type DealPerson = z.infer<typeof DealPersonSchema>;

const AmountSchema = z.number().min(0, 'at least 0').max(1e15, 'too large').describe('In `currency`');
const CurrencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code, like "EUR"')
  .transform((code) => code.toUpperCase());
const CloseDateSchema = z.iso.date({ error: 'a date like 2026-03-31' });
const FieldsSchema = z
  .record(z.string().min(1).max(100), z.unknown())
  .describe('Custom field values, by field key');

const PeopleSchema = z
  .array(DealPersonSchema)
  .max(100, 'at most 100 people on a deal')
  .refine((people) => new Set(people.map((p) => p.profileId)).size === people.length, {
    message: 'a person appears once',
  });

/** `POST /api/v1/deals`. */
export const CreateDealSchema = z.object({
  name: NameSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  pipelineId: z.string().min(1),
  stageId: z.string().min(1).optional().describe('Default: the pipeline’s first stage'),
  companyId: z.string().min(1).nullable().optional(),
  profileIds: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe('People on the deal (role `other`; `people` names roles)'),
  people: PeopleSchema.optional(),
  ownerId: z.string().min(1).nullable().optional().describe('A member of the workspace (a user id)'),
  closeDate: CloseDateSchema.nullable().optional().describe('Expected close date'),
  fields: FieldsSchema.optional(),
});
export type CreateDeal = z.input<typeof CreateDealSchema>;
export type NewDeal = z.output<typeof CreateDealSchema>;

/** `PATCH /api/v1/deals/{id}`: `status` won / lost closes the deal (lost with a `lostReason`), open reopens it. */
export const UpdateDealSchema = z.object({
  name: NameSchema.optional(),
  amount: AmountSchema.optional(),
  currency: CurrencySchema.optional(),
  pipelineId: z.string().min(1).optional().describe('Moving pipelines: the stage defaults to its first'),
  stageId: z.string().min(1).optional(),
  companyId: z.string().min(1).nullable().optional(),
  ownerId: z.string().min(1).nullable().optional(),
  closeDate: CloseDateSchema.nullable().optional(),
  status: DealStatusSchema.optional(),
  lostReason: z.string().trim().min(1).max(500).nullable().optional(),
  fields: FieldsSchema.optional(),
});
export type UpdateDeal = z.input<typeof UpdateDealSchema>;
export type DealPatch = z.output<typeof UpdateDealSchema>;

/** `GET/PUT /api/v1/deal-settings`. */
export const DealSettingsSchema = z
  .object({
    ownerOnlyEdits: z
      .boolean()
      .describe(
        'Only a deal’s owner (and owners / admins of the workspace) may change a deal that has an owner',
      ),
  })
  .meta({ id: 'DealSettings' });
export type DealSettings = z.infer<typeof DealSettingsSchema>;

/** `PUT /api/v1/deals/{id}/people`: the whole list. */
export const SetDealPeopleSchema = z.object({ people: PeopleSchema });
export type SetDealPeople = z.infer<typeof SetDealPeopleSchema>;

export const DealSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    amount: z.number(),
    currency: z.string(),
    pipelineId: z.string(),
    stageId: z.string(),
    status: DealStatusSchema,
    lostReason: z.string().nullable(),
    companyId: z.string().nullable(),
    companyName: z.string().nullable(),
    ownerId: z.string().nullable(),
    closeDate: z.string().nullable(),
    fields: z.record(z.string(), z.unknown()),
    people: z.array(DealPersonSchema),
    stageEnteredAt: z.string(),
    closedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Deal' });
export type Deal = z.infer<typeof DealSchema>;

export const StageStaySchema = z.object({
  id: z.string(),
  stageId: z.string(),
  stageName: z.string().nullable().describe('null once the stage was removed'),
  fromStageId: z.string().nullable(),
  enteredAt: z.string(),
  enteredBy: z.string().nullable(),
  leftAt: z.string().nullable(),
  leftBy: z.string().nullable(),
});
export type StageStay = z.infer<typeof StageStaySchema>;

export const DealDetailSchema = DealSchema.extend({
  stageHistory: z.array(StageStaySchema).describe('Oldest first'),
}).meta({ id: 'DealDetail' });
export type DealDetail = z.infer<typeof DealDetailSchema>;

/** `GET /api/v1/deals`: newest first. */
export const DealListQuerySchema = PageQuerySchema.extend({
  pipelineId: z.string().min(1).optional(),
  stageId: z.string().min(1).optional(),
  profileId: z.string().min(1).optional(),
  ownerId: z.string().min(1).optional(),
  companyId: z.string().min(1).optional(),
  status: DealStatusSchema.optional(),
  sort: listSortSchema(LIST_SORT_FIELDS.deals),
});
export type DealListQuery = z.infer<typeof DealListQuerySchema>;

// Reports ----------------------------------------------------------------------------------------

export const ReportQuerySchema = z.object({
  pipelineId: z.string().min(1).optional().describe('Default: the workspace’s first pipeline'),
});

const StageTotalsSchema = z.object({
  count: z.number().int(),
  amount: z.number(),
  weightedAmount: z.number().describe('Σ amount × stage probability / 100'),
});

/** `GET /api/v1/reports/pipeline`: open deals by stage. */
export const PipelineReportSchema = z
  .object({
    pipelineId: z.string(),
    stages: z.array(StageTotalsSchema.extend({ stageId: z.string(), name: z.string() })),
    totals: StageTotalsSchema,
  })
  .meta({ id: 'PipelineReport' });
export type PipelineReport = z.infer<typeof PipelineReportSchema>;

/** Forecast categories, by the probability of the stage an open deal is in. */
export const FORECAST_CATEGORIES = {
  commit: { minProbability: 70 },
  bestCase: { minProbability: 40 },
  pipeline: { minProbability: 0 },
} as const;

export const ForecastQuerySchema = ReportQuerySchema.extend({
  from: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'a month like 2026-03')
    .optional()
    .describe('First close month (default: this month)'),
  months: z.coerce.number().int().min(1).max(24).default(6),
});

export const ForecastMonthSchema = z.object({
  month: z.string().describe('YYYY-MM'),
  won: z.number().describe('Amount of deals won with a close date in the month'),
  commit: z.number(),
  bestCase: z.number(),
  pipeline: z.number(),
  weighted: z.number().describe('won + Σ open amount × probability / 100'),
  openCount: z.number().int(),
  wonCount: z.number().int(),
});
export type ForecastMonth = z.infer<typeof ForecastMonthSchema>;

/** `GET /api/v1/reports/forecast`: by close month and category. */
export const ForecastReportSchema = z
  .object({
    pipelineId: z.string(),
    months: z.array(ForecastMonthSchema),
    /** Open deals without a close date, or before `from`: not in any month. */
    undated: z.object({ count: z.number().int(), amount: z.number() }),
    overdue: z.object({ count: z.number().int(), amount: z.number() }),
  })
  .meta({ id: 'ForecastReport' });
export type ForecastReport = z.infer<typeof ForecastReportSchema>;

export const SalesReportQuerySchema = ReportQuerySchema.extend({
  since: z.iso.date({ error: 'a date like 2026-01-01' }).optional().describe('Deals closed from this day'),
  until: z.iso.date({ error: 'a date like 2026-12-31' }).optional().describe('Deals closed up to this day'),
});

const OutcomesSchema = z.object({
  won: z.number().int(),
  lost: z.number().int(),
  wonAmount: z.number(),
  winRate: z.number().nullable().describe('won / (won + lost); null with no closed deal'),
  averageDealSize: z.number().nullable().describe('Mean amount of won deals'),
  salesCycleDays: z.number().nullable().describe('Mean days from creation to win'),
});

/** `GET /api/v1/reports/sales`: outcomes of closed deals, overall and per owner. */
export const SalesReportSchema = z
  .object({
    pipelineId: z.string(),
    overall: OutcomesSchema.extend({ openCount: z.number().int(), openAmount: z.number() }),
    owners: z.array(
      OutcomesSchema.extend({
        ownerId: z.string().nullable(),
        openCount: z.number().int(),
        openAmount: z.number(),
      }),
    ),
  })
  .meta({ id: 'SalesReport' });
export type SalesReport = z.infer<typeof SalesReportSchema>;

/** `GET /api/v1/reports/stages`: conversion and probabilities learned from the stage history. */
export const StageReportSchema = z
  .object({
    pipelineId: z.string(),
    stages: z.array(
      z.object({
        stageId: z.string(),
        name: z.string(),
        configuredProbability: z.number(),
        entered: z.number().int().describe('Deals that ever entered the stage'),
        closed: z.number().int().describe('Of those, deals now won or lost'),
        won: z.number().int(),
        learnedProbability: z
          .number()
          .nullable()
          .describe('Percent of the closed deals that entered the stage and were won; null: none closed'),
        conversionToNext: z
          .number()
          .nullable()
          .describe('Percent of deals that entered the stage and later reached a later stage or were won'),
      }),
    ),
  })
  .meta({ id: 'StageReport' });
export type StageReport = z.infer<typeof StageReportSchema>;
