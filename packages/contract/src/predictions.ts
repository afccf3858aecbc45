import { z } from 'zod';

/**
 * Predictions: buy-till-you-die models (BG/NBD for purchases and P(alive), Gamma-Gamma for spend)
 * fitted per workspace on its own orders, churn risk, RFM segments and a predictive lead score,
 * refreshed on a schedule and written to each person as `predicted_*` traits.
 */

export const PREDICTION_MODELS = ['bgnbd', 'gamma-gamma'] as const;
export const PredictionModelSchema = z.enum(PREDICTION_MODELS);
export type PredictionModel = z.infer<typeof PredictionModelSchema>;

export const PREDICTION_TIME_UNITS = ['day', 'week'] as const;
export const PredictionTimeUnitSchema = z.enum(PREDICTION_TIME_UNITS);
export type PredictionTimeUnit = z.infer<typeof PredictionTimeUnitSchema>;

const EventNameSchema = z.string().trim().min(1, 'name the order event, such as "Order Completed"').max(200);
const PropertyNameSchema = z.string().trim().min(1).max(200);
const IsoDateSchema = z.iso.date('must be a date such as 2024-09-30');

export const PredictionFitRequestSchema = z
  .strictObject({
    model: PredictionModelSchema,
    event: EventNameSchema.describe('The order event: each one is a purchase'),
    valueProperty: PropertyNameSchema.optional().describe(
      'The property holding the order value (Gamma-Gamma needs it)',
    ),
    calibrationEnd: IsoDateSchema.optional().describe(
      'Orders after this UTC date are ignored; default today',
    ),
    timeUnit: PredictionTimeUnitSchema,
  })
  .meta({ id: 'PredictionFitRequest' });
export type PredictionFitRequest = z.infer<typeof PredictionFitRequestSchema>;

export const BgNbdParamsSchema = z.object({ r: z.number(), alpha: z.number(), a: z.number(), b: z.number() });
export const GammaGammaParamsSchema = z.object({ p: z.number(), q: z.number(), gamma: z.number() });

export const PredictionFitSchema = z
  .object({
    params: z.union([BgNbdParamsSchema, GammaGammaParamsSchema]),
    logLikelihood: z.number(),
    customers: z.number().int().describe('Customers the model was fitted on (Gamma-Gamma: repeat buyers)'),
  })
  .meta({ id: 'PredictionFit' });
export type PredictionFit = z.infer<typeof PredictionFitSchema>;

export const PredictionSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    orderEvent: EventNameSchema,
    valueProperty: PropertyNameSchema.nullable(),
    timeUnit: PredictionTimeUnitSchema,
    refreshHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .describe('Hours between scheduled refreshes'),
  })
  .meta({ id: 'PredictionSettings' });
export type PredictionSettings = z.infer<typeof PredictionSettingsSchema>;

export const CHURN_RISKS = ['low', 'medium', 'high'] as const;
export const ChurnRiskSchema = z.enum(CHURN_RISKS);
export type ChurnRisk = z.infer<typeof ChurnRiskSchema>;

export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential loyalists',
  'New customers',
  'Promising',
  'Need attention',
  'About to sleep',
  'At risk',
  "Can't lose them",
  'Hibernating',
  'Lost',
] as const;
export const RfmSegmentSchema = z.enum(RFM_SEGMENTS);
export type RfmSegment = z.infer<typeof RfmSegmentSchema>;

export const RfmScoreSchema = z.object({
  recency: z.number().int().min(1).max(5),
  frequency: z.number().int().min(1).max(5),
  monetary: z.number().int().min(1).max(5),
  segment: RfmSegmentSchema,
});
export type RfmScore = z.infer<typeof RfmScoreSchema>;

export const PersonPredictionsSchema = z
  .object({
    profileId: z.string(),
    computedAt: z.string(),
    purchases: z.number().int().describe('Purchases so far (distinct UTC dates)'),
    daysSinceLastPurchase: z.number().nullable(),
    expectedPurchases30d: z.number().nullable(),
    expectedPurchases90d: z.number().nullable(),
    probabilityAlive: z.number().nullable(),
    expectedSpend: z.number().nullable().describe('Expected value of each future purchase'),
    lifetimeValue12m: z.number().nullable().describe('Discounted value of the next 12 months (1% a month)'),
    churnRisk: ChurnRiskSchema.nullable(),
    rfm: RfmScoreSchema.nullable(),
    leadScore: z.number().nullable().describe('Predicted chance (0-100) that a deal with this person is won'),
  })
  .meta({ id: 'PersonPredictions' });
export type PersonPredictions = z.infer<typeof PersonPredictionsSchema>;

export const LeadScoreFeatureWeightSchema = z.object({
  feature: z.string(),
  weight: z.number().describe('Change in log-odds of winning per standard deviation of the feature'),
});
export const LeadScoreCalibrationRowSchema = z.object({
  decile: z.number().int().min(1).max(10),
  people: z.number().int(),
  predicted: z.number().describe('Mean predicted win rate in the decile'),
  actual: z.number().describe('Share of these people whose deal was won'),
});

export const PredictiveLeadScoreSchema = z.object({
  won: z.number().int(),
  lost: z.number().int(),
  features: z.array(LeadScoreFeatureWeightSchema),
  calibration: z.array(LeadScoreCalibrationRowSchema),
});
export type PredictiveLeadScore = z.infer<typeof PredictiveLeadScoreSchema>;

export const PredictionRunSchema = z.object({
  status: z.enum(['running', 'done', 'failed']),
  trigger: z.enum(['schedule', 'manual']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type PredictionRun = z.infer<typeof PredictionRunSchema>;

const CountSchema = z.number().int();

export const PredictionsOverviewSchema = z
  .object({
    settings: PredictionSettingsSchema,
    lastRun: PredictionRunSchema.nullable(),
    fittedAt: z.string().nullable(),
    orders: CountSchema.describe(
      'Purchases at the last refresh (orders of one customer on one UTC date count once)',
    ),
    bgNbd: PredictionFitSchema.nullable(),
    gammaGamma: PredictionFitSchema.nullable(),
    probabilityAlive: z
      .array(z.object({ from: z.number(), to: z.number(), people: CountSchema }))
      .describe('P(alive) in ten bands of 0.1'),
    churnRisk: z.object({ low: CountSchema, medium: CountSchema, high: CountSchema }),
    rfmSegments: z.array(z.object({ segment: RfmSegmentSchema, people: CountSchema })),
    rfmGrid: z
      .array(z.object({ recency: z.number().int(), frequency: z.number().int(), people: CountSchema }))
      .describe('People by recency and frequency score'),
    leadScore: PredictiveLeadScoreSchema.nullable(),
  })
  .meta({ id: 'PredictionsOverview' });
export type PredictionsOverview = z.infer<typeof PredictionsOverviewSchema>;

/**
 * Churn bands, as the UI states them: high when P(alive) is below 0.3 or the last purchase is more
 * than 180 days old; medium below 0.6 or after 90 days; low otherwise. (BG/NBD gives a one-time
 * buyer P(alive) = 1, so recency is what flags them.)
 */
export const CHURN_THRESHOLDS = {
  highBelowProbabilityAlive: 0.3,
  mediumBelowProbabilityAlive: 0.6,
  highAfterDays: 180,
  mediumAfterDays: 90,
} as const;
