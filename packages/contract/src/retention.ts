import { z } from 'zod';
import { PageQuerySchema } from './paging.js';

/** At most this many days for any retention policy (about 30 years). */
export const MAX_RETENTION_DAYS = 11_000;
const days = z.number().int().min(1).max(MAX_RETENTION_DAYS);

/** Raw events of one name (or, without a name, every event without a policy of its own). */
export const EventRetentionPolicySchema = z.strictObject({
  /** The event name (`Page Viewed`); null for the default of all other events. */
  event: z.string().trim().min(1).max(200).nullable(),
  days,
});
export type EventRetentionPolicy = z.infer<typeof EventRetentionPolicySchema>;

/** A workspace's retention settings; a null number of days keeps that data forever. */
export const RetentionPoliciesSchema = z
  .strictObject({
    events: z.array(EventRetentionPolicySchema).max(500),
    /** CRM activities (notes, calls, emails logged) by their occurrence time. */
    crmActivitiesDays: days.nullable(),
    /** Closed tickets (with their messages, attachments and emails) by their solve time. */
    closedTicketsDays: days.nullable(),
    /** Audit log entries (their chain keeps verifying from the oldest kept). */
    auditLogDays: days.nullable(),
  })
  .superRefine((policies, ctx) => {
    const seen = new Set<string | null>();
    policies.events.forEach((policy, index) => {
      if (seen.has(policy.event))
        ctx.addIssue({
          code: 'custom',
          path: ['events', index, 'event'],
          message: `"${policy.event ?? 'All other events'}" has two policies`,
        });
      seen.add(policy.event);
    });
  })
  .meta({ id: 'RetentionPolicies' });
export type RetentionPolicies = z.infer<typeof RetentionPoliciesSchema>;

/** What a run removed, by kind of record. */
export const RetentionRemovedSchema = z.object({
  /** Raw events removed, by event name (`(all others)` for the default policy). */
  events: z.record(z.string(), z.number().int()),
  crmActivities: z.number().int(),
  closedTickets: z.number().int(),
  auditEntries: z.number().int(),
});
export type RetentionRemoved = z.infer<typeof RetentionRemovedSchema>;

/** One retention run: on the hourly schedule or asked for ("run now"). */
export const RetentionRunSchema = z
  .object({
    id: z.string(),
    trigger: z.enum(['schedule', 'manual']),
    status: z.enum(['running', 'done', 'failed']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    removed: RetentionRemovedSchema,
    error: z.string().nullable(),
  })
  .meta({ id: 'RetentionRun' });
export type RetentionRun = z.infer<typeof RetentionRunSchema>;

export const RetentionRunsQuerySchema = PageQuerySchema;
