import { z } from 'zod';
import { AUDIENCE_FILE_FORMATS } from './destinations.js';
import { PageQuerySchema } from './paging.js';

// Files of `audience-file` destinations: a full export of an audience, then per hour the profiles
// that entered (additions) and left (removals) it.

export const AUDIENCE_FILE_KINDS = ['full', 'additions', 'removals'] as const;
export const AudienceFileKindSchema = z.enum(AUDIENCE_FILE_KINDS);
export type AudienceFileKind = z.infer<typeof AudienceFileKindSchema>;

export const AudienceFileSchema = z
  .object({
    id: z.string(),
    destinationId: z.string(),
    audience: z.object({ id: z.string(), name: z.string() }),
    kind: AudienceFileKindSchema,
    format: z.enum(AUDIENCE_FILE_FORMATS),
    fileName: z.string().describe('audienceId/kind-bucket.csv|ndjson'),
    rows: z.number().int().describe('Profiles in the file (header excluded)'),
    path: z.string().nullable().describe('Where it was written, when the destination has a directory'),
    createdAt: z.string(),
    updatedAt: z.string().describe('The last line added (additions / removals grow during their hour)'),
  })
  .meta({ id: 'AudienceFile' });
export type AudienceFile = z.infer<typeof AudienceFileSchema>;

export const AudienceFileListQuerySchema = PageQuerySchema.extend({
  audienceId: z.string().min(1).optional(),
  kind: AudienceFileKindSchema.optional(),
});
export type AudienceFileListQuery = z.infer<typeof AudienceFileListQuerySchema>;
