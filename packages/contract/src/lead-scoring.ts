import { z } from 'zod';
import { ComputedTraitRuleSchema, EventRuleSchema, TraitRuleSchema } from './audiences.js';

/** Who the person is (traits, company fields) or what they did (events, computed traits). */
export const LEAD_SCORE_GROUPS = ['fit', 'engagement'] as const;
export const LeadScoreGroupSchema = z.enum(LEAD_SCORE_GROUPS);
export type LeadScoreGroup = z.infer<typeof LeadScoreGroupSchema>;

/** Rules a workspace's scoring may hold. */
export const MAX_LEAD_SCORING_RULES = 100;
/** Largest points (either sign) one rule may give, and largest cap. */
export const MAX_LEAD_SCORE_POINTS = 100_000;

/**
 * One leaf of the audience rule language: a trait (`company.<field>` reads the person's
 * companies), an event, or a computed trait.
 */
export const LeadScoreConditionSchema = z
  .union([TraitRuleSchema, EventRuleSchema, ComputedTraitRuleSchema])
  .meta({ id: 'LeadScoreCondition' });
export type LeadScoreCondition = z.infer<typeof LeadScoreConditionSchema>;

const PointsSchema = z.number().int().min(-MAX_LEAD_SCORE_POINTS).max(MAX_LEAD_SCORE_POINTS);
const CapSchema = z.number().int().min(0).max(MAX_LEAD_SCORE_POINTS);

export const LeadScoringRuleSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    group: LeadScoreGroupSchema,
    condition: LeadScoreConditionSchema,
    points: PointsSchema.describe('Points when the condition holds (negative points lower the score)'),
    perEvent: z
      .boolean()
      .optional()
      .describe('Engagement event rules: the points count once for each matching event'),
    decayDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .describe("Engagement event rules: an event's points fade to nothing over this many days"),
  })
  .meta({ id: 'LeadScoringRule' });
export type LeadScoringRule = z.infer<typeof LeadScoringRuleSchema>;

export const LeadScoringSettingsSchema = z
  .strictObject({
    rules: z.array(LeadScoringRuleSchema).max(MAX_LEAD_SCORING_RULES),
    groupCaps: z
      .strictObject({ fit: CapSchema.optional(), engagement: CapSchema.optional() })
      .optional()
      .describe('Most points each group may add to the score'),
    cap: CapSchema.optional().describe('Most points the whole score may reach'),
  })
  .meta({ id: 'LeadScoringSettings' });
export type LeadScoringSettings = z.infer<typeof LeadScoringSettingsSchema>;

export const LeadScoringSchema = LeadScoringSettingsSchema.extend({
  updatedAt: z.string().nullable(),
  rescore: z
    .object({
      running: z.boolean(),
      scored: z.number().int().describe('Profiles rescored since the last edit of the rules'),
    })
    .describe('The rescore of every profile that an edit of the rules starts'),
}).meta({ id: 'LeadScoring' });
export type LeadScoring = z.infer<typeof LeadScoringSchema>;

/** A rule's part in a score. */
export const LeadScoreContributionSchema = z
  .object({
    rule: z.string(),
    group: LeadScoreGroupSchema,
    points: z.number().int().describe('After decay, before the caps'),
    events: z.number().int().optional().describe('Matching events counted (event rules)'),
  })
  .meta({ id: 'LeadScoreContribution' });
export type LeadScoreContribution = z.infer<typeof LeadScoreContributionSchema>;

/** Why a score changed. */
export const LEAD_SCORE_CHANGE_REASONS = ['event', 'rules', 'decay', 'rederive'] as const;
export type LeadScoreChangeReason = (typeof LEAD_SCORE_CHANGE_REASONS)[number];

export const LeadScoreChangeSchema = z
  .object({
    at: z.string(),
    reason: z.enum(LEAD_SCORE_CHANGE_REASONS),
    total: z.number().int(),
    fit: z.number().int(),
    engagement: z.number().int(),
    previousTotal: z.number().int(),
    changes: z
      .array(z.object({ rule: z.string(), from: z.number().int(), to: z.number().int() }))
      .describe('Rules whose points changed'),
  })
  .meta({ id: 'LeadScoreChange' });
export type LeadScoreChange = z.infer<typeof LeadScoreChangeSchema>;

export const LeadScoreSchema = z
  .object({
    profileId: z.string(),
    total: z.number().int(),
    fit: z.number().int(),
    engagement: z.number().int(),
    breakdown: z.array(LeadScoreContributionSchema),
    scoredAt: z.string().nullable(),
    history: z.array(LeadScoreChangeSchema).describe('Newest first, bounded'),
  })
  .meta({ id: 'LeadScore' });
export type LeadScore = z.infer<typeof LeadScoreSchema>;

/** A lead in the list of the highest scores. */
export const ScoredLeadSchema = z
  .object({
    profileId: z.string(),
    total: z.number().int(),
    fit: z.number().int(),
    engagement: z.number().int(),
    scoredAt: z.string(),
  })
  .meta({ id: 'ScoredLead' });
export type ScoredLead = z.infer<typeof ScoredLeadSchema>;

export const TopLeadsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(25),
});

export const LeadScoreBandSchema = z
  .object({
    label: z.string(),
    min: z.number().int().nullable(),
    max: z.number().int().nullable(),
    won: z.number().int(),
    lost: z.number().int(),
    winRate: z.number().nullable().describe('won / (won + lost); null without closed deals'),
  })
  .meta({ id: 'LeadScoreBand' });
export type LeadScoreBand = z.infer<typeof LeadScoreBandSchema>;

export const LeadScoreCalibrationSchema = z
  .object({
    dealsConnected: z.boolean().describe('Whether deal outcomes are available to compare with'),
    bands: z.array(LeadScoreBandSchema),
    won: z.number().int(),
    lost: z.number().int(),
  })
  .meta({ id: 'LeadScoreCalibration' });
export type LeadScoreCalibration = z.infer<typeof LeadScoreCalibrationSchema>;
