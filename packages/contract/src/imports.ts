import { z } from 'zod';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);

/** What an import's rows become: Segment calls of a type, or CRM deals. */
export const IMPORT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'deal'] as const;
export const ImportTypeSchema = z.enum(IMPORT_TYPES);
export type ImportType = z.infer<typeof ImportTypeSchema>;

/** Targets of a deal import's mapping (besides `people.<role>` and `fields.<key>`). */
export const DEAL_IMPORT_TARGETS = [
  'name',
  'amount',
  'currency',
  'closeDate',
  'pipeline',
  'stage',
  'status',
  'lostReason',
  'owner',
  'company',
  'companyDomain',
  'person',
  'externalId',
  'dealId',
] as const;
export type DealImportTarget = (typeof DEAL_IMPORT_TARGETS)[number];

/** Most `target=column` entries of an import's mapping, and most dotted parts of a `context.<path>` target. */
export const MAX_MAPPING_COLUMNS = 500;
export const MAX_MAPPING_CONTEXT_DEPTH = 8;

/** Options of a file import, as query parameters of the upload. */
export const ImportOptionsSchema = z.object({
  format: ImportFormatSchema.optional().describe('Default: from the file name, else csv'),
  map: z
    .string()
    .max(50_000)
    .default('')
    .describe(
      'target=column pairs, comma separated: userId, anonymousId, messageId, event, type, timestamp, groupId, traits.<name>, properties.<name>, context.<path>. Empty for NDJSON lines that are Segment calls already. A deal import maps deal fields instead: name, amount, currency, closeDate, pipeline, stage, status, lostReason, owner, company, companyDomain, person, people.<role>, fields.<key>, externalId, dealId',
    ),
  type: z
    .enum(IMPORT_TYPES)
    .optional()
    .describe('What each row becomes: a Segment call of that type, or a CRM deal (`deal`)'),
  event: z.string().min(1).max(200).optional().describe('Event name of every row of a track import'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code, like "EUR"')
    .optional()
    .describe('A deal import: the currency of rows without one'),
  fileName: z.string().min(1).max(500).optional(),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const ImportJobSchema = z
  .object({
    id: z.string(),
    sourceId: z.string(),
    fileName: z.string(),
    format: ImportFormatSchema,
    mapping: z.string(),
    type: ImportTypeSchema.nullable().describe(
      'What the rows became; null for an import older than the field',
    ),
    status: z.enum(['running', 'completed', 'failed']),
    bytesTotal: z.number().int(),
    bytesRead: z.number().int(),
    rowsRead: z.number().int(),
    rowsStored: z.number().int().describe('Rows stored (a deal import: deals created)'),
    rowsDuplicate: z
      .number()
      .int()
      .describe('Rows whose message id was already stored (a re-run); a deal import: existing deals updated'),
    rowsRejected: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), message: z.string() })).describe('The first 100'),
    failure: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ImportJob' });
export type ImportJob = z.infer<typeof ImportJobSchema>;
