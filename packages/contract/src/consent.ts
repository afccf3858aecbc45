import { z } from 'zod';

/** The purpose every profile has granted, whatever it says: what the service cannot run without. */
export const NECESSARY_PURPOSE = 'necessary';

/**
 * What a purpose means for a profile that has never decided: `opt-out` = granted until refused,
 * `opt-in` = refused until granted.
 */
export const CONSENT_MODES = ['opt-in', 'opt-out'] as const;
export const ConsentModeSchema = z.enum(CONSENT_MODES);
export type ConsentMode = z.infer<typeof ConsentModeSchema>;

/**
 * Where a decision came from: an event's `context.consent`, the admin API, an import, the public
 * preference page (the person themself, from a link in an email).
 */
export const CONSENT_SOURCE_KINDS = ['event', 'api', 'import', 'preference_page'] as const;
export const ConsentSourceKindSchema = z.enum(CONSENT_SOURCE_KINDS);
export type ConsentSourceKind = z.infer<typeof ConsentSourceKindSchema>;

export const PurposeKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "-" or "_" (at most 64)')
  .describe('What events and destinations call the purpose (a categoryPreferences key)');

const AliasesSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(20)
  .describe(
    'Other category names that mean this purpose (a consent manager’s, e.g. "C0004" or "Advertising"), matched without regard to case',
  );

const PurposeFields = z.object({
  key: PurposeKeySchema,
  label: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000),
  defaultMode: ConsentModeSchema.nullable().describe(
    'For profiles that never decided on this purpose; null follows the workspace default',
  ),
  aliases: AliasesSchema,
});

export const ConsentPurposeSchema = PurposeFields.extend({
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'ConsentPurpose' });
export type ConsentPurpose = z.infer<typeof ConsentPurposeSchema>;

export const CreateConsentPurposeSchema = PurposeFields.extend({
  description: PurposeFields.shape.description.default(''),
  defaultMode: PurposeFields.shape.defaultMode.default(null),
  aliases: AliasesSchema.default([]),
});
export type CreateConsentPurpose = z.input<typeof CreateConsentPurposeSchema>;
/** A purpose to create, its defaults filled. */
export type NewConsentPurpose = z.output<typeof CreateConsentPurposeSchema>;

export const UpdateConsentPurposeSchema = PurposeFields.omit({ key: true }).partial();
export type UpdateConsentPurpose = z.infer<typeof UpdateConsentPurposeSchema>;

export const PurposeKeyParamsSchema = z.object({ key: z.string().min(1).max(64) });

/** `GET /api/v1/consent/purposes/{key}/readers`: what requires the purpose, so removing it stops. */
export const PurposeReadersSchema = z
  .object({
    readers: z
      .array(z.string())
      .describe('e.g. `audience "VIPs"`, `destination "Ads"`, `every marketing email`'),
  })
  .meta({ id: 'PurposeReaders' });
export type PurposeReaders = z.infer<typeof PurposeReadersSchema>;

/** The workspace's default for profiles and events with no consent information. */
export const ConsentSettingsSchema = z
  .object({
    defaultMode: ConsentModeSchema.describe(
      'opt-out: granted until refused; opt-in: refused until granted (a purpose may override it)',
    ),
  })
  .meta({ id: 'ConsentSettings' });
export type ConsentSettings = z.infer<typeof ConsentSettingsSchema>;

/** `PUT /api/v1/profiles/{id}/consent`: decisions recorded on behalf of the person. */
export const RecordConsentSchema = z.object({
  purposes: z
    .record(PurposeKeySchema, z.boolean())
    .refine((purposes) => Object.keys(purposes).length > 0, 'name at least one purpose')
    .describe('Purpose key → granted'),
  source: z
    .enum(['api', 'import'])
    .default('api')
    .describe('api: recorded by the caller (kept with its principal); import: from another system'),
  decidedAt: z.iso
    .datetime({ offset: true, error: 'an ISO 8601 date-time' })
    .optional()
    .describe('When the person decided (default: now); an older decision never overrides a newer one'),
  note: z.string().trim().max(500).optional().describe('Why, or where it was collected'),
});
export type RecordConsent = z.input<typeof RecordConsentSchema>;
/** Decisions to record, their defaults filled. */
export type ConsentToRecord = z.output<typeof RecordConsentSchema>;

