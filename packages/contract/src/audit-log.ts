import { z } from 'zod';
import { PageQuerySchema } from './paging.js';

/** What an audit entry records: a read of a person's data, or a change. */
export const AUDIT_ACTIONS = ['read', 'write'] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** Who acted: a signed-in user, an API token, or Tandem itself (retention, schedules). */
export const AUDIT_ACTOR_KINDS = ['user', 'token', 'system'] as const;
export const AuditActorKindSchema = z.enum(AUDIT_ACTOR_KINDS);

/** One entry of the audit log, as the API shows it. */
export const AuditEntrySchema = z
  .object({
    id: z.string(),
    /** Position in the workspace's hash chain (1, 2, 3, …). */
    seq: z.number().int(),
    at: z.string(),
    actorKind: AuditActorKindSchema,
    actorId: z.string(),
    action: AuditActionSchema,
    method: z.string(),
    /** The route as declared (`/api/v1/profiles/:id`), never the URL with its ids. */
    route: z.string(),
    status: z.number().int(),
    /** The person read or changed, when the route names one (null once erased). */
    profileId: z.string().nullable(),
    /** The ids the request named (route params), null once erased. */
    entityIds: z.record(z.string(), z.string()).nullable(),
    /** Values before the change, where the domain gives them. */
    before: z.unknown().nullable(),
    /** What the change set (at least the request body's fields, secrets redacted). */
    after: z.unknown().nullable(),
    /** Whether the entry's personal content was erased by a privacy request. */
    erased: z.boolean(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

/** `GET /api/v1/audit-log?actor=&profileId=&since=&until=&action=` (newest first). */
export const AuditLogQuerySchema = PageQuerySchema.extend({
  actor: z.string().min(1).max(200).optional(),
  profileId: z.string().min(1).max(200).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  action: AuditActionSchema.optional(),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuerySchema>;

/** `GET /api/v1/audit-log/export?format=` takes the same filters as the list. */
export const AuditLogExportQuerySchema = AuditLogQuerySchema.omit({ limit: true, cursor: true }).extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});
export type AuditLogExportQuery = z.infer<typeof AuditLogExportQuerySchema>;

/** `GET /api/v1/audit-log/verify`: the chain checked from its start (or its pruned anchor). */
export const AuditChainReportSchema = z
  .object({
    ok: z.boolean(),
    /** Entries whose link was checked. */
    checked: z.number().int(),
    /** The first broken link, if any. */
    brokenAt: z
      .object({
        seq: z.number().int(),
        entryId: z.string().nullable(),
        reason: z.enum(['hash_mismatch', 'content_mismatch', 'missing_entry', 'head_mismatch']),
      })
      .nullable(),
    verifiedAt: z.string(),
  })
  .meta({ id: 'AuditChainReport' });
export type AuditChainReport = z.infer<typeof AuditChainReportSchema>;
