import { z } from 'zod';
import { MAX_PAGE_LIMIT } from './paging.js';

/** What a privacy request asks for: erase, stop collecting, resume collecting, export, or anonymize a person. */
export const PRIVACY_REQUEST_TYPES = [
  'delete',
  'suppress',
  'suppress_and_delete',
  'unsuppress',
  'export',
  'anonymize',
] as const;
export type PrivacyRequestType = (typeof PRIVACY_REQUEST_TYPES)[number];

/** The identifier a request names its person by. */
export const PRIVACY_IDENTIFIER_TYPES = ['user_id', 'anonymous_id', 'email', 'phone', 'profile_id'] as const;
export type PrivacyIdentifierType = (typeof PRIVACY_IDENTIFIER_TYPES)[number];

export const PRIVACY_REQUEST_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

/** Most identifiers one bulk call may carry. */
export const MAX_BULK_PRIVACY_IDENTIFIERS = 5000;

export const PrivacyIdentifierSchema = z
  .object({
    type: z.enum(PRIVACY_IDENTIFIER_TYPES),
    value: z.string().trim().min(1).max(500),
  })
  .meta({ id: 'PrivacyIdentifier' });
export type PrivacyIdentifier = z.infer<typeof PrivacyIdentifierSchema>;

export const CreatePrivacyRequestSchema = z
  .object({ type: z.enum(PRIVACY_REQUEST_TYPES), identifier: PrivacyIdentifierSchema })
  .meta({ id: 'CreatePrivacyRequest' });
export type CreatePrivacyRequest = z.infer<typeof CreatePrivacyRequestSchema>;

export const BulkPrivacyRequestSchema = z
  .object({
    type: z.enum(PRIVACY_REQUEST_TYPES),
    identifiers: z.array(PrivacyIdentifierSchema).min(1).max(MAX_BULK_PRIVACY_IDENTIFIERS),
  })
  .meta({ id: 'BulkPrivacyRequest' });
export type BulkPrivacyRequest = z.infer<typeof BulkPrivacyRequestSchema>;

/**
 * What a request did, with no personal data in it: records removed or altered per domain, and
 * for an export the time-limited download.
 */
export const PrivacyReportSchema = z
  .object({
    domains: z.record(z.string(), z.record(z.string(), z.number())),
    /** The person was not known by the identifier (nothing held, nothing done beyond suppression). */
    personFound: z.boolean().optional(),
    downloadUrl: z.string().optional(),
    expiresAt: z.string().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'PrivacyReport' });
export type PrivacyReport = z.infer<typeof PrivacyReportSchema>;

export const PrivacyRequestSchema = z
  .object({
    id: z.string(),
    type: z.enum(PRIVACY_REQUEST_TYPES),
    identifierType: z.enum(PRIVACY_IDENTIFIER_TYPES),
    status: z.enum(PRIVACY_REQUEST_STATUSES),
    report: PrivacyReportSchema,
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    /** The user (or token) that asked. */
    requestedBy: z.string().nullable(),
  })
  .meta({ id: 'PrivacyRequest' });
export type PrivacyRequest = z.infer<typeof PrivacyRequestSchema>;

export const BulkPrivacyRequestResultSchema = z
  .object({ data: z.array(PrivacyRequestSchema) })
  .meta({ id: 'BulkPrivacyRequestResult' });

export const PrivacyRequestsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(50),
  cursor: z.string().min(1).optional(),
  status: z.enum(PRIVACY_REQUEST_STATUSES).optional(),
  type: z.enum(PRIVACY_REQUEST_TYPES).optional(),
});
export type PrivacyRequestsQuery = z.infer<typeof PrivacyRequestsQuerySchema>;

/** Deletion by scope: events that should never have been collected (a source, an event name, a time range). */
export const ScopedDeletionSchema = z
  .object({
    sourceId: z.string().min(1).optional(),
    event: z.string().min(1).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((scope) => Object.values(scope).some((value) => value !== undefined), {
    message: 'name at least one of sourceId, event, from, to',
  })
  .meta({ id: 'ScopedDeletion' });
export type ScopedDeletion = z.infer<typeof ScopedDeletionSchema>;

export const ScopedDeletionResultSchema = z
  .object({ events: z.number(), profiles: z.number() })
  .meta({ id: 'ScopedDeletionResult' });
export type ScopedDeletionResult = z.infer<typeof ScopedDeletionResultSchema>;