export const ConsentSourceSchema = z.object({
  kind: ConsentSourceKindSchema,
  eventId: z.string().nullable().describe('The event that carried it (kind event)'),
  sourceId: z.string().nullable().describe('The source of that event'),
  principal: z.string().nullable().describe('Who recorded it (a user or token id; kinds api, import)'),
  note: z.string().nullable(),
});
export type ConsentSource = z.infer<typeof ConsentSourceSchema>;

/** What proves a decision was the person's: where it came from, and what they were shown. */
export const ConsentProofSchema = z.object({
  ip: z.string().nullable().describe("The person's IP address (an event's context.ip, the page's request)"),
  userAgent: z
    .string()
    .nullable()
    .describe("The person's browser (an event's context.userAgent, the page's)"),
  wording: z.string().nullable().describe('The text the person was shown, when known (the preference page)'),
  wordingVersion: z
    .string()
    .nullable()
    .describe('The version of that text (when the purpose was last edited)'),
});
export type ConsentProof = z.infer<typeof ConsentProofSchema>;

export const ConsentDecisionSchema = z
  .object({
    id: z.string(),
    category: z.string().describe('The key as received'),
    purpose: z
      .string()
      .nullable()
      .describe('The purpose it counts for; null: no such purpose (history only)'),
    granted: z.boolean(),
    decidedAt: z.string(),
    recordedAt: z.string(),
    source: ConsentSourceSchema,
    proof: ConsentProofSchema,
  })
  .meta({ id: 'ConsentDecision' });
export type ConsentDecision = z.infer<typeof ConsentDecisionSchema>;

export const PurposeStateSchema = z.object({
  granted: z.boolean(),
  updatedAt: z.string().nullable().describe('When the deciding decision was made; null for a default'),
  basis: z.enum(['decision', 'default', 'necessary']),
});
export type PurposeState = z.infer<typeof PurposeStateSchema>;

export const ProfileConsentSchema = z
  .object({
    profileId: z.string(),
    purposes: z.record(z.string(), PurposeStateSchema),
    history: z.array(ConsentDecisionSchema).describe('Newest first (at most 500)'),
  })
  .meta({ id: 'ProfileConsent' });
export type ProfileConsent = z.infer<typeof ProfileConsentSchema>;

/** `GET /api/v1/profiles/{id}/consent/history`: every decision, newest first, a page at a time. */
export const ConsentHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
  purpose: z.string().min(1).max(64).optional().describe('Only decisions on this purpose'),
});
export type ConsentHistoryQuery = z.infer<typeof ConsentHistoryQuerySchema>;

export const ConsentHistoryPageSchema = z
  .object({
    profileId: z.string().describe('The live profile (a merged-away id answers with its survivor)'),
    data: z.array(ConsentDecisionSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ConsentHistoryPage' });
export type ConsentHistoryPage = z.infer<typeof ConsentHistoryPageSchema>;

/** A recent decision in the workspace, with the profile it is on. */
export const RecentConsentDecisionSchema = ConsentDecisionSchema.extend({ profileId: z.string() }).meta({
  id: 'RecentConsentDecision',
});
export type RecentConsentDecision = z.infer<typeof RecentConsentDecisionSchema>;

/** `GET /api/v1/consent/overview`: the consent center's figures. */
export const ConsentOverviewSchema = z
  .object({
    purposes: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        granted: z.number().int().describe('People whose latest decision grants it'),
        withdrawn: z.number().int().describe('People whose latest decision refuses it'),
      }),
    ),
    recent: z.array(RecentConsentDecisionSchema).describe('The latest decisions recorded, newest first'),
  })
  .meta({ id: 'ConsentOverview' });
export type ConsentOverview = z.infer<typeof ConsentOverviewSchema>;

/** `POST /api/v1/profiles/{id}/consent/preference-link`: the person's public preference page. */
export const PreferenceLinkSchema = z
  .object({
    url: z.string().describe('The public preference page of the person: email topics and consent purposes'),
  })
  .meta({ id: 'PreferenceLink' });
export type PreferenceLink = z.infer<typeof PreferenceLinkSchema>;
