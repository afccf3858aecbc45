import { z } from 'zod';
import { JourneyDurationSchema } from './journeys.js';

/** A subscription topic: marketing email belongs to one; people subscribe per topic. */
export const EmailTopicInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  /** Opt-out topic (true): people are subscribed until they say no; opt-in (false): until they say yes. */
  defaultSubscribed: z.boolean().default(false),
});
// No defaults: a field left out of a change keeps its value.
export const UpdateEmailTopicSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  defaultSubscribed: z.boolean().optional(),
});
export const EmailTopicSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    defaultSubscribed: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'EmailTopic' });
export type EmailTopic = z.infer<typeof EmailTopicSchema>;
export type EmailTopicInput = z.input<typeof EmailTopicInputSchema>;

/** Where a subscription change came from (kept in the person's history). */
export const SUBSCRIPTION_SOURCES = [
  'preference_page',
  'one_click',
  'link',
  'mailto',
  'admin',
  'api',
] as const;
export const SubscriptionSourceSchema = z.enum(SUBSCRIPTION_SOURCES);
export type SubscriptionSource = z.infer<typeof SubscriptionSourceSchema>;

/** Why an address gets no email at all (transactional included). */
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'manual'] as const;
export const SuppressionReasonSchema = z.enum(SUPPRESSION_REASONS);
export type SuppressionReason = z.infer<typeof SuppressionReasonSchema>;

export const CreateSuppressionSchema = z.object({
  address: z.email(),
  reason: SuppressionReasonSchema.default('manual'),
  note: z.string().max(500).default(''),
});
export const SuppressionSchema = z
  .object({
    address: z.string(),
    reason: SuppressionReasonSchema,
    note: z.string(),
    profileId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'EmailSuppression' });
export type Suppression = z.infer<typeof SuppressionSchema>;
export const SuppressionListQuerySchema = z.object({
  /** Part of the address. */
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The last address of the previous page. */
  cursor: z.string().min(1).optional(),
});
export const SuppressionPageSchema = z.object({
  data: z.array(SuppressionSchema),
  nextCursor: z.string().nullable(),
});

/** At most `max` marketing emails per person per `period`, whatever sent them. */
export const FrequencyCapSchema = z
  .object({
    enabled: z.boolean(),
    max: z.number().int().min(1).max(1000),
    period: JourneyDurationSchema,
  })
  .meta({ id: 'EmailFrequencyCap' });
export type FrequencyCap = z.infer<typeof FrequencyCapSchema>;

/** One person's email preferences as the admin sees them (the person page's Email section). */
export const PersonEmailPreferencesSchema = z
  .object({
    profileId: z.string(),
    /** Unsubscribed from all marketing email. */
    unsubscribedAll: z.boolean(),
    topics: z.array(
      z.object({
        topicId: z.string(),
        name: z.string(),
        subscribed: z.boolean(),
        /** Null: the topic's default (no decision). */
        source: SubscriptionSourceSchema.nullable(),
        changedAt: z.string().nullable(),
      }),
    ),
    suppressions: z.array(SuppressionSchema),
    history: z.array(
      z.object({
        /** A topic id, or `*` for all marketing email. */
        topicId: z.string(),
        subscribed: z.boolean(),
        source: SubscriptionSourceSchema,
        at: z.string(),
      }),
    ),
  })
  .meta({ id: 'PersonEmailPreferences' });
export type PersonEmailPreferences = z.infer<typeof PersonEmailPreferencesSchema>;

/** A change of a person's subscriptions: per topic, and/or all marketing email. */
export const UpdateEmailSubscriptionsSchema = z.object({
  topics: z.record(z.string().min(1), z.boolean()).default({}),
  unsubscribedAll: z.boolean().optional(),
});
export type UpdateEmailSubscriptions = z.input<typeof UpdateEmailSubscriptionsSchema>;
