import { z } from 'zod';
import { MAX_CONDITION_VALUES, MAX_WHERE_CONDITIONS, ruleLimitProblem } from './rule-limits.js';

/** A window like `30d`, `12h` or `90m`. */
export const DurationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[mhd]$/, { error: 'a duration like 90m, 12h or 30d' })
  .describe('<n>m, <n>h or <n>d');
export type Duration = z.infer<typeof DurationSchema>;

/** Operators of trait, property and computed-trait conditions. */
export const CONDITION_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'in',
  'not_in',
  'exists',
  'not_exists',
  'before',
  'after',
  'within_last',
] as const;
export const ConditionOpSchema = z.enum(CONDITION_OPS);
export type ConditionOp = z.infer<typeof ConditionOpSchema>;

const ScalarSchema = z.union([z.string().max(1000), z.number(), z.boolean()]);
/** What a condition compares with: a scalar, or a list of them for `in` / `not_in`. */
export const ConditionValueSchema = z.union([ScalarSchema, z.array(ScalarSchema).max(MAX_CONDITION_VALUES)]);
export type ConditionValue = z.infer<typeof ConditionValueSchema>;

/** A top-level event property (no quotes or backslashes, so every engine can address it). */
export const PropertyNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^"\\]+$/, { error: 'a property name without quotes or backslashes' });

export const PropertyConditionSchema = z
  .strictObject({
    property: PropertyNameSchema,
    op: ConditionOpSchema,
    value: ConditionValueSchema.optional(),
  })
  .meta({ id: 'PropertyCondition' });
export type PropertyCondition = z.infer<typeof PropertyConditionSchema>;

export const COUNT_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
export const CountConditionSchema = z.strictObject({
  op: z.enum(COUNT_OPS),
  value: z.number().int().min(0).max(1_000_000_000),
});
export type CountCondition = z.infer<typeof CountConditionSchema>;

export interface TraitRule {
  trait: string;
  op: ConditionOp;
  value?: ConditionValue | undefined;
}
export interface EventRule {
  event: string;
  where?: PropertyCondition[] | undefined;
  count?: CountCondition | undefined;
  within?: Duration | undefined;
}
export interface ComputedTraitRule {
  computedTrait: string;
  op: ConditionOp;
  value?: ConditionValue | undefined;
}
export interface AudienceRefRule {
  audience: string;
}
/** An audience rule: a tree of all/any/not groups over trait, event, computed-trait and audience leaves. */
export type AudienceRule =
  | { all: AudienceRule[] }
  | { any: AudienceRule[] }
  | { not: AudienceRule }
  | TraitRule
  | EventRule
  | ComputedTraitRule
  | AudienceRefRule;

const NameSchema = z.string().min(1).max(200);

/** The leaves of a rule on what a person is and did (lead scoring takes these alone). */
export const TraitRuleSchema = z.strictObject({
  trait: NameSchema,
  op: ConditionOpSchema,
  value: ConditionValueSchema.optional(),
});
export const EventRuleSchema = z.strictObject({
  event: NameSchema,
  where: z.array(PropertyConditionSchema).max(MAX_WHERE_CONDITIONS).optional(),
  count: CountConditionSchema.optional(),
  within: DurationSchema.optional(),
});
export const ComputedTraitRuleSchema = z.strictObject({
  computedTrait: NameSchema,
  op: ConditionOpSchema,
  value: ConditionValueSchema.optional(),
});

// The tree itself, recursive and without the size limits: stored rules are answered with it.
const RuleTreeSchema: z.ZodType<AudienceRule> = z
  .lazy(() =>
    z.union([
      z.strictObject({ all: z.array(RuleTreeSchema).min(1).max(100) }),
      z.strictObject({ any: z.array(RuleTreeSchema).min(1).max(100) }),
      z.strictObject({ not: RuleTreeSchema }),
      TraitRuleSchema,
      EventRuleSchema,
      ComputedTraitRuleSchema,
      z.strictObject({ audience: z.string().min(1) }),
    ]),
  )
  .meta({ id: 'AudienceRule' });

/**
 * A rule as stored, for answers that embed one: a response is encoded, and the accepted schema's
 * size check (a preprocess) cannot run backwards.
 */
export const StoredAudienceRuleSchema = RuleTreeSchema;

/**
 * A rule as accepted: its depth and number of conditions are measured first, without
 * recursion (see rule-limits.ts), so a hostile rule is refused naming the limit before the
 * recursive schema could overflow the stack on it.
 */
export const AudienceRuleSchema = z.preprocess((rule, context) => {
  const problem = ruleLimitProblem(rule);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: rule });
  return rule;
}, RuleTreeSchema);

export const AudienceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    rule: RuleTreeSchema,
    requiredPurpose: z
      .string()
      .nullable()
      .describe('A consent purpose members must have granted (null: none)'),
    createdAt: z.string(),
    updatedAt: z.string(),
    memberCount: z.number().int().optional().describe('Current members (in lists and reads of one audience)'),
  })
  .meta({ id: 'Audience' });
export type Audience = z.infer<typeof AudienceSchema>;

export const CreateAudienceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  rule: AudienceRuleSchema,
  requiredPurpose: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a consent purpose key')
    .nullable()
    .optional()
    .describe('Only people who granted this consent purpose are members (null or absent: none)'),
});
export type CreateAudience = z.infer<typeof CreateAudienceSchema>;
export const UpdateAudienceSchema = CreateAudienceSchema.partial();
export type UpdateAudience = z.infer<typeof UpdateAudienceSchema>;

export const AudienceMemberSchema = z
  .object({ profileId: z.string(), enteredAt: z.string() })
  .meta({ id: 'AudienceMember' });
export type AudienceMember = z.infer<typeof AudienceMemberSchema>;

export const AudiencePreviewRequestSchema = z.object({
  rule: AudienceRuleSchema,
  requiredPurpose: CreateAudienceSchema.shape.requiredPurpose,
});
export const AudiencePreviewSchema = z
  .object({ count: z.number().int(), sample: z.array(z.string()) })
  .meta({ id: 'AudiencePreview' });
export type AudiencePreview = z.infer<typeof AudiencePreviewSchema>;

/** The events Tandem appends to the log when a profile enters or leaves an audience. */
export const AUDIENCE_ENTERED_EVENT = 'Audience Entered';
export const AUDIENCE_EXITED_EVENT = 'Audience Exited';
