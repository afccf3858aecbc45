import { z } from 'zod';
import { DurationSchema, PropertyConditionSchema, PropertyNameSchema } from './audiences.js';
import { MAX_WHERE_CONDITIONS } from './rule-limits.js';

export const COMPUTED_TRAIT_KINDS = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'most_frequent',
  'first',
  'last',
  'unique_list',
  'unique_count',
] as const;
export const ComputedTraitKindSchema = z.enum(COMPUTED_TRAIT_KINDS);
export type ComputedTraitKind = z.infer<typeof ComputedTraitKindSchema>;

const ComputedTraitFields = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('How profiles and audiences name it: computedTraits[name]'),
  kind: ComputedTraitKindSchema,
  event: z.string().min(1).max(200).describe('The track event aggregated'),
  property: PropertyNameSchema.optional().describe('The event property aggregated (not needed for count)'),
  where: z.array(PropertyConditionSchema).max(MAX_WHERE_CONDITIONS).optional(),
  within: DurationSchema.optional().describe('Window; absent means all time'),
});

/** A computed trait definition as created. */
export const CreateComputedTraitSchema = ComputedTraitFields;
export type CreateComputedTrait = z.infer<typeof CreateComputedTraitSchema>;
export const UpdateComputedTraitSchema = ComputedTraitFields.partial();
export type UpdateComputedTrait = z.infer<typeof UpdateComputedTraitSchema>;

export const ComputedTraitSchema = ComputedTraitFields.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'ComputedTrait' });
export type ComputedTrait = z.infer<typeof ComputedTraitSchema>;

/** A definition to try out before saving it. */
export const ComputedTraitPreviewRequestSchema = z.object({ definition: CreateComputedTraitSchema });
export type ComputedTraitPreviewRequest = z.infer<typeof ComputedTraitPreviewRequestSchema>;

/** The trait's value on a sample of the profiles that performed its event recently. */
export const ComputedTraitPreviewSchema = z
  .object({
    profiles: z.number().int().describe('Profiles in the sample'),
    withValue: z.number().int().describe('Profiles of the sample with a value (not empty, not 0)'),
    sample: z.array(z.object({ profileId: z.string(), value: z.unknown() })),
  })
  .meta({ id: 'ComputedTraitPreview' });
export type ComputedTraitPreview = z.infer<typeof ComputedTraitPreviewSchema>;
