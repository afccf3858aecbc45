import { z } from 'zod';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);

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
      'target=column pairs, comma separated: userId, anonymousId, messageId, event, type, timestamp, groupId, traits.<name>, properties.<name>, context.<path>. Empty for NDJSON lines that are Segment calls already',
    ),
  type: z.enum(['track', 'identify', 'page', 'screen', 'group']).optional(),
  event: z.string().min(1).max(200).optional().describe('Event name of every row of a track import'),
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
    status: z.enum(['running', 'completed', 'failed']),
    bytesTotal: z.number().int(),
    bytesRead: z.number().int(),
    rowsRead: z.number().int(),
    rowsStored: z.number().int(),
    rowsDuplicate: z.number().int().describe('Rows whose message id was already stored (a re-run)'),
    rowsRejected: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), message: z.string() })).describe('The first 100'),
    failure: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ImportJob' });
export type ImportJob = z.infer<typeof ImportJobSchema>;
