import { z } from 'zod';

/** Every email is an event on its person: these are their names. */
export const EMAIL_EVENTS = {
  sent: 'Email Sent',
  delivered: 'Email Delivered',
  opened: 'Email Opened',
  clicked: 'Email Link Clicked',
  bounced: 'Email Bounced',
  complained: 'Email Marked as Spam',
  unsubscribed: 'Unsubscribed',
  replied: 'Email Replied',
  skipped: 'Email Skipped',
} as const;

/** Marketing email needs the marketing purpose and a subscribed topic; transactional needs neither. */
export const EMAIL_CATEGORIES = ['marketing', 'transactional'] as const;
export const EmailCategorySchema = z.enum(EMAIL_CATEGORIES);
export type EmailCategory = z.infer<typeof EmailCategorySchema>;

/** A template: MJML with Liquid placeholders in subject and body. */
export const EmailTemplateInputSchema = z.object({
  name: z.string().min(1).max(200),
  subject: z.string().min(1).max(998),
  mjml: z.string().min(1).max(500_000),
  /** The plain-text part; derived from the HTML when absent. */
  text: z.string().max(500_000).optional(),
  category: EmailCategorySchema.default('marketing'),
  /** The subscription topic of a marketing template. */
  topicId: z.string().min(1).nullable().optional(),
  fromName: z.string().max(200).optional(),
  fromAddress: z.email().optional(),
  replyTo: z.email().optional(),
});
export const UpdateEmailTemplateSchema = EmailTemplateInputSchema.partial();
export const EmailTemplateSchema = EmailTemplateInputSchema.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'EmailTemplate' });
export type EmailTemplate = z.infer<typeof EmailTemplateSchema>;

/** Renders a template for one person (and optionally a sample triggering event). */
export const EmailPreviewRequestSchema = z.object({
  profileId: z.string().min(1).optional(),
  event: z.record(z.string(), z.unknown()).optional(),
});
export const EmailPreviewSchema = z
  .object({ subject: z.string(), html: z.string(), text: z.string(), errors: z.array(z.string()) })
  .meta({ id: 'EmailPreview' });

export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled'] as const;
export const CreateBroadcastSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  templateId: z.string().min(1),
  audienceId: z.string().min(1),
  /** Absent: now. */
  sendAt: z.iso.datetime({ offset: true }).optional(),
  /** Send-time throttling: at most this many per minute (absent: the workspace's rate). */
  perMinute: z.number().int().min(1).max(1_000_000).optional(),
});
export const BroadcastSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    templateId: z.string(),
    audienceId: z.string(),
    status: z.enum(BROADCAST_STATUSES),
    sendAt: z.string().nullable(),
    perMinute: z.number().int().nullable(),
    recipients: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    opened: z.number().int(),
    clicked: z.number().int(),
    bounced: z.number().int(),
    unsubscribed: z.number().int(),
    skipped: z.number().int(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Broadcast' });
export type Broadcast = z.infer<typeof BroadcastSchema>;

/** A workspace's sending settings: the default sender, the rate (emails/s) and the hourly cap. */
export const EmailSettingsSchema = z
  .object({
    fromAddress: z.email().nullable(),
    fromName: z.string().max(200).nullable(),
    /** Emails per second the workspace sends at most (null: no limit). */
    perSecond: z.number().int().min(1).max(100_000).nullable(),
    /** Emails in any sliding hour at most (null: no cap). */
    perHour: z.number().int().min(1).max(100_000_000).nullable(),
  })
  .meta({ id: 'EmailSettings' });
export type EmailSettings = z.infer<typeof EmailSettingsSchema>;
export const UpdateEmailSettingsSchema = EmailSettingsSchema.partial();

/** What became of the messages of one origin (a broadcast, or one step of a journey or sequence). */
export const EmailCountsSchema = z
  .object({
    stepId: z.string().nullable(),
    queued: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    opened: z.number().int(),
    clicked: z.number().int(),
    unsubscribed: z.number().int(),
    bounced: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    /** Withdrawn before sending (a cancelled broadcast). */
    cancelled: z.number().int(),
  })
  .meta({ id: 'EmailCounts' });
export type EmailCounts = z.infer<typeof EmailCountsSchema>;
