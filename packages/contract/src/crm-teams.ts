import { z } from 'zod';

/** How a team hands out leads: in turn, or by the first matching rule (then in turn). */
export const ASSIGNMENT_STRATEGIES = ['round_robin', 'rule'] as const;
export const AssignmentStrategySchema = z.enum(ASSIGNMENT_STRATEGIES);

export const TeamMemberSchema = z.object({
  userId: z.string().min(1).max(100),
  away: z.boolean().describe('Skipped by round robin while away'),
  capacity: z
    .number()
    .int()
    .min(0)
    .nullable()
    .describe(
      'Most open leads (people owned, stage unset, subscriber, lead, MQL or SQL) before being skipped',
    ),
});

export const AssignmentRuleSchema = z.object({
  when: z.enum(['lifecycleStage', 'leadStatus', 'tag', 'emailDomain']),
  equals: z.string().trim().min(1).max(200),
  userId: z.string().min(1).max(100),
});
export type AssignmentRule = z.infer<typeof AssignmentRuleSchema>;

export const TeamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    strategy: AssignmentStrategySchema,
    members: z.array(TeamMemberSchema),
    rules: z.array(AssignmentRuleSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Team' });
export type Team = z.infer<typeof TeamSchema>;

const TeamFields = {
  name: z.string().trim().min(1).max(100),
  strategy: AssignmentStrategySchema,
  members: z
    .array(
      TeamMemberSchema.extend({
        away: z.boolean().default(false),
        capacity: z.number().int().min(0).nullable().default(null),
      }),
    )
    .max(200),
  rules: z.array(AssignmentRuleSchema).max(100),
};
export const CreateTeamSchema = z.strictObject({
  ...TeamFields,
  strategy: TeamFields.strategy.default('round_robin'),
  members: TeamFields.members.default([]),
  rules: TeamFields.rules.default([]),
});
export type CreateTeam = z.input<typeof CreateTeamSchema>;
export const UpdateTeamSchema = z.strictObject(TeamFields).partial();
export type UpdateTeam = z.input<typeof UpdateTeamSchema>;

export const AssignLeadsSchema = z.strictObject({ profileIds: z.array(z.string().min(1)).min(1).max(1000) });
export const AssignmentResultSchema = z.object({
  assignments: z.array(
    z.object({
      profileId: z.string(),
      ownerId: z.string().nullable(),
      reason: z.enum(['rule', 'round_robin', 'nobody_available']),
    }),
  ),
});
export type AssignmentResult = z.infer<typeof AssignmentResultSchema>;
