import { z } from 'zod';
import { AudienceFileSchema } from './audience-files.js';

// The full sync of a destination that holds state (a warehouse, audience files): what the
// incremental deliveries then keep up to date.

export const DestinationSyncSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('warehouse'),
      profiles: z.number().int().describe('Profiles written (those the destination’s purposes allow)'),
    }),
    z.object({
      type: z.literal('audience-file'),
      files: z.array(AudienceFileSchema).describe('One full file per audience the destination subscribes to'),
    }),
  ])
  .meta({ id: 'DestinationSync' });
export type DestinationSync = z.infer<typeof DestinationSyncSchema>;
