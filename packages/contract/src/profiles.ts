import { z } from 'zod';
import { PageQuerySchema } from './paging.js';

/** Built-in identifier types; workspaces add their own external id types (`crm_id`, …). */
export const BUILTIN_IDENTIFIER_TYPES = ['user_id', 'anonymous_id', 'email', 'phone', 'device_id'] as const;

/** An identifier type: a built-in one or a configured external id type (snake_case). */
export const IdentifierTypeSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, {
  error: 'a lower-case identifier type like user_id or crm_id',
});

export const IdentitySchema = z.object({ type: z.string(), value: z.string() }).meta({ id: 'Identity' });
export type Identity = z.infer<typeof IdentitySchema>;

export const CompanyRefSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'CompanyRef' });

/** A unified profile: one person, whatever identifiers they used. */
export const ProfileSchema = z
  .object({
    id: z.string(),
    traits: z.record(z.string(), z.unknown()),
    identities: z.array(IdentitySchema),
    computedTraits: z.record(z.string(), z.unknown()),
    audiences: z.array(z.object({ id: z.string(), name: z.string(), enteredAt: z.string() })),
    companies: z.array(CompanyRefSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof ProfileSchema>;

/** Most traits a profile summary carries: those lists show a person by first, then by name. */
export const MAX_SUMMARY_TRAITS = 100;
/** Trait names a summary carries before the others, when the profile has them. */
export const SUMMARY_FIRST_TRAITS = ['name', 'email', 'firstName', 'first_name', 'lastName', 'last_name'];
/** Longest text a summary's trait value keeps (longer ones end with `…`). */
export const MAX_SUMMARY_TEXT = 200;

/** A profile as lists show it. */
export const ProfileSummarySchema = ProfileSchema.pick({
  id: true,
  identities: true,
  createdAt: true,
  updatedAt: true,
})
  .extend({
    traits: z
      .record(z.string(), z.unknown())
      .describe(
        `At most ${MAX_SUMMARY_TRAITS} traits (name and email first, then by name), texts cut at ${MAX_SUMMARY_TEXT} characters, large objects left out: the profile itself has them all`,
      ),
  })
  .meta({ id: 'ProfileSummary' });
export type ProfileSummary = z.infer<typeof ProfileSummarySchema>;

export const ProfileListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).max(500).optional().describe('An identifier value (prefix) or a trait value'),
});
export const ProfileLookupQuerySchema = z.object({
  type: IdentifierTypeSchema,
  value: z.string().min(1).max(500),
});
export const TimelineQuerySchema = PageQuerySchema.extend({
  event: z.string().min(1).max(500).optional().describe('Only track events of this name'),
});

/** One event of a profile's timeline. */
export const TimelineEventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    event: z.string().nullable(),
    name: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    traits: z.record(z.string(), z.unknown()),
    timestamp: z.string(),
    receivedAt: z.string(),
    messageId: z.string(),
    sourceId: z.string(),
  })
  .meta({ id: 'TimelineEvent' });
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

/** A merge of two profiles, as audited. */
export const ProfileMergeSchema = z
  .object({
    id: z.string().describe('The merge id, for unmerge'),
    survivorId: z.string(),
    mergedId: z.string(),
    eventId: z.string().nullable().describe('The event that linked the two profiles'),
    identities: z.array(IdentitySchema).describe('What the merged profile brought'),
    mergedAt: z.string(),
    undoneAt: z.string().nullable(),
  })
  .meta({ id: 'ProfileMerge' });
export type ProfileMerge = z.infer<typeof ProfileMergeSchema>;

export const UnmergeRequestSchema = z.object({ mergeId: z.string().min(1) });
export const UnmergeResultSchema = z
  .object({ survivor: ProfileSchema, restored: ProfileSchema })
  .meta({ id: 'UnmergeResult' });

const LimitSchema = z.object({
  max: z.number().int().min(1).max(1000),
  windowDays: z.number().int().min(1).max(3650).nullable().optional(),
});

/** Identity resolution rules of a workspace (Segment Unify semantics by default). */
export const IdentitySettingsSchema = z
  .object({
    priority: z.array(IdentifierTypeSchema).describe('Identifier types, most trusted first'),
    limits: z.record(z.string(), LimitSchema).describe('Per type; types not listed allow 5'),
    blockedValues: z.array(z.string().max(500)).describe('Extra values never used as identifiers'),
    externalIdTypes: z.array(IdentifierTypeSchema).describe('Read from context.externalIds and traits'),
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .describe('For phone numbers without a country code'),
    sourcePriority: z.record(z.string(), z.number().int()).describe('Trait priority per source id'),
  })
  .meta({ id: 'IdentitySettings' });
export type IdentitySettings = z.infer<typeof IdentitySettingsSchema>;
/** Most identifier types a workspace's settings name (priority, limits, external ids). */
export const MAX_IDENTIFIER_TYPES = 50;
/** Most extra blocked values, and most sources with a trait priority, in identity settings. */
export const MAX_IDENTITY_SETTING_ENTRIES = 1000;

function boundedRecord<T extends z.ZodType>(value: T, max: number) {
  return z
    .record(z.string().max(500), value)
    .refine((record) => Object.keys(record).length <= max, { error: `at most ${max} entries` });
}

/** A change of the settings: every list and map bounded (the stored settings are answered as they are). */
export const IdentitySettingsPatchSchema = z.object({
  priority: z.array(IdentifierTypeSchema).max(MAX_IDENTIFIER_TYPES).optional(),
  limits: boundedRecord(LimitSchema, MAX_IDENTIFIER_TYPES).optional(),
  blockedValues: z.array(z.string().max(500)).max(MAX_IDENTITY_SETTING_ENTRIES).optional(),
  externalIdTypes: z.array(IdentifierTypeSchema).max(MAX_IDENTIFIER_TYPES).optional(),
  defaultCountry: IdentitySettingsSchema.shape.defaultCountry.optional(),
  sourcePriority: boundedRecord(
    z.number().int().min(-1_000_000).max(1_000_000),
    MAX_IDENTITY_SETTING_ENTRIES,
  ).optional(),
});
export type IdentitySettingsPatch = z.infer<typeof IdentitySettingsPatchSchema>;

/** How far a pipeline stage is behind the log. */
export const PipelineStageStatusSchema = z
  .object({
    stage: z.string(),
    checkpointSeq: z.number().int(),
    headSeq: z.number().int(),
    lagEvents: z.number().int(),
    lagSeconds: z.number(),
  })
  .meta({ id: 'PipelineStageStatus' });
export type PipelineStageStatus = z.infer<typeof PipelineStageStatusSchema>;
export const PipelineStatusSchema = z
  .object({ stages: z.array(PipelineStageStatusSchema) })
  .meta({ id: 'PipelineStatus' });
export type PipelineStatus = z.infer<typeof PipelineStatusSchema>;
